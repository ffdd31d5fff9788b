"""`python -m hud` runs the `hud` command."""

import sys

from hud.cli import main

sys.exit(main())
