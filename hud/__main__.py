"""`python -m hud` and the `hud` command."""

import os
import sys


def main() -> int:
    """Run the `hud` command. One BLAS thread: the command does no linear algebra, and
    OpenBLAS's extra threads cost startup time (set before numpy is first imported)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from hud.cli import main as run

    return run()


if __name__ == "__main__":
    sys.exit(main())
