"""Golden tests for hud frames: a pytest plugin, and the checker, comparison and report it uses.

Usage in a test (the fixture is a `hud.GoldenChecker`; its ``check`` documents every
argument: ``at=``, ``device=``, ``tolerance=``, ``lint=``, ``time_tolerance=`` and the kinds of
target):

    def test_next_turn(golden):
        golden.check("next-turn", "scenes/navigation.toml", device="quark-s1")

Every test that uses ``golden`` runs once per raster backend of ``golden_backends`` (cpu and
gl), rendering on ``golden.backend`` (``golden.render(...)`` renders a target there). Each eye
is compared with ``<golden_dir>/cpu/<name>-<eye>.png``: exactly on cpu, within the parity
tolerance on gl (hud.golden.tolerance). Where exact parity cannot be had, gl keeps its own
``<golden_dir>/gl/<name>-<eye>.png``. Run ``pytest --update-goldens`` to create or refresh the
goldens of the checks that ran. A mismatch fails with a message whose first line names the
golden, the eye, the backend, the tolerance, the box around the differing pixels and the
widgets drawn there; the expected, actual and diff images are written to
``<rootdir>/.golden-failures/`` together with an HTML report, which also gives each backend's
parity with the cpu goldens.

On a device without a display (``quark-g1``) a check pins what is said instead: the
transcript of the scene's whole timeline is compared with
``<golden_dir>/speech/<name>.json`` (hud.golden_speech), times within ``time_tolerance``
seconds.

Enable it with ``-p hud.golden`` or through the ``pytest11`` entry point; either loads
hud.golden.plugin.

ini options:

* ``golden_dir`` (default ``tests/goldens``): folder of the goldens, relative to
  the rootdir.
* ``golden_backends`` (default ``cpu gl``): the backends each golden test runs on.
* ``golden_tolerance_gpu`` (default ``2``): per-channel tolerance used for
  every backend other than ``cpu`` (which defaults to an exact match).

Where gl cannot make a context, its checks fail saying why; with ``HUD_ALLOW_NO_GL=1`` they
are skipped saying why.
"""

from __future__ import annotations

from hud.golden.check import GoldenChecker
from hud.golden.compare import (
    Difference,
    ImageDiff,
    compare_images,
    diff_image,
    difference,
    isolated_image,
)
from hud.golden.png import load_png, write_png_atomic
from hud.golden.state import GoldenFailure, GoldenState, ParityRecord
from hud.golden.tolerance import (
    PARITY,
    PARITY_MAX_DIFFERENCE,
    PARITY_MAX_SHARE,
    REFERENCE_BACKEND,
    Tolerance,
)

pytest_plugins = ["hud.golden.plugin"]  # `-p hud.golden` loads the plugin

__all__ = [
    "PARITY",
    "PARITY_MAX_DIFFERENCE",
    "PARITY_MAX_SHARE",
    "REFERENCE_BACKEND",
    "Difference",
    "GoldenChecker",
    "GoldenFailure",
    "GoldenState",
    "ImageDiff",
    "ParityRecord",
    "Tolerance",
    "compare_images",
    "diff_image",
    "difference",
    "isolated_image",
    "load_png",
    "write_png_atomic",
]
