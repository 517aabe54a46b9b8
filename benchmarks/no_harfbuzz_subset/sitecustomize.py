"""A machine without libharfbuzz-subset0, simulated in every Python process started with this
folder on PYTHONPATH (`benchmarks.simulate.without_harfbuzz_subset()` sets it).

WeasyPrint 70 opens the subsetter with cffi's `dlopen` under six names and, when each fails
with OSError, subsets fonts with fontTools. Here every `dlopen` of a name containing
"harfbuzz-subset" fails that way: through cffi's Python FFI class and through the out-of-line
FFI class of `_cffi_backend` (the builder's kept C declarations, report/internals/ffi.py), and
`ctypes.util.find_library` finds no such library. The rest of the machine is untouched, so the
same build and bare WeasyPrint meet exactly what a machine without the package gives them.

The patches are made when those modules are first imported, not at start-up: a process that
never loads them (`--check`, `--help`) pays nothing for the simulation.
"""

import importlib.abc
import importlib.util
import sys

REFUSED = "harfbuzz-subset"


def _refuse(name) -> None:
    if isinstance(name, (str, bytes)) and REFUSED in (name if isinstance(name, str) else name.decode()):
        raise OSError(f"cannot load library '{name}': not on this machine (simulated: no libharfbuzz-subset0)")


def _patch(module) -> None:
    name = module.__name__
    if name == "cffi.api":
        original = module.FFI.dlopen

        def dlopen(self, name, flags=0):
            _refuse(name)
            return original(self, name, flags)
        module.FFI.dlopen = dlopen
    elif name == "_cffi_backend":
        class FFI(module.FFI):  # the C class: its methods cannot be replaced, a subclass can
            def dlopen(self, name, flags=0):
                _refuse(name)
                return super().dlopen(name, flags)
        FFI.__name__ = FFI.__qualname__ = "FFI"
        module.FFI = FFI
    elif name == "ctypes.util":
        find = module.find_library

        def find_library(name):
            return None if REFUSED in name else find(name)
        module.find_library = find_library


class _Loader(importlib.abc.Loader):
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _patch(module)


class _Finder(importlib.abc.MetaPathFinder):
    NAMES = {"cffi.api", "_cffi_backend", "ctypes.util"}

    def find_spec(self, name, path=None, target=None):
        if name not in self.NAMES:
            return None
        self.NAMES = self.NAMES - {name}  # find the real module once, without this finder
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


for _name in list(_Finder.NAMES):
    if _name in sys.modules:  # already loaded (not at a normal start-up): patch now
        _patch(sys.modules[_name])
        _Finder.NAMES = _Finder.NAMES - {_name}
sys.meta_path.insert(0, _Finder())
