"""Protection of what checks rely on against learner code that replaces it.

Learner code can, by accident or in a moment of frustration, replace `torch.allclose`,
`Tensor.__eq__`, a helper of this package or of the check itself, a builtin such as
`range`, or flip global switches such as the default dtype, the default device or grad
mode. The check process takes a snapshot of those namespaces before the learner's file
is imported; after every call into learner code the snapshot is put back, and at the
end any replacement the learner made is reported, so a check never passes on the
strength of a comparison the learner rewrote. Flipped switches are put back silently:
they are the learner's business as long as the answer is right.

What is watched:

- functions (and, outside `torch` itself, classes) of torch's public namespaces, numpy,
  einops, math and builtins;
- everything callable in mlkata's own modules, the check and its reference solution,
  including methods of the classes they define, and the code and default arguments of
  their Python functions (`expect_close.__code__ = ...` changes the function in place);
- attributes added to a watched class that shadow an inherited one
  (`torch.Tensor.__eq__ = ...` is such an addition), and globals added to mlkata's, the
  check's or the reference's modules that shadow a builtin.

An in-process check cannot defend against code set on subverting it (writing its own
verdict to the result pipe, editing objects through `gc`); this covers the ways learner
code plausibly changes what the check sees.
"""

from __future__ import annotations

import builtins
import json
import math
import operator
import os
import sys
from dataclasses import dataclass
from types import FunctionType, ModuleType
from typing import Any

import numpy
import torch

_set_default_dtype = torch.set_default_dtype
_get_default_dtype = torch.get_default_dtype
_set_default_device = torch.set_default_device
_set_grad_enabled = torch._C._set_grad_enabled
_is_grad_enabled = torch.is_grad_enabled
_device_holder = torch._GLOBAL_DEVICE_CONTEXT

# Prefixes of modules whose every callable is the harness's own.
OWN_MODULE_PREFIXES = ("mlkata.", "mlkata_check_", "mlkata_reference_")
# torch rebinds some of its own classes (set_default_dtype swaps torch.Storage), so in
# the top-level namespace only functions are watched.
FUNCTIONS_ONLY = frozenset({"torch"})


def _library_namespaces() -> dict[str, Any]:
    spaces: dict[str, Any] = {
        "builtins": builtins,
        "math": math,
        "os": os,  # the verdict leaves the process through os and json
        "json": json,
        "torch": torch,
        "torch.Tensor": torch.Tensor,
        "torch.testing": torch.testing,
        "torch.nn.functional": torch.nn.functional,
        "torch.nn.Module": torch.nn.Module,
        "torch.linalg": torch.linalg,
        "torch.special": torch.special,
        "torch.autograd": torch.autograd,
        "numpy": numpy,
        "numpy.testing": numpy.testing,
    }
    if "einops" in sys.modules:
        spaces["einops"] = sys.modules["einops"]
    return spaces


def _own_namespaces() -> dict[str, Any]:
    """mlkata's modules, the check and its reference, and the classes they define."""
    base = _taken_before_fork
    if base is None:
        names = [name for name in list(sys.modules) if name == "mlkata" or name.startswith(OWN_MODULE_PREFIXES)]
    else:
        # The worker's own modules are known; only the check's are new. Looking at every
        # module object would copy a page per module in a forked process.
        from mlkata.checking.reference import loaded_check_modules

        names = [*base._own_modules, *loaded_check_modules]
    spaces: dict[str, Any] = {}
    for name in names:
        module = sys.modules.get(name)
        if not isinstance(module, ModuleType):
            continue
        spaces[name] = module
        for attr, value in list(vars(module).items()):
            if isinstance(value, type) and value.__module__ == name:
                spaces[f"{name}.{attr}"] = value
    return spaces


@dataclass
class GlobalState:
    default_dtype: torch.dtype
    grad_enabled: bool
    device_context: Any

    @classmethod
    def capture(cls) -> "GlobalState":
        return cls(
            default_dtype=_get_default_dtype(),
            grad_enabled=_is_grad_enabled(),
            device_context=getattr(_device_holder, "device_context", None),
        )

    def restore(self) -> None:
        _set_default_dtype(self.default_dtype)
        _set_grad_enabled(self.grad_enabled)
        if self.device_context is None and getattr(_device_holder, "device_context", None) is not None:
            _set_default_device(None)


class Snapshot:
    """The watched attributes as they were before learner code ran."""

    def __init__(self) -> None:
        library = _library_namespaces()
        own = _own_namespaces()
        self._spaces = {**library, **own}
        self._saved: dict[str, dict[str, Any]] = {}
        self._closed: dict[str, frozenset[str]] = {}
        self._function_parts: dict[FunctionType, tuple] = {}
        base = _taken_before_fork
        for name, space in self._spaces.items():
            if base is not None and base._spaces.get(name) is space:
                self._adopt(base, name, space, owned=name in own)
            else:
                self._take(name, space, owned=name in own)
        self._own_modules = [name for name in own if isinstance(own[name], ModuleType)]
        self._global_state = GlobalState.capture()
        self.tampered: set[str] = set()
        self._fingerprint = self._take_fingerprint()
        # Each namespace's values as the fingerprint holds them, for check processes to adopt.
        self._values_of = dict(zip(self._spaces, self._fingerprint[0]))

    def _take(self, name: str, space: Any, owned: bool) -> None:
        self._saved[name] = {
            attr: value
            for attr, value in list(vars(space).items())
            if _is_function(value) or (name not in FUNCTIONS_ONLY and isinstance(value, type))
        }
        # Where an added attribute can shadow something: classes (an inherited method)
        # and modules the harness owns (a builtin, through module globals).
        if isinstance(space, type) or owned:
            self._closed[name] = frozenset(vars(space))
        if owned:
            for function in self._saved[name].values():
                if isinstance(function, FunctionType):
                    self._function_parts[function] = _parts(function)

    def _adopt(self, base: "Snapshot", name: str, space: Any, owned: bool) -> None:
        """Reuse the worker's snapshot of a namespace, updated with what changed since.

        Building a snapshot touches thousands of objects, and in a forked process each
        touch copies a page; the worker takes it once, and a check process only looks
        at what differs (the bans it installed, attributes torch added lazily).
        """
        saved = base._saved[name]
        current = vars(space)
        if list(current.values()) == base._values_of[name]:  # unchanged since the worker's snapshot: C speed
            changed = []
        else:
            changed = [attr for attr, value in saved.items() if current.get(attr, _MISSING) is not value]
        if changed:
            saved = dict(saved)
            for attr in changed:
                if attr in current:
                    saved[attr] = current[attr]
                else:
                    del saved[attr]
        self._saved[name] = saved
        closed = base._closed.get(name)
        if closed is not None:
            self._closed[name] = closed if len(closed) == len(current) else frozenset(current)
        if owned:
            for function in saved.values():
                if isinstance(function, FunctionType):
                    parts = base._function_parts.get(function)
                    self._function_parts[function] = parts if parts is not None else _parts(function)

    def _take_fingerprint(self) -> tuple[list, list]:
        # Every value of every watched namespace, and every watched function's parts,
        # copied at C speed: comparing them again is the cheap test that nothing changed.
        values = [list(vars(space).values()) for space in self._spaces.values()]
        return values, list(map(_parts, self._function_parts))

    def _unchanged(self) -> bool:
        try:
            return self._take_fingerprint() == self._fingerprint
        except Exception:  # noqa: BLE001 - a replaced value whose == is not a bool
            return False

    def restore(self) -> None:
        """Undo every replacement made since the snapshot, remembering what it undid."""
        if self._unchanged():  # the usual case, after every call into learner code
            self._global_state.restore()
            return
        for name, space in self._spaces.items():
            current = vars(space)
            saved = self._saved[name]
            for attr, original in list(saved.items()):
                now = current.get(attr, _MISSING)
                if now is original:
                    continue
                if _torch_rebinds_its_own(original, now):
                    saved[attr] = now  # torch finishing a lazy import (torch._dynamo wraps manual_seed)
                else:
                    self._put_back(name, space, attr, original)
            known = self._closed.get(name)
            if known is not None and len(current) != len(known):
                for attr in [a for a in list(current) if a not in known]:
                    if _shadows(space, attr):
                        self._remove(name, space, attr)
        for function, parts in self._function_parts.items():
            if any(now is not before for now, before in zip(_parts(function), parts)):
                self.tampered.add(f"{function.__module__}.{function.__qualname__}")
                function.__code__, function.__defaults__, function.__kwdefaults__ = parts
        self._global_state.restore()
        self._fingerprint = self._take_fingerprint()  # torch may add attributes of its own

    def _put_back(self, name: str, space: Any, attr: str, original: Any) -> None:
        self.tampered.add(f"{name}.{attr}")
        try:
            setattr(space, attr, original)
        except (AttributeError, TypeError):
            pass

    def _remove(self, name: str, space: Any, attr: str) -> None:
        self.tampered.add(f"{name}.{attr}")
        try:
            delattr(space, attr)
        except (AttributeError, TypeError):
            pass


_MISSING = object()
_taken_before_fork: Snapshot | None = None


def take_before_fork() -> None:
    """Snapshot everything the worker has loaded, once; check processes adopt it."""
    global _taken_before_fork
    _taken_before_fork = Snapshot()


def _torch_rebinds_its_own(original: Any, now: Any) -> bool:
    """Whether a changed attribute is torch wrapping a function in a function of its own.

    Importing `torch._dynamo` (which the first optimizer step does) wraps
    `torch.manual_seed`, and building an optimizer wraps its class's `step` for the
    profiler; each wrapper keeps the original as `__wrapped__` and its code lives in torch.
    That is torch's business, not the learner's. Anything else that changed is put back.
    """
    code = getattr(now, "__code__", None)
    return (
        now is not _MISSING
        and getattr(now, "__wrapped__", None) is original
        and code is not None
        and code.co_filename.startswith(_TORCH_DIR)
    )


_TORCH_DIR = os.path.dirname(torch.__file__) + os.sep


def _shadows(space: Any, attr: str) -> bool:
    """Whether an added attribute hides one that lookups found before it was added."""
    if isinstance(space, type):
        return any(attr in vars(base) for base in space.__mro__[1:])
    return attr in vars(builtins)


def _is_function(value: Any) -> bool:
    return callable(value) and not isinstance(value, type)


# What can be swapped inside a function object: `(code, defaults, kwdefaults)`.
_parts = operator.attrgetter("__code__", "__defaults__", "__kwdefaults__")
