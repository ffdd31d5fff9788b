"""A command's scene: a scene file, or `module:function` returning a Scene.

Every `hud` command that takes a scene file (render, profile, validate, lint, sheet, emulate)
also takes `package.module:function` or `path/to/app.py:function`, the way `uvicorn app:app`
takes an app: the module is imported with the working folder first on sys.path (for a file
path, the file's folder), and the function is called with no arguments; it returns a
hud.Scene.

    hud render app:walk --out out/walk
    hud emulate apps/walk.py:walk          # runs the module again when its file changes

A module is code: it is run only where a user typed its name on the command line. Scene
files stay data, and the emulator's HTTP API loads scene files only.

An argument that names an existing file is a scene file, whatever it looks like. Otherwise
`TEXT:NAME`, with NAME an identifier and TEXT a dotted module name or a path ending in .py,
names a module. Every failure is one AppError line: no such module, no such function, not a
function, a function that needs arguments, a result that is not a Scene, and what importing
the module or calling the function raised (the exception, at the app's file and line).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import re
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.machinery import PathFinder
from pathlib import Path
from types import ModuleType, TracebackType

import hud.scene
from hud import options
from hud.errors import HudError, escape, suggest

_REFERENCE = re.compile(r"^(?P<module>[^:]+):(?P<function>[A-Za-z_][A-Za-z0-9_]*)$")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_HUD_DIR = Path(__file__).resolve().parent


@cache
def _library_dirs() -> tuple[Path, ...]:
    """Python's own folders (the standard library and installed packages)."""
    return tuple({Path(sysconfig.get_paths()[key]).resolve() for key in ("stdlib", "platstdlib", "purelib", "platlib")})


_FILE_MODULE_PREFIX = "_hud_app_"  # the module name of a path/to/app.py whose stem is taken


class AppError(HudError):
    """A `module:function` that does not give a Scene: one line saying why and what to do."""


@dataclass(frozen=True)
class AppReference:
    """`module:function` as typed on the command line, with the module's source file (found
    without running it; None for a module that has no source file)."""

    text: str
    module: str  # a dotted module name, or the path of a .py file
    function: str
    file: Path | None
    name: str  # the module's name in sys.modules

    def __str__(self) -> str:
        return self.text

    def __fspath__(self) -> str:
        """The module's file: what the emulator watches (the reference itself where it has none)."""
        return str(self.file) if self.file is not None else self.text

    @property
    def stem(self) -> str:
        """A name for output files: "app-walk" for app:walk."""
        module = Path(self.module).stem if self.module.endswith(".py") else self.module.rpartition(".")[2]
        return f"{module}-{self.function}"

    def scene(self, fresh: bool = False) -> hud.scene.Scene:
        """Call the function and return its Scene; the module is run first unless it is imported
        from its file already (`fresh`: run it again in any case, e.g. after an edit). AppError
        on any failure."""
        module = self._module(fresh)
        function = getattr(module, self.function, None)
        where = f"module '{escape(self.module)}'" + (f" ({_shown(self.file)})" if self.file else "")
        if function is None:
            names = [name for name in vars(module) if not name.startswith("_")]
            fix = suggest(self.function, names, f"define def {self.function}() returning a hud.Scene there")
            raise AppError(f"{escape(self.text)}: {where} has no '{self.function}' ({fix})")
        if not callable(function):
            raise AppError(
                f"{escape(self.text)}: '{self.function}' in {where} is {_a(type(function).__name__)}, not a "
                f"function (define def {self.function}() returning a hud.Scene)"
            )
        needed = _required_parameters(function)
        if needed:
            raise AppError(
                f"{escape(self.text)}: {self.function}() needs {', '.join(needed)}, but hud calls it with no "
                f"arguments (give {'them' if len(needed) > 1 else 'it'} a default value)"
            )
        try:
            result = function()
        except HudError as exc:
            if os.environ.get("HUD_DEBUG"):
                raise
            raise AppError(f"{escape(self.text)}: {_app_line(exc.__traceback__, function)}: {exc}") from None
        except (Exception, SystemExit) as exc:
            if os.environ.get("HUD_DEBUG"):
                raise
            raise AppError(
                f"{escape(self.text)}: {self.function}() raised {_exception(exc)} "
                f"({_app_line(exc.__traceback__, function)}; HUD_DEBUG=1 shows the traceback)"
            ) from None
        if not isinstance(result, hud.scene.Scene):
            got = "None (does it return the scene?)" if result is None else _a(type(result).__name__)
            raise AppError(
                f"{escape(self.text)}: {self.function}() returned {got}, not a hud.Scene "
                "(return hud.Scene(...) from it)"
            )
        return result

    def _module(self, fresh: bool) -> ModuleType:
        """The module, run from its source file unless it is imported from that file already
        and not `fresh` (a byte-code cache never hides an edit). When running it fails, the
        version imported before stays."""
        if self.file is None:
            return _import(self)
        loaded = sys.modules.get(self.name)
        if loaded is not None and not fresh and _file_of(loaded) == self.file:
            return loaded
        package = self.file.name == "__init__.py"
        spec = importlib.util.spec_from_file_location(
            self.name, self.file, submodule_search_locations=[str(self.file.parent)] if package else None
        )
        assert spec is not None, "a .py file always has a spec"
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.name] = module
        try:
            code = compile(self.file.read_bytes(), str(self.file), "exec", dont_inherit=True)
            exec(code, module.__dict__)
        except BaseException as exc:
            if loaded is not None:
                sys.modules[self.name] = loaded
            else:
                sys.modules.pop(self.name, None)
            if isinstance(exc, KeyboardInterrupt) or os.environ.get("HUD_DEBUG"):
                raise
            raise _import_error(self, exc) from None
        return module


def app_reference(text: str) -> AppReference | None:
    """The `module:function` that `text` names, or None when it names a file (or is no
    reference). AppError when the module cannot be found."""
    match = _REFERENCE.match(text)
    if match is None or os.path.lexists(text):
        return None
    module, function = match.group("module"), match.group("function")
    if module.endswith(".py"):
        return _file_reference(text, module, function)
    if not _DOTTED.match(module):
        return None
    _working_folder_first()
    return _module_reference(text, module, function)


def check_scene_arg(text: str) -> None:
    """Before any work: a scene file that can be read, or a module that can be found (it is not
    run yet). SceneError or AppError, one line."""
    if app_reference(text) is None:
        options.check_scene_file(text)


def load_scene_arg(text: str) -> hud.scene.Scene:
    """The scene a command-line argument names: a scene file (checked, then loaded), or the
    Scene `module:function` returns. SceneError or AppError, one line, on any problem."""
    reference = app_reference(text)
    if reference is not None:
        return reference.scene()
    options.check_scene_file(text)
    return hud.scene.load_scene(text)


def scene_stem(text: str) -> str:
    """A name for a command's output files: the scene file's stem, or "module-function"."""
    match = _REFERENCE.match(text)
    if match is not None and not os.path.lexists(text):
        module = match.group("module")
        if module.endswith(".py") or _DOTTED.match(module):
            name = Path(module).stem if module.endswith(".py") else module.rpartition(".")[2]
            return f"{name}-{match.group('function')}"
    return Path(text).stem


# -- finding the module ------------------------------------------------------------------------------


def _working_folder_first() -> None:
    """The working folder first on sys.path, as `python -m` has it (the `hud` script has not)."""
    folder = os.getcwd()
    if sys.path[:1] in ([""], [folder]):
        return
    if folder in sys.path:
        sys.path.remove(folder)
    sys.path.insert(0, folder)


def _module_reference(text: str, module: str, function: str) -> AppReference:
    importlib.invalidate_caches()  # a module written a moment ago is found
    parent = module.rpartition(".")[0]
    try:
        if parent:
            package = importlib.import_module(parent)
            search = getattr(package, "__path__", None)
            spec = PathFinder.find_spec(module, search) if search is not None else None
        else:
            spec = PathFinder.find_spec(module) or importlib.util.find_spec(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (module == exc.name or module.startswith(exc.name + ".")):
            raise _not_found(text, module, function, exc.name) from None
        raise _import_error(AppReference(text, module, function, None, module), exc) from None
    except Exception as exc:
        if os.environ.get("HUD_DEBUG"):
            raise
        raise _import_error(AppReference(text, module, function, None, parent), exc) from None
    if spec is None:
        raise _not_found(text, module, function, module)
    origin = spec.origin if spec.has_location and spec.origin and spec.origin.endswith(".py") else None
    return AppReference(text, module, function, Path(origin).resolve() if origin else None, module)


def _file_reference(text: str, module: str, function: str) -> AppReference:
    path = Path(module)
    if not path.is_file():
        raise AppError(
            f"{escape(text)}: there is no file {escape(module)} (check the path, or run hud from the app's folder)"
        )
    file = path.resolve()
    folder = str(file.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)  # the app's own imports of modules beside it
    name = file.stem if file.stem.isidentifier() else "app"
    taken = sys.modules.get(name)
    if taken is not None and _file_of(taken) != file:
        name = _FILE_MODULE_PREFIX + name  # e.g. a json.py app must not replace the json module
    return AppReference(text, module, function, file, name)


def _import(reference: AppReference) -> ModuleType:
    """A module without a source file of its own (built in, compiled), imported as usual."""
    try:
        return importlib.import_module(reference.name)
    except Exception as exc:
        if os.environ.get("HUD_DEBUG"):
            raise
        raise _import_error(reference, exc) from None


def _file_of(module: ModuleType) -> Path | None:
    """The resolved source file a module was run from (None when it has none)."""
    name = getattr(module, "__file__", None)
    return Path(name).resolve() if name else None


def _not_found(text: str, module: str, function: str, missing: str) -> AppError:
    first = module.split(".")[0]
    return AppError(
        f"{escape(text)}: no module named '{escape(missing)}', and no scene file of that name "
        f"(run hud from the folder that holds {escape(first)}.py or the {escape(first)} package, or give "
        f"the file's path: path/to/{escape(module.rpartition('.')[2])}.py:{function})"
    )


def _import_error(reference: AppReference, exc: BaseException) -> AppError:
    """What running the module raised, at the app's line."""
    if isinstance(exc, SyntaxError):
        place = f"{_shown(Path(exc.filename))}:{exc.lineno}" if exc.filename else _shown(reference.file)
        return AppError(f"{escape(reference.text)}: {place}: syntax error: {escape(exc.msg)} (fix the module)")
    return AppError(
        f"{escape(reference.text)}: importing {escape(reference.module)} raised {_exception(exc)} "
        f"({_app_line(exc.__traceback__, None)}; HUD_DEBUG=1 shows the traceback)"
    )


# -- naming the app's line -----------------------------------------------------------------------------


def _required_parameters(function: Callable[..., object]) -> list[str]:
    """The parameters of `function` without a default (none when its signature is unknown)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return []
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return [p.name for p in signature.parameters.values() if p.kind in kinds and p.default is p.empty]


def _app_line(trace: TracebackType | None, function: object) -> str:
    """ "app.py:12": the innermost line of the traceback in the app's own code (not in hud, the
    standard library or installed packages); else where `function` is defined."""
    found = None
    while trace is not None:
        code = trace.tb_frame.f_code
        if not _library(code.co_filename):
            found = (code.co_filename, trace.tb_lineno)
        trace = trace.tb_next
    if found is None:
        defined = getattr(function, "__code__", None)
        if defined is None:
            return "in the app"
        found = (defined.co_filename, defined.co_firstlineno)
    return f"{_shown(Path(found[0]))}:{found[1]}"


def _library(filename: str) -> bool:
    """Whether `filename` is hud's or a library's (not the app's)."""
    if filename.startswith("<"):
        return True
    try:
        path = Path(filename).resolve()
    except (OSError, RuntimeError):
        return False
    return any(path.is_relative_to(folder) for folder in (_HUD_DIR, *_library_dirs()))


def _exception(exc: BaseException) -> str:
    """ "ValueError: the first line of its message"."""
    lines = str(exc).strip().splitlines()
    return escape(f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__)


def _a(name: str) -> str:
    """ "a list", "an int"."""
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _shown(path: Path | None) -> str:
    """A path as messages show it: relative to the working folder when inside it."""
    if path is None:
        return "?"
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return escape(str(path))
    return escape(relative if not relative.startswith("..") else str(path))
