"""The compiled part of hud: the CPU raster backend's inner loops (hud/raster/_native.c).

Everything else is declared in pyproject.toml. The extension is optional: where it cannot be
built (no C compiler), hud runs its pure-Python path, which gives the same pixels.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "hud.raster._native",
            ["hud/raster/_native.c"],
            extra_compile_args=["-O2", "-ffp-contract=off"],
            optional=True,
        )
    ]
)
