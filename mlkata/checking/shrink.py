"""The simplest failing case: smaller inputs that still fail the same way.

Learners are told, when confused, to think about the simplest case: one image, one
channel, the smallest width. When a comparison made by `expect_matches` fails, mlkata
looks for that case itself, the way Hypothesis shrinks examples: it cuts the inputs'
dimensions down (the first k entries along an axis; sizes that match across inputs,
such as the channels of x and of the weights, are cut together), shrinks whole-number
arguments, and then tries small whole numbers as values, keeping every step after which
the call still fails *the same way* (the same headline, numbers aside). The learner sees
that case in full beside the original failure.

Shrinking only ever reports a failure it observed: a candidate the reference rejects, or
on which the learner's code passes, crashes differently or is caught by a different
check, is discarded. It stops at a deadline.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy
import torch

from mlkata.checking.describe import describe_call, value_text

SIZES_TRIED = (1, 2, 3)  # before halving: the simplest sizes first
SMALL_VALUES = (-3, 4)  # small whole numbers, low inclusive, high exclusive
_narrow = torch.Tensor.narrow
_randint = torch.randint
_empty_strided = torch.empty_strided
_copy = torch.Tensor.copy_
_detach = torch.Tensor.detach


@dataclass(frozen=True)
class Outcome:
    """What one call on candidate inputs gave: a failure (its headline), or nothing."""

    headline: str
    expected: Any = None
    got: Any = None

    @property
    def signature(self) -> str:
        """The headline with its numbers (and the plurals they decide) blanked: the *kind* of failure."""
        blanked = re.sub(r"\d+(\.\d+)?(e[-+]?\d+)?", "#", self.headline)
        return re.sub(r"\bentry\b", "entries", blanked)


Attempt = Callable[[tuple, dict], "Outcome | None"]


class OutOfTime(BaseException):
    """Raised into learner code when the search for the simplest case runs out of time."""


def shrinking(
    attempt: Attempt,
    args: tuple,
    kwargs: dict,
    target: Outcome,
    deadline: float,
    values: bool = True,
):
    """Yield ever simpler arguments on which `attempt` fails like `target`: (args, kwargs, outcome).

    The last one yielded is the simplest found; stopping early (a deadline, `OutOfTime`
    raised into a slow call) still leaves every case yielded so far a real failure.
    """
    current = (args, kwargs)
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        for candidate in _smaller(*current):
            if time.monotonic() >= deadline:
                return
            outcome = _run(attempt, candidate)
            if outcome is not None and outcome.signature == target.signature:
                current, improved = candidate, True
                yield (*candidate, outcome)
                break
    if values:
        for candidate in _simpler_values(*current):
            if time.monotonic() >= deadline:
                return
            outcome = _run(attempt, candidate)
            if outcome is not None and outcome.signature == target.signature:
                yield (*candidate, outcome)
                return


def _run(attempt: Attempt, candidate: tuple[tuple, dict]) -> Outcome | None:
    try:
        return attempt(*candidate)
    except Exception:  # noqa: BLE001 - a candidate the check cannot use is no candidate
        return None


# ---- candidates -----------------------------------------------------------------------


def _slots(args: tuple, kwargs: dict) -> list[tuple[str | int, Any]]:
    return [*enumerate(args), *kwargs.items()]


def _with(args: tuple, kwargs: dict, changes: dict) -> tuple[tuple, dict]:
    new_args = tuple(changes.get(i, value) for i, value in enumerate(args))
    new_kwargs = {key: changes.get(key, value) for key, value in kwargs.items()}
    return new_args, new_kwargs


def _smaller(args: tuple, kwargs: dict):
    """Candidates with fewer entries, the biggest cuts first."""
    axes: dict[int, list[tuple[str | int, int]]] = {}  # size -> [(slot, dim)]
    for slot, value in _slots(args, kwargs):
        if _is_array(value):
            for dim, size in enumerate(value.shape):
                if size > 1:
                    axes.setdefault(size, []).append((slot, dim))
    for size in sorted(axes, reverse=True):
        for group in _groups(axes[size]):
            for k in _sizes_below(size):
                changes: dict = {}
                for slot, dim in group:
                    base = changes.get(slot, _get(args, kwargs, slot))
                    changes[slot] = _cut(base, dim, k)
                yield _with(args, kwargs, changes)
    for slot, value in _slots(args, kwargs):
        if type(value) is int and value > 1:
            for k in _sizes_below(value):
                yield _with(args, kwargs, {slot: k})


def _groups(members: list[tuple[str | int, int]]) -> list[list[tuple[str | int, int]]]:
    """Axes of one size to cut together: all of them, each pair from two inputs (the
    channels of x and of the weights), and each alone."""
    groups = [members]
    if len(members) > 1:
        groups += [[a, b] for i, a in enumerate(members) for b in members[i + 1:] if a[0] != b[0]]
        groups += [[member] for member in members]
    unique = []
    for group in groups:
        if group not in unique:
            unique.append(group)
    return unique


def _sizes_below(size: int) -> list[int]:
    return sorted({k for k in (*SIZES_TRIED, size // 2, size - 1) if 0 < k < size})


def _get(args: tuple, kwargs: dict, slot: str | int) -> Any:
    return args[slot] if isinstance(slot, int) else kwargs[slot]


def _is_array(value: Any) -> bool:
    return (isinstance(value, torch.Tensor) and value.dim() > 0) or (isinstance(value, numpy.ndarray) and value.ndim > 0)


def _cut(value: Any, dim: int, k: int) -> Any:
    """The first k entries along `dim`, in the same memory layout."""
    if isinstance(value, numpy.ndarray):
        cut = value[(slice(None),) * dim + (slice(0, k),)]
        return numpy.ascontiguousarray(cut) if value.flags.c_contiguous else cut
    cut = _narrow(value, dim, 0, k)
    if value.is_contiguous():
        cut = cut.contiguous()  # a contiguous input stays contiguous: the layout is part of the case
    return _detach(cut).requires_grad_(value.requires_grad) if value.is_leaf else cut


def _simpler_values(args: tuple, kwargs: dict):
    """The same shapes with small whole numbers in place of floating-point values."""
    floats = [slot for slot, value in _slots(args, kwargs) if _is_float_array(value)]
    if not floats:
        return
    generator = torch.Generator().manual_seed(0)
    replaced = {slot: _small_whole_numbers(_get(args, kwargs, slot), generator) for slot in floats}
    yield _with(args, kwargs, replaced)
    if len(floats) > 1:
        for slot in floats:
            yield _with(args, kwargs, {slot: replaced[slot]})


def _is_float_array(value: Any) -> bool:
    if isinstance(value, torch.Tensor):
        return value.is_floating_point() and value.numel() > 0 and 0 not in value.stride()
    return isinstance(value, numpy.ndarray) and value.dtype.kind == "f" and value.size > 0


def _small_whole_numbers(value: Any, generator: torch.Generator) -> Any:
    low, high = SMALL_VALUES
    numbers = _randint(low, high, tuple(value.shape), generator=generator)
    if isinstance(value, numpy.ndarray):
        return numbers.numpy().astype(value.dtype)
    out = _empty_strided(tuple(value.shape), value.stride(), dtype=value.dtype)
    _copy(out, numbers)
    return out.requires_grad_(value.requires_grad)


# ---- presenting -----------------------------------------------------------------------


def describe_case(name: str, parameters: list[str] | None, args: tuple, kwargs: dict, outcome: Outcome):
    """The parts of a `SimplestCase`: the call, the inputs written out, expected and got."""
    from mlkata.protocol import SimplestCase

    labels = [parameters[i] if parameters and i < len(parameters) else f"argument {i + 1}" for i in range(len(args))]
    inputs = [(label, value_text(value)) for label, value in zip(labels, args)]
    inputs += [(key, value_text(value)) for key, value in kwargs.items()]
    return SimplestCase(
        call=describe_call(name, args, kwargs, parameters),
        inputs=tuple(inputs),
        expected=value_text(outcome.expected),
        got=value_text(outcome.got),
        headline=outcome.headline,
    )
