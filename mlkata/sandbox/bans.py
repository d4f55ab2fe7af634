"""Banned calls, enforced while the learner's code runs.

A call is banned when the learner's file makes it, directly or through library code
(an `nn.Conv2d` inside their module still calls `F.conv2d` on their behalf), and
allowed when the check or its reference makes it. Attribution walks the Python stack
from the call upwards: the first frame that belongs either to the learner's file or to
trusted code (the check, mlkata itself) decides.

Torch functions and tensor methods are caught by a `TorchFunctionMode`, by identity, so
every spelling (`torch.matmul`, `x.matmul`, `x @ y`) of one function is seen. Classes
(`nn.BatchNorm2d`) are caught in `__init__`; other callables (einops, numpy) are wrapped
where their module exposes them.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

# Where a bare name in the manifest (`"matmul"`) is looked for.
BARE_NAME_NAMESPACES = (
    "torch",
    "torch.Tensor",
    "torch.nn.functional",
    "torch.special",
    "torch.linalg",
    "torch.nn",
)
# Operators reach these methods; a ban on the method covers the operator.
OPERATOR_ALIASES = {
    "matmul": ("__matmul__", "__rmatmul__", "__imatmul__"),
}
MAX_STACK_WALK = 200


class BannedCall(BaseException):
    """Raised into learner code at a banned call.

    A BaseException, so a learner's `except Exception` cannot swallow it; the ban mode
    records every violation as well, so the verdict is "failed" even if it were caught.
    """


@dataclass(frozen=True)
class Violation:
    name: str
    line: int


class BanList:
    """The resolved bans of one exercise and the violations seen so far."""

    def __init__(
        self,
        specs: Iterable[str],
        learner_file: str,
        trusted_files: Iterable[str] = (),
        trusted_dirs: Iterable[str] = (),
    ):
        self.learner_file = learner_file
        self.trusted_files = frozenset(trusted_files)
        self.trusted_dirs = tuple(trusted_dirs)
        self.violations: list[Violation] = []
        self._by_object: dict[int, tuple[object, str]] = {}
        for spec in specs:
            for path, obj in resolve(spec):
                self._by_object[id(obj)] = (obj, path)

    def name_of(self, func: object) -> str | None:
        """How a failure names a banned function, or None if `func` is allowed."""
        entry = self._by_object.get(id(func))
        return _display_name(entry[1], func) if entry is not None and entry[0] is func else None

    def learner_line(self, start: Any) -> int | None:
        """The learner's line on the stack above `start`, or None if trusted code comes first."""
        frame = start
        for _ in range(MAX_STACK_WALK):
            if frame is None:
                return None
            filename = frame.f_code.co_filename
            if filename == self.learner_file:
                return frame.f_lineno
            if filename in self.trusted_files or filename.startswith(self.trusted_dirs):
                return None
            frame = frame.f_back
        return None

    def line_defining(self, cls: type) -> int | None:
        """The line of the learner's file that defines `cls`, or None if it is not theirs."""
        module = sys.modules.get(cls.__module__)
        if getattr(module, "__file__", None) != self.learner_file:
            return None
        try:
            import inspect

            return inspect.getsourcelines(cls)[1]
        except (OSError, TypeError):
            return 0

    def record(self, name: str, line: int) -> BannedCall:
        violation = Violation(name=name, line=line)
        self.violations.append(violation)
        return BannedCall(f"{name} (line {line})")

    def objects(self) -> list[tuple[object, str]]:
        return list(self._by_object.values())


class BanMode(TorchFunctionMode):
    """Refuses banned torch functions when the learner's code calls them."""

    def __init__(self, bans: BanList) -> None:
        super().__init__()
        self.bans = bans

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = self.bans.name_of(func)
        if name is not None:
            line = self.bans.learner_line(sys._getframe(1))
            if line is not None:
                raise self.bans.record(name, line)
        return func(*args, **(kwargs or {}))


def install(bans: BanList) -> BanMode | None:
    """Start enforcing `bans` in this process (a disposable check process)."""
    if not bans.objects():
        return None
    unseen_by_mode = _unseen_by_mode()
    for obj, path in bans.objects():
        if isinstance(obj, type):
            _guard_class(obj, path, bans)
        elif not path.startswith("torch.") or obj in unseen_by_mode:
            _guard_attribute(path, bans)
    mode = BanMode(bans)
    mode.__enter__()
    return mode


@functools.cache
def _unseen_by_mode() -> frozenset:
    """Functions torch's dispatch never shows to a mode (torch.from_numpy, ...): they are
    guarded where their module exposes them, like non-torch functions. Computed once in
    the worker, before it forks."""
    return frozenset(torch.overrides.get_ignored_functions())


def resolve(spec: str) -> list[tuple[str, object]]:
    """The objects a manifest entry names: a dotted path, or a bare name in every namespace."""
    if "." in spec:
        obj = _lookup(spec)
        if obj is None:
            raise ValueError(f"banned name {spec!r} does not exist")
        found = [(spec, obj)]
    else:
        found = []
        for namespace in BARE_NAME_NAMESPACES:
            obj = _lookup(f"{namespace}.{spec}")
            if obj is not None:
                found.append((f"{namespace}.{spec}", obj))
        if not found:
            raise ValueError(f"banned name {spec!r} exists in none of {BARE_NAME_NAMESPACES}")
    short = spec.rsplit(".", 1)[-1]
    for alias in OPERATOR_ALIASES.get(short, ()):
        if spec in (short, f"torch.Tensor.{short}"):
            obj = getattr(torch.Tensor, alias, None)
            if obj is not None:
                found.append((f"torch.Tensor.{alias}", obj))
    return found


def _display_name(path: str, obj: object) -> str:
    """How a failure names the call: operators are named as the learner wrote them."""
    if obj is torch.Tensor.matmul or path.endswith(("__matmul__", "__rmatmul__", "__imatmul__")):
        return "the @ operator (torch.Tensor.matmul)" if "__" in path else "torch.Tensor.matmul (or the @ operator)"
    return path


def _lookup(dotted: str) -> object | None:
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for attr in parts[split:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _guard_class(cls: type, path: str, bans: BanList) -> None:
    original_init = cls.__init__

    @functools.wraps(original_init)
    def guarded_init(self, *args, **kwargs):
        name = _display_name(path, cls)
        line = bans.learner_line(sys._getframe(1))
        if line is None and type(self) is not cls:
            # `class Flatten(nn.Flatten)` in the learner's file is the banned class too,
            # even when the check is the one constructing it.
            line = bans.line_defining(type(self))
            name = f"{name} (by subclassing it)"
        if line is not None:
            raise bans.record(name, line)
        original_init(self, *args, **kwargs)

    cls.__init__ = guarded_init


def _guard_attribute(path: str, bans: BanList) -> None:
    owner_path, attr = path.rsplit(".", 1)
    owner = _lookup(owner_path)
    original: Callable = getattr(owner, attr)

    @functools.wraps(original)
    def guarded(*args, **kwargs):
        line = bans.learner_line(sys._getframe(1))
        if line is not None:
            raise bans.record(_display_name(path, original), line)
        return original(*args, **kwargs)

    setattr(owner, attr, guarded)
