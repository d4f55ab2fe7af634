"""Banned calls, enforced while the learner's code runs.

A call is banned when the learner's file makes it, directly or through library code
(an `nn.Conv2d` inside their module still calls `F.conv2d` on their behalf), and
allowed when the check or its reference makes it. Attribution walks the Python stack
from the call upwards: the first frame that belongs either to the learner's file or to
trusted code (the check, mlkata itself) decides.

A manifest entry bans its family too (`ban_families.py`): a ban on `conv1d` is a ban on
every convolution, on the operators torch runs for it and on NumPy's `convolve`. The
doors to a banned operation, and what closes each:

- torch functions and tensor methods: a `TorchFunctionMode` (`BanMode`) sees every
  call, by identity, so every spelling (`torch.matmul`, `x.matmul`, `x @ y`,
  `torch._C._VariableFunctions.matmul`) of one function is one function;
- other names of an operator (`torch.ops.aten.convolution`, `torch._C._nn.im2col`,
  `torch._convolution`, `torch._safe_softmax`, an in-place `relu_`): the same mode
  judges what it sees by the operator's name as well;
- doors the mode does not see (`torch.LongTensor([1, 2])`, an operator's `redispatch`,
  a call made with torch's function modes switched off, learner code torch runs from
  inside another call): the CPU kernels of the banned `aten` operators are replaced by
  kernels that make the same attribution, then run the original ("the floor"). Below a
  call the mode has already judged, the floor defers to it: the mode's frame is
  mlkata's, so trusted, and `torch.einsum` may run `bmm` where `bmm` is banned;
- classes (`nn.BatchNorm2d`) are caught in `__init__`;
- other callables (NumPy, the standard library, torch's Python re-implementations in
  `torch._refs` and `torch._decomp`) are replaced by a guard in every module of their
  package that exposes them, and in torch's decomposition tables.

What can be worked out without the exercise (every family resolved, torch's operators
sorted into families, where NumPy exposes each twin) is worked out once per process and
kept: the worker does it while warming up, before its check processes fork.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import linecache
import re
import sys
import types
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from mlkata.sandbox.ban_families import BY_NAME, FAMILIES, Family

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
_METHOD_WRAPPER = type(torch.Tensor.T.__get__)
# Packages holding torch's Python implementations of its own operators.
REIMPLEMENTATION_PACKAGES = ("torch._refs", "torch._decomp")
# Kernels a floor may stand in front of: a CPU kernel, or one every backend shares.
# Operators with only a CompositeImplicitAutograd kernel decompose into others before
# any kernel runs; a kernel of ours there would cut autograd off from the decomposition.
FLOOR_KEYS = ("CPU", "CompositeExplicitAutograd", "CompositeExplicitAutogradNonFunctional")


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
        self.families: tuple[Family, ...] = ()
        self._what: dict[str, str] = {}
        if self._by_object:  # an exercise without bans needs none of what follows
            index = _index()
            self.families = _implied_families(
                family for obj, _ in self._by_object.values() for family in index.families_of.get(id(obj), ())
            )
            for family in self.families:
                for path, obj in index.members[family.name]:
                    self._by_object.setdefault(id(obj), (obj, path))
            self._what = {_bare_operator(op): family.what for family in self.families for op in index.operators[family.name]}
        # The banned torch functions' and operators' names, bare of the underscores of
        # private and in-place spellings: `_convolution` and `relu_` are still banned.
        self.banned_names = frozenset(
            {_bare(getattr(obj, "__name__", "")) for obj, path in self._by_object.values() if _is_torch_function(obj, path)}
            | self._what.keys()
        ) - {""}
        self.allowed_doors = tuple(door for family in self.families for door in family.allowed_doors)
        self._verdicts: dict[int, tuple[object, str | None]] = {}

    def name_of(self, func: object) -> str | None:
        """How a failure names a banned function, or None if `func` is allowed."""
        verdict = self._verdicts.get(id(func))
        if verdict is None or verdict[0] is not func:
            verdict = self.verdict(func)
        return verdict[1]

    def verdict(self, func: object) -> tuple[object, str | None]:
        """(func, how a failure names it or None), remembered for the next call of `func`."""
        if type(func) is _METHOD_WRAPPER:  # a property's getter, a new object at every access
            return func, None
        entry = self._by_object.get(id(func))
        if entry is not None and entry[0] is func:
            name: str | None = _display_name(entry[1], func)
        else:
            operator = _operator_name(func)
            name = operator[1] if operator is not None and _bare(operator[0]) in self.banned_names else None
        verdict = self._verdicts[id(func)] = (func, name)
        return verdict

    def floor_operators(self) -> list[tuple[str, str, str | None]]:
        """The operators to stand in front of: ("namespace::name.overload", the operator's
        Python name, what its family computes)."""
        out = []
        for name in sorted(self.banned_names):
            for qualified in _floorable(name):
                namespace, rest = qualified.split("::", 1)
                out.append((qualified, f"torch.ops.{namespace}.{rest.split('.', 1)[0]}", self._what.get(name)))
        return out

    def learner_line(self, start: Any) -> int | None:
        """The learner's line on the stack above `start`, or None if trusted code comes first."""
        frame = self.learner_frame(start)
        return None if frame is None else frame.f_lineno

    def learner_frame(self, start: Any) -> Any:
        """The learner's frame on the stack above `start`, or None if trusted code comes first."""
        frame = start
        for _ in range(MAX_STACK_WALK):
            if frame is None:
                return None
            filename = frame.f_code.co_filename
            if filename == self.learner_file:
                return frame
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
        self._verdicts = bans._verdicts

    def __torch_function__(self, func, types, args=(), kwargs=None):
        # Runs for every torch call in the check process: the usual case is one lookup.
        verdict = self._verdicts.get(id(func))
        if verdict is None or verdict[0] is not func:
            if type(func) is _METHOD_WRAPPER:  # a property's getter (x.shape): never banned
                return func(*args, **(kwargs or {}))
            verdict = self.bans.verdict(func)
        if verdict[1] is not None:
            line = self.bans.learner_line(sys._getframe(1))
            if line is not None:
                raise self.bans.record(verdict[1], line)
        return func(*args, **(kwargs or {}))


def install(bans: BanList) -> BanMode | None:
    """Start enforcing `bans` in this process (a disposable check process)."""
    if not bans.objects():
        return None
    unseen_by_mode = _unseen_by_mode()
    for obj, path in bans.objects():
        if isinstance(obj, type):
            _guard_class(obj, path, bans)
        elif not path.startswith("torch."):
            _guard_everywhere(obj, path, bans)
        elif obj in unseen_by_mode or _plain_python(obj):
            # torch's function mode never sees these (torch.from_numpy, and Python
            # functions such as torch.utils.data.random_split or torch.optim.adam.adam).
            _guard_attribute(path, bans)
    for path in bans.allowed_doors:
        _open_door(path)
    _guard_reimplementations(bans)
    _install_floor(bans)
    mode = BanMode(bans)
    mode.__enter__()
    return mode


def _plain_python(obj: object) -> bool:
    """A Python function that does not hand itself to torch's function modes."""
    return isinstance(obj, types.FunctionType) and obj not in _overridable()


@functools.cache
def _overridable() -> frozenset:
    functions = set()
    for group in torch.overrides.get_overridable_functions().values():
        functions.update(group)
    return frozenset(functions)


@functools.cache
def _unseen_by_mode() -> frozenset:
    """Functions torch's dispatch never shows to a mode (torch.from_numpy, ...): they are
    guarded where their module exposes them, like non-torch functions. Computed once in
    the worker, before it forks."""
    return frozenset(torch.overrides.get_ignored_functions())


def resolve(spec: str) -> list[tuple[str, object]]:
    """The objects a manifest entry names: a dotted path, or a bare name in every namespace."""
    found = _resolve_quietly(spec)
    if not found:
        if "." in spec:
            raise ValueError(f"banned name {spec!r} does not exist")
        raise ValueError(f"banned name {spec!r} exists in none of {BARE_NAME_NAMESPACES}")
    return found


def _resolve_quietly(spec: str) -> list[tuple[str, object]]:
    if "." in spec:
        obj = _lookup(spec)
        found = [] if obj is None else [(spec, obj)]
    else:
        found = []
        for namespace in BARE_NAME_NAMESPACES:
            obj = getattr(_namespace(namespace), spec, None)
            if obj is not None:
                found.append((f"{namespace}.{spec}", obj))
    if not found:
        return found
    short = spec.rsplit(".", 1)[-1]
    for alias in OPERATOR_ALIASES.get(short, ()):
        if spec in (short, f"torch.Tensor.{short}"):
            obj = getattr(torch.Tensor, alias, None)
            if obj is not None:
                found.append((f"torch.Tensor.{alias}", obj))
    return found


@functools.cache
def _namespace(path: str) -> object:
    return _lookup(path)


def _display_name(path: str, obj: object) -> str:
    """How a failure names the call: operators are named as the learner wrote them."""
    if obj is torch.Tensor.matmul or path.endswith(("__matmul__", "__rmatmul__", "__imatmul__")):
        return "the @ operator (torch.Tensor.matmul)" if "__" in path else "torch.Tensor.matmul (or the @ operator)"
    return path


def _lookup(dotted: str) -> object | None:
    """The object a dotted path names, importing the modules on the way that are not yet."""
    parts = dotted.split(".")
    try:
        obj: Any = importlib.import_module(parts[0])
    except ImportError:
        return None
    for depth, attr in enumerate(parts[1:], start=2):
        try:
            obj = getattr(obj, attr)
        except AttributeError:
            if not isinstance(obj, types.ModuleType):
                return None
            try:
                obj = importlib.import_module(".".join(parts[:depth]))
            except ImportError:
                return None
    return obj


def _lookup_loaded(dotted: str) -> object | None:
    """`_lookup` among modules already imported: a twin in a module nobody loaded is not
    worth an import (nor the deprecation warning of `numpy.core`)."""
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        obj: Any = sys.modules.get(".".join(parts[:split]))
        if obj is None:
            continue
        try:
            for attr in parts[split:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _bare(name: str) -> str:
    """An operator's name without the underscores of its private and in-place spellings
    (`_convolution`, `relu_`); a special method's name stays whole (`__new__` is not `new`)."""
    if name.startswith("__") and name.endswith("__"):
        return name
    return name.strip("_")


def _bare_operator(qualified: str) -> str:
    """`_bare` of an operator's name: "aten::_convolution.out" -> "convolution"."""
    return _bare(qualified.split("::", 1)[-1].split(".", 1)[0])


def _is_torch_function(obj: object, path: str) -> bool:
    return path.startswith("torch.") and callable(obj) and not isinstance(obj, type)


def _operator_name(func: object) -> tuple[str, str] | None:
    """(operator name, how a failure names the call) for what a torch function mode sees:
    an operator reached through `torch.ops`, or a function bound from C++, whose name is
    its operator's (`torch._C._nn.im2col`, `torch.conv_tbc`, `Tensor.relu_`); a Python
    function of torch by its own name. None for anything else (a learner's callable)."""
    if isinstance(func, torch._ops.OpOverload):
        namespace, name = func._schema.name.split("::", 1)
        return name, f"torch.ops.{namespace}.{name}.{func._overloadname}"
    if isinstance(func, torch._ops.OpOverloadPacket):
        namespace, name = func._qualified_op_name.split("::", 1)
        return name, f"torch.ops.{namespace}.{name}"
    name = getattr(func, "__name__", None)
    if not isinstance(name, str):
        return None
    owner = getattr(func, "__objclass__", None)
    if owner is not None:  # a method of the tensor class
        return (name, f"torch.Tensor.{name}") if owner in (torch._C.TensorBase, torch.Tensor) else None
    module = getattr(func, "__module__", None) or ""
    if module == "torch" or module.startswith("torch."):
        return name, f"{module}.{name}"
    return None


# ---- what is worked out once per process ---------------------------------------------------


@dataclass(frozen=True)
class _Index:
    members: dict[str, list[tuple[str, object]]]  # family -> its torch functions and twins
    families_of: dict[int, tuple[Family, ...]]  # id(object) -> the families it is in
    operators: dict[str, frozenset[str]]  # family -> its registered operators, "namespace::name"
    reimplementations: dict[str, list[tuple[Callable, str]]]  # bare operator name -> torch's Python implementations
    places: dict[int, list[tuple[Any, Any]]]  # id(twin or implementation) -> (module or table, name or key) exposing it


@functools.cache
def _index() -> _Index:
    """Every family resolved and matched against torch's registered operators, and where
    its twins and torch's Python implementations are exposed."""
    members: dict[str, list[tuple[str, object]]] = {}
    families_of: dict[int, tuple[Family, ...]] = {}
    for family in FAMILIES:
        found = [
            (path, obj) for spec in family.members for path, obj in _resolve_quietly(spec) if not isinstance(obj, type)
        ]
        found += [(spec, obj) for spec in family.twins if (obj := _lookup_loaded(spec)) is not None]
        # One name per object, the last, as a manifest's bare name gets (`F.conv1d` over `torch.conv1d`).
        found = list({id(obj): (path, obj) for path, obj in found}.values())
        members[family.name] = found
        for _, obj in found:
            families_of[id(obj)] = (*families_of.get(id(obj), ()), family)
    # One line per operator name: each family's pattern runs over all of them at once.
    qualified = _operators_by_name()
    names = "\n".join(qualified)
    operators = {}
    for family in FAMILIES:
        pattern = re.compile(f"^(?:{family.operators})$", re.MULTILINE)
        matched = [match.group(0) for match in pattern.finditer(names)] if family.operators else []
        operators[family.name] = frozenset(q for name in matched for q in qualified[name])
    for family in FAMILIES:  # resolve the floors of every family now, not in each check process
        for operator in operators[family.name]:
            _floorable(_bare_operator(operator))
    reimplementations = _reimplementations({_bare_operator(op) for ops in operators.values() for op in ops})
    exposed = [obj for found in members.values() for path, obj in found if not path.startswith("torch.")]
    exposed += [function for found in reimplementations.values() for function, _ in found]
    places = _places(
        {id(obj) for obj in exposed},
        {path.split(".", 1)[0] for found in members.values() for path, _ in found if not path.startswith("torch.")}
        | set(REIMPLEMENTATION_PACKAGES),
    )
    return _Index(members, families_of, operators, reimplementations, places)


@functools.cache
def _operator_tables() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """torch's registered operators: name -> its namespaces' "namespace::name", and bare
    name (`_bare`) -> every overload, "namespace::name.overload"."""
    by_name: dict[str, set[str]] = {}
    by_bare_name: dict[str, list[str]] = {}
    for overload in getattr(torch._C, "_dispatch_get_all_op_names", list)():
        qualified = overload.partition(".")[0]
        name = qualified.partition("::")[2]
        by_name.setdefault(name, set()).add(qualified)
        by_bare_name.setdefault(_bare(name), []).append(overload)
    return (
        {name: tuple(sorted(qualified)) for name, qualified in sorted(by_name.items())},
        {name: tuple(overloads) for name, overloads in by_bare_name.items()},
    )


def _operators_by_name() -> dict[str, tuple[str, ...]]:
    return _operator_tables()[0]


@functools.cache
def _floorable(name: str) -> tuple[str, ...]:
    """The overloads of the operators named `name` (bare) that get a floor: those of torch's
    own namespace with a kernel a floor can stand in front of. Each floor costs a kernel
    registration in every check process and a Python call on every use, so none where a
    floor below already catches the call: not an `out=` variant that only forwards to its
    functional one (a CompositeExplicitAutograd wrapper), nor a gradient kernel, which
    only the autograd engine reaches on its own (a learner calling one by name is seen by
    the mode). Other namespaces (`quantized`, `mkldnn`) are left to the mode, which sees
    `torch.ops.<namespace>.<name>`."""
    has_kernel = torch._C._dispatch_has_kernel_for_dispatch_key
    found = []
    for overload in _operator_tables()[1].get(name, ()):
        qualified, _, variant = overload.partition(".")
        if not qualified.startswith("aten::") or "backward" in qualified:
            continue
        keys = [key for key in FLOOR_KEYS if has_kernel(overload, key)]
        if not keys or (keys == ["CompositeExplicitAutograd"] and "out" in variant):
            continue
        found.append(overload)
    return tuple(found)


def _decomposition_tables() -> list[dict]:
    """torch's tables of Python implementations of operators; not its meta kernels, which
    compute only shapes."""
    decomp = sys.modules.get("torch._decomp")
    tables = getattr(decomp, "global_decomposition_table", {})
    return [table for kind, table in tables.items() if kind != "meta"]


def _reimplementations(names: set[str]) -> dict[str, list[tuple[Callable, str]]]:
    """torch's Python implementations of the operators named (bare): the decompositions
    it registers for them (`im2col`), and functions of that name in its reference and
    decomposition modules (`torch._refs.eye`)."""
    found: dict[str, dict[int, tuple[Callable, str]]] = {}
    for table in _decomposition_tables():
        for overload, function in table.items():
            name = _bare(str(getattr(overload, "__name__", "")).partition(".")[0])
            if name in names and isinstance(function, types.FunctionType):
                found.setdefault(name, {})[id(function)] = (function, f"{function.__module__}.{function.__name__}")
    for module_name, module in list(sys.modules.items()):
        if module is not None and module_name.startswith(REIMPLEMENTATION_PACKAGES):
            for attr, value in list(vars(module).items()):
                if isinstance(value, types.FunctionType) and _bare(attr) in names:
                    found.setdefault(_bare(attr), {})[id(value)] = (value, f"{module_name}.{attr}")
    return {name: list(functions.values()) for name, functions in found.items()}


def _places(wanted: set[int], packages: set[str]) -> dict[int, list[tuple[Any, Any]]]:
    """Where each wanted object is exposed: attributes of the packages' loaded modules, and
    entries of torch's decomposition tables."""
    places: dict[int, list[tuple[Any, Any]]] = {}
    prefixes = tuple(f"{package}." for package in packages)
    for name, module in list(sys.modules.items()):
        if module is None or (name not in packages and not name.startswith(prefixes)):
            continue
        namespace = getattr(module, "__dict__", None)
        if isinstance(namespace, dict):
            for attr, value in list(namespace.items()):
                if id(value) in wanted:
                    places.setdefault(id(value), []).append((module, attr))
    for table in _decomposition_tables():
        for key, value in table.items():
            if id(value) in wanted:
                places.setdefault(id(value), []).append((table, key))
    return places


def _implied_families(families: Iterable[Family]) -> tuple[Family, ...]:
    """The families, with those they include, in the table's order."""
    found: dict[str, Family] = {}
    pending = list(families)
    while pending:
        family = pending.pop()
        if family.name not in found:
            found[family.name] = family
            pending.extend(BY_NAME[name] for name in family.includes)
    return tuple(family for family in FAMILIES if family.name in found)


# ---- the floor: operators' kernels ---------------------------------------------------------

_floor_libraries: list = []  # a registration lasts as long as its library object


def _install_floor(bans: BanList) -> None:
    get_kernel = getattr(torch.library, "get_kernel", None)
    if get_kernel is None:  # torch before 2.9: the mode and the guards still see every Python door
        return
    libraries: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for qualified, operator, what in bans.floor_operators():
            namespace, overload = qualified.split("::", 1)
            try:
                original = get_kernel(qualified, "CPU")
                if namespace not in libraries:
                    libraries[namespace] = torch.library.Library(namespace, "IMPL")
                kernel = _floor_kernel(bans, original, operator, what)
                libraries[namespace].impl(overload, kernel, "CPU", with_keyset=True)
            except (RuntimeError, ValueError, TypeError):
                continue  # an operator torch will not let Python stand in front of
    _floor_libraries.extend(libraries.values())


def _floor_kernel(bans: BanList, original: Any, operator: str, what: str | None) -> Callable:
    call = original.call_boxed

    def kernel(keyset, *args, **kwargs):
        frame = bans.learner_frame(sys._getframe(1))
        if frame is not None:
            raise bans.record(_floor_name(frame, operator, what), frame.f_lineno)
        return call(keyset, *args, **kwargs)

    return kernel


def _floor_name(frame: Any, operator: str, what: str | None) -> str:
    """How a failure names a call the floor caught. The mode never saw it, so the name is
    what the learner's line calls (`torch.LongTensor`), and the operator it ran."""
    callee = _callee(frame)
    if callee is None or callee == operator:
        return f"{operator} ({what})" if what else operator
    return f"{callee} ({what}, {operator})" if what else f"{callee} ({operator})"


def _callee(frame: Any) -> str | None:
    """The dotted name the frame is calling (`torch.LongTensor` in `torch.LongTensor([1, 2])`),
    read from the source at the instruction's position; None when it is not a plain name."""
    try:
        positions = frame.f_code.co_positions()
        line, end_line, start, end = next(itertools.islice(positions, frame.f_lasti // 2, None))
    except (AttributeError, StopIteration, ValueError):
        return None
    if line is None or start is None:
        return None
    linecache.checkcache(frame.f_code.co_filename)
    text = linecache.getline(frame.f_code.co_filename, line).encode()  # offsets count bytes
    call = text[start : end if end_line == line else None].decode(errors="replace")
    callee = call.split("(", 1)[0].strip()
    return callee if _DOTTED_NAME.fullmatch(callee) else None


_DOTTED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


# ---- guards on Python objects --------------------------------------------------------------


def _guard_class(cls: type, path: str, bans: BanList) -> None:
    original_init = cls.__init__

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

    cls.__init__ = _disguised(guarded_init, original_init)


def _guard_attribute(path: str, bans: BanList) -> None:
    owner_path, attr = path.rsplit(".", 1)
    owner = _lookup(owner_path)
    original: Callable = getattr(owner, attr)
    setattr(owner, attr, _guarded(original, _display_name(path, original), bans))


def _guarded(original: Callable, name: str, bans: BanList) -> Callable:
    def guarded(*args, **kwargs):
        line = bans.learner_line(sys._getframe(1))
        if line is not None:
            raise bans.record(name, line)
        return original(*args, **kwargs)

    return _disguised(guarded, original)


def _disguised(guard: Callable, original: Callable) -> Callable:
    """`guard` with the name and documentation of `original`, but no way back to it (no
    `__wrapped__`, none of its attributes: NumPy's `_implementation` is the original).

    Only `guarded_original` finds it: a check that keys a table on the function
    itself (a framework's lookup of back functions) must use what the framework holds.
    """
    functools.update_wrapper(guard, original, updated=())
    del guard.__wrapped__
    guard._mlkata_guards = original
    return guard


def guarded_original(func: Any) -> Any:
    """The function a ban's guard stands in for, or `func` itself if it is not a guard."""
    return getattr(func, "_mlkata_guards", func)


def _guard_everywhere(obj: Any, path: str, bans: BanList) -> None:
    """Guard a callable wherever its package exposes it (`numpy.eye` is also
    `numpy.lib._twodim_base_impl.eye`), and a bound method's function on its class
    (`random.choices` is `random.Random().choices` too)."""
    places = _index().places.get(id(obj))
    if places is None:  # not a family's: look for it now
        places = _places({id(obj)}, {path.split(".", 1)[0]}).get(id(obj), [])
    _replace(places, _guarded(obj, path, bans))
    function, owner = getattr(obj, "__func__", None), getattr(obj, "__self__", None)
    if isinstance(function, types.FunctionType) and owner is not None:
        for cls in type(owner).__mro__:
            if vars(cls).get(function.__name__) is function:
                try:
                    setattr(cls, function.__name__, _guarded(function, path, bans))
                except TypeError:
                    pass  # a class of an extension module (NumPy's RandomState) cannot change
                break


def _replace(places: list[tuple[Any, Any]], guard: Callable) -> None:
    for owner, key in places:
        try:
            if isinstance(owner, dict):
                owner[key] = guard
            else:
                setattr(owner, key, guard)
        except (AttributeError, TypeError):
            pass


def _guard_reimplementations(bans: BanList) -> None:
    """torch's Python implementations of banned operators (`torch._refs.eye`, the
    decomposition of `im2col`), guarded where torch exposes them."""
    index = _index()
    for name in bans.banned_names:
        for function, display in index.reimplementations.get(name, ()):
            _replace(index.places.get(id(function), []), _guarded(function, display, bans))


def _open_door(path: str) -> None:
    """A function the exercise allows that reaches a floor's operator unseen by the mode
    (`torch.from_numpy`): called through a frame of mlkata's, which the floor trusts."""
    owner_path, attr = path.rsplit(".", 1)
    owner = _lookup(owner_path)
    original = getattr(owner, attr, None)
    if original is None:
        return

    def door(*args, **kwargs):
        return original(*args, **kwargs)

    setattr(owner, attr, _disguised(door, original))
