"""WeasyPrint's C declarations, parsed once and kept.

`weasyprint.text.ffi` hands cffi about 450 lines of C declarations (Pango, HarfBuzz,
fontconfig) at every import, and cffi parses them with pycparser, in pure Python: about 0.4 s
of the 0.8 s `import weasyprint`, and another 0.1 s in the first layout, which parses each type
string (`ffi.new('PangoRectangle *')`) the same way. cffi's own out-of-line ABI mode is the cure
(https://cffi.readthedocs.io/en/stable/overview.html#out-of-line-abi-level): `emit_python_code`
writes the parsed declarations as a small Python module, and an FFI made from that module parses
type strings in C. Nothing is compiled; the same libraries are opened and the same functions
called, so the PDF bytes are the same.

While WeasyPrint's module runs, `cffi.FFI` is a stand-in whose `cdef` looks for that module in
the cache folder, by a digest of the declarations and the cffi and Python versions; on a miss it
parses as usual and writes the module for the next process. As soon as WeasyPrint's module has
run, its `ffi` is the real FFI object, so nothing goes through the stand-in afterwards.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.abc
import importlib.util
import io
import sys
import tempfile
from pathlib import Path

import cffi

from report import cache as kept

# Lazy: cffi's C backend, inside the guard that falls back to the plain import when it fails.

TARGET = "weasyprint.text.ffi"
FOLDER = "weasyprint-ffi"  # under the cache folder


def _module_file(cache: Path, source: str) -> Path:
    digest = kept.fingerprint("cffi-declarations", [source, sys.version])
    return cache / FOLDER / f"_wp_ffi_{digest[:24]}.py"


def _load(path: Path):
    """The FFI object of an emitted module, or None where it is missing or not what cffi writes.

    The module is read as data, never run: cffi writes `import _cffi_backend` and one call
    `ffi = _cffi_backend.FFI('name', _version=…, _types=b'…', …)` whose arguments are literals.
    Those literals are checked and handed to `_cffi_backend.FFI` here, so a file put into the
    cache folder by someone else can at most fail to parse (and is then made again)."""
    source = kept.read(path)
    if source is None:
        return None
    try:
        args, kwargs = _literal_call(ast.parse(source))
        import _cffi_backend

        return _cffi_backend.FFI(*args, **kwargs)
    except Exception:  # not what cffi writes: parse as usual, and write it again
        return None


def _literal_call(tree: ast.Module) -> tuple[list, dict]:
    """The literal arguments of `ffi = _cffi_backend.FFI(...)`, the module's one statement
    besides `import _cffi_backend`; ValueError for anything else."""
    body = list(tree.body)
    if (len(body) != 2 or not isinstance(body[0], ast.Import)
            or [a.name for a in body[0].names] != ["_cffi_backend"] or not isinstance(body[1], ast.Assign)):
        raise ValueError("not an emitted cffi module")
    call = body[1].value
    if (not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute)
            or not isinstance(call.func.value, ast.Name) or call.func.value.id != "_cffi_backend"
            or call.func.attr != "FFI" or [t.id for t in body[1].targets if isinstance(t, ast.Name)] != ["ffi"]):
        raise ValueError("not an emitted cffi module")
    return ([ast.literal_eval(a) for a in call.args],
            {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg is not None})


def _emit(ffi, path: Path) -> None:
    """Keep the parsed declarations of `ffi` as an out-of-line module at `path`."""
    ffi.set_source(path.stem, None)  # None: ABI mode, a pure Python module, no compiler
    try:
        with tempfile.TemporaryDirectory() as folder:  # cffi writes a file; the cache gets it whole
            target = Path(folder) / path.name
            with contextlib.redirect_stdout(io.StringIO()):  # cffi prints "generating …"
                ffi.emit_python_code(str(target))
            kept.write(path, target.read_bytes())
    except OSError:  # a cache that cannot be written costs speed, not the build
        pass


class StandIn:
    """What `cffi.FFI()` returns while WeasyPrint's module runs."""

    def __init__(self, original_class, cache: Path):
        self._original_class = original_class
        self._cache = cache
        self._sources: list[tuple[str, dict]] = []
        self.real = None

    def cdef(self, source: str, **kwargs) -> None:
        self._sources.append((source, kwargs))
        if len(self._sources) == 1 and not kwargs:  # the one plain cdef WeasyPrint makes
            path = _module_file(self._cache, source)
            self.real = _load(path)
            if self.real is None:
                self.real = self._original_class()
                self.real.cdef(source)
                _emit(self.real, path)
            return
        # Anything else (a later WeasyPrint, say): cffi's usual way, with every declaration so far.
        self.real = self._original_class()
        for earlier, options in self._sources:
            self.real.cdef(earlier, **options)

    def _inline(self):
        if self.real is None:
            self.real = self._original_class()
        return self.real

    def __getattr__(self, name):
        return getattr(self._inline(), name)


class _Loader(importlib.abc.Loader):
    def __init__(self, loader, cache: Path):
        self._loader, self._cache = loader, cache

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        original = cffi.FFI
        cffi.FFI = lambda *args, **kwargs: (StandIn(original, self._cache) if not args and not kwargs
                                            else original(*args, **kwargs))
        try:
            self._loader.exec_module(module)
        finally:
            cffi.FFI = original
        if isinstance(module.__dict__.get("ffi"), StandIn):
            module.ffi = module.ffi._inline()  # before anyone does `from .ffi import ffi`


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, cache: Path):
        self._cache = cache

    def find_spec(self, name, path=None, target=None):
        if name != TARGET:
            return None
        sys.meta_path.remove(self)  # find WeasyPrint's own module, once
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _Loader(spec.loader, self._cache)
        return spec


def install(cache: Path) -> None:
    """Take WeasyPrint's declarations from `cache` at its coming import (no effect once imported)."""
    if TARGET in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder(Path(cache)))


def uninstall() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _Finder)]
