# Two entry points: `make demo` and `make test`. Both build the environment first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-long lint env clean fuzz docs

$(STAMP): pyproject.toml setup.py hud/raster/_native.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# Installs the dependencies and compiles hud's C inner loops (setup.py: hud/raster/_native.c).
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# Bytecode written once, so a cold `hud` command does not compile hud's sources on every start.
	$(BIN)/python -m compileall -q hud emulator
	# The emulator's real-window test runs under Xvfb (software OpenGL from Mesa); the GL raster
	# backend and its tests need Mesa's EGL (llvmpipe where there is no GPU).
	(command -v Xvfb && ldconfig -p | grep -q libEGL_mesa) >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq xvfb libegl1 libegl-mesa0 libgl1-mesa-dri >/dev/null) || echo "warning: could not install xvfb and Mesa's EGL; the real-window and GL tests will fail"
	touch $(STAMP)

env: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m hud.demo --out out
	@[ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] || echo "No display on this machine: the emulator writes its screenshots to out/emulator/ instead of opening a window."
	$(BIN)/python -m emulator scenes/city-walk-timeline.toml --background street $(if $(DISPLAY)$(WAYLAND_DISPLAY),,--screenshots out/emulator)

# The suite on every core (pytest-xdist; an idle worker takes tests queued for a busy one), with
# the quick hypothesis budget of tests/budget.py. Python's bytecode cache stays on even where
# PYTHONDONTWRITEBYTECODE is set: without it every worker and every `hud` subprocess compiles
# again (pytest's assertion rewriting alone takes 6.5 s a worker instead of 2 s).
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n auto --dist worksteal
test: $(STAMP) lint
	$(PYTEST)

# The same tests with the long hypothesis budget (HUD_TEST_LONG=1): more examples, longer
# state-machine walks, every fuzz target on 2,000 examples.
test-long: $(STAMP) lint
	HUD_TEST_LONG=1 $(PYTEST)

# Static checks, run by `make test` first: ruff (lint and format) and mypy, settings in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check hud emulator tests benchmarks tools examples
	$(BIN)/ruff format --check hud emulator tests benchmarks tools examples
	$(BIN)/mypy

# The Python API reference, generated from the docstrings by pdoc into docs/api/ (built, not
# committed). Any pdoc warning, or a `hud.NAME` in a docstring that names nothing, fails it;
# tests/test_docs_build.py builds it in every `make test`.
docs: $(STAMP)
	$(BIN)/python tools/api_docs.py --out docs/api

# 100,000 cases per fuzz target (about 1.5 hours on 2 cores); a failing case is saved into
# tests/fuzz/corpus/, which `make test` replays. HUD_FUZZ_EXAMPLES=10000 make fuzz for a short run.
HUD_FUZZ_EXAMPLES ?= 100000
fuzz: $(STAMP)
	HUD_FUZZ_EXAMPLES=$(HUD_FUZZ_EXAMPLES) HUD_FUZZ_SAVE=1 $(BIN)/python -m pytest -q -n auto tests/fuzz

clean:
	rm -rf $(VENV) out .golden-failures .pytest_cache .mypy_cache .ruff_cache docs/api
