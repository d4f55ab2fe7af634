"""The learner's module as a check sees it.

`learner.some_function(...)` calls the learner's code and, around the call: records a
description of it (name and argument shapes) for failure messages, turns the stub's
`NotImplementedError` into "not written yet", turns a wrong signature into a clear
failure, puts back anything the learner's code replaced, fails if an input tensor was
changed in place, and refuses a returned object that would take part in the check's own
computations (a tensor subclass, anything with `__torch_function__`): such an object
decides what `torch.sub` or `torch.eq` return when the check compares it.
"""

from __future__ import annotations

import difflib
import inspect
import traceback
from types import ModuleType
from typing import Any

import numpy
import torch

from mlkata.checking.describe import describe_call
from mlkata.checking.failure import CheckFailed, NotWritten, record_call
from mlkata.sandbox.guard import Snapshot

_clone = torch.Tensor.clone
_detach = torch.Tensor.detach
_equal = torch.equal
_isnan = torch.isnan
_logical_and = torch.logical_and
_eq = torch.eq
_logical_or = torch.logical_or
_all = torch.all
_item = torch.Tensor.item
_restore = Snapshot.restore  # bound now: learner code may replace the method
# Tensor types that compute like a plain tensor (Parameter disables __torch_function__).
_PLAIN_TENSOR_TYPES = (torch.Tensor, torch.nn.Parameter, *((torch.nn.Buffer,) if hasattr(torch.nn, "Buffer") else ()))
_NESTING_SEARCHED = 3
_ARRAY_TYPES = (torch.Tensor, numpy.ndarray)
_np_copy = numpy.copy
_np_array_equal = numpy.array_equal


class Learner:
    """A view of the learner's module that tracks every call made through it."""

    def __init__(
        self,
        module: ModuleType,
        filename: str,
        snapshot: Snapshot | None = None,
        display_path: str | None = None,
        earlier=None,
    ):
        self._module = module
        self._filename = filename
        self._snapshot = snapshot
        self._display_path = display_path or filename
        self._earlier = earlier  # EarlierWork: the learner's earlier files this one imports
        self.calls_completed = 0

    def _not_written(self, error: BaseException) -> "NotWritten | None":
        """The stub error to report if `error` was raised by a stub of the learner's, else None."""
        frames = traceback.extract_tb(error.__traceback__)
        if not frames:
            return None
        innermost = frames[-1].filename
        if innermost == self._filename:
            return NotWritten(innermost_qualname(error, self._filename) or "")
        exercise = self._earlier.exercise_of(innermost) if self._earlier is not None else None
        if exercise is not None:
            return NotWritten(innermost_qualname(error, innermost) or exercise.name, earlier=exercise)
        return None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # protocols (copy, pickle) ask for dunders; `_sum` is MLAB's name
            raise AttributeError(name)
        try:
            value = getattr(self._module, name)
        except AttributeError:
            raise CheckFailed(
                f"your file has no `{name}`",
                (
                    f"The check looks for `{name}`; keep the name from the stub (a rename or a typo?).",
                    *self._near_misses(name),
                ),
            ) from None
        if callable(value):
            return Tracked(value, name, self)
        return value

    def _near_misses(self, name: str) -> list[str]:
        """Names the file does define that look like `name`, with where they are."""
        defined = {
            attr: value
            for attr, value in vars(self._module).items()
            if not attr.startswith("_") and callable(value) and _defined_in(value, self._filename)
        }
        return [
            f"Did you mean `{close}`? It is defined at {self._display_path}:{_first_line(defined[close])}."
            for close in difflib.get_close_matches(name, defined, n=2, cutoff=0.5)
        ]

    def where(self, fn: Any) -> str:
        """`path:line` of a learner function's definition, or "" if it is not in their file."""
        line = _first_line(fn) if _defined_in(fn, self._filename) else None
        return f"{self._display_path}:{line}" if line else ""

    def call(self, fn: Any, *args: Any, name: str | None = None, inputs_may_change: bool = False, **kwargs: Any) -> Any:
        """Call any learner callable (a module's forward, a bound method) with tracking.

        `inputs_may_change=True` is for a function whose job is to change its arguments
        (an optimisation loop moving the point it is given): the in-place guard is off.
        """
        label = name or getattr(fn, "__qualname__", None) or type(fn).__name__
        return Tracked(fn, label, self, inputs_may_change)(*args, **kwargs)


class Tracked:
    def __init__(self, fn: Any, name: str, learner: Learner, inputs_may_change: bool = False) -> None:
        self._fn = fn
        self._name = name
        self._learner = learner
        self._inputs_may_change = inputs_may_change

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        record_call(describe_call(self._name, args, kwargs, _parameter_names(self._fn)))
        watched = [] if self._inputs_may_change else _tensor_args(self._fn, args, kwargs)
        inputs = [(label, value, _copy_of(value)) for label, value in watched]
        try:
            result = self._fn(*args, **kwargs)
        except NotImplementedError as error:
            # Name what still needs writing: the learner's innermost function, which may be
            # a helper class this call builds, or a class of an earlier exercise's file.
            not_written = self._learner._not_written(error)
            if not_written is not None:
                not_written.name = not_written.name or self._name
                raise not_written from None
            raise
        except TypeError as error:
            if not _raised_in(error, self._learner._filename) and _is_call_error(error):
                where = self._learner.where(self._fn)
                defined = f"{self._name}{_signature(self._fn)}" + (f" (at {where})" if where else "")
                raise CheckFailed(
                    f"{self._name} could not be called the way the check calls it",
                    (str(error), f"Your definition is {defined}; keep the parameters the stub has."),
                ) from None
            raise
        finally:
            if self._learner._snapshot is not None:
                _restore(self._learner._snapshot)
        for label, value, before in inputs:
            if not _same(value, before):
                raise CheckFailed(
                    f"{self._name} changed its input `{label}` in place",
                    ("Compute a new tensor instead: in-place ops (x[...] = , x += , x.relu_()) on an input change the caller's data.",),
                )
        disguised = _disguised(result)
        if disguised is not None:
            raise CheckFailed(
                f"{self._name} returned an object of type {disguised.__qualname__}, not a plain torch.Tensor",
                (
                    "A tensor subclass, or any object with __torch_function__, changes what torch's own "
                    "functions compute when the check compares it. Return an ordinary tensor.",
                ),
            )
        if not isinstance(self._fn, type):
            # Building an object is not progress yet (a module may only raise in forward).
            self._learner.calls_completed += 1
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fn, name)


def _disguised(value: Any, depth: int = 0) -> type | None:
    """The type of a returned object (or one nested in tuples, lists, dicts) that hooks torch."""
    kind = type(value)  # type(), unlike isinstance, cannot be fooled by a __class__ property
    if kind in _PLAIN_TENSOR_TYPES:
        return None
    if issubclass(kind, torch.Tensor) or hasattr(kind, "__torch_function__") or hasattr(kind, "__torch_dispatch__"):
        return kind
    if depth < _NESTING_SEARCHED:
        items = value.values() if isinstance(value, dict) else value if isinstance(value, (tuple, list)) else ()
        for item in items:
            found = _disguised(item, depth + 1)
            if found is not None:
                return found
    return None


def innermost_qualname(error: BaseException, filename: str) -> str | None:
    """`ResidualBlock.forward`: the innermost function of `filename` on the traceback."""
    name = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            qualname = tb.tb_frame.f_code.co_qualname
            name = qualname.removesuffix(".__init__") if qualname.endswith(".__init__") else qualname
        tb = tb.tb_next
    return name


def _parameter_names(fn: Any) -> list[str] | None:
    if isinstance(fn, torch.nn.Module):
        fn = fn.forward  # a module instance's own signature is (*args, **kwargs)
    key = getattr(fn, "__func__", fn)  # bound methods are new objects on every access
    try:
        return _names_of[key]
    except (KeyError, TypeError):
        pass
    try:
        names = [p for p in inspect.signature(fn).parameters]
    except (TypeError, ValueError):
        names = None
    try:
        _names_of[key] = names
    except TypeError:
        pass  # an unhashable callable: not remembered
    return names


# Parameter names by function: inspect.signature takes milliseconds, and checks call the
# same learner functions many times. A check process is disposable, so nothing goes stale.
_names_of: dict[Any, list[str] | None] = {}


def _signature(fn: Any) -> str:
    try:
        return str(inspect.signature(fn))
    except (TypeError, ValueError):
        return "(...)"


def _tensor_args(fn: Any, args: tuple, kwargs: dict) -> list[tuple[str, Any]]:
    """The tensors and NumPy arrays among the arguments, named as the function names them."""
    names = _parameter_names(fn) or []
    found = []
    for index, value in enumerate(args):
        watched = _watched_array(value)
        if watched is not None:
            found.append((names[index] if index < len(names) else f"argument {index + 1}", watched))
    found.extend((key, watched) for key, value in kwargs.items() if (watched := _watched_array(value)) is not None)
    return found


def _watched_array(value: Any) -> Any:
    """The tensor or array an argument is, or holds as `.array` (a NumPy autograd's Tensor)."""
    if isinstance(value, _ARRAY_TYPES):
        return value
    held = vars(value).get("array") if hasattr(value, "__dict__") and not isinstance(value, type) else None
    return held if isinstance(held, numpy.ndarray) else None


def _copy_of(value: Any) -> Any:
    return _np_copy(value) if isinstance(value, numpy.ndarray) else _clone(_detach(value))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, numpy.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and bool(_np_array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.is_floating_point or a.dtype.is_complex:
        same = _logical_or(_eq(a, b), _logical_and(_isnan(a), _isnan(b)))
        return bool(_item(_all(same)))
    return bool(_equal(a, b))


def _defined_in(fn: Any, filename: str) -> bool:
    code = getattr(fn, "__code__", None) or getattr(getattr(fn, "__init__", None), "__code__", None)
    return code is not None and code.co_filename == filename


def _first_line(fn: Any) -> int | None:
    code = getattr(fn, "__code__", None) or getattr(getattr(fn, "__init__", None), "__code__", None)
    return code.co_firstlineno if code is not None else None


def _raised_in(error: BaseException, filename: str) -> bool:
    """Whether the innermost frame of the error's traceback is in `filename`."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and frames[-1].filename == filename


def _is_call_error(error: TypeError) -> bool:
    """A TypeError raised by the call itself (wrong arguments), not inside the function."""
    frames = traceback.extract_tb(error.__traceback__)
    return len(frames) <= 1 and ("argument" in str(error) or "positional" in str(error))
