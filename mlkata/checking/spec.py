"""A check as a short spec: the learner's function against the reference, on the same inputs.

    expect_matches(learner.conv1d_minimal, F.conv1d, x, weights)

calls the reference and then the learner's function on the same arguments and compares
the results with `expect_close` (tensors, arrays, numbers) or `expect_equal` (anything
else), element by element for tuples and lists. Known mistakes are data: a wrong formula
with its headline and advice. When the learner's result is wrong and equals what a
mistake's formula gives, the failure names that mistake instead of only the numbers.

    BIASED = Mistake("divides by n instead of n - 1", lambda x: x.std(correction=0),
                     advice="torch.std is unbiased by default: divide by n - 1.")
    expect_matches(learner.weekly_std, reference.weekly_std, temps, mistakes=[BIASED])

Exercises with several functions or classes are checked part by part:

    @part("batched_softmax")
    def check_softmax(learner): ...

A check module then needs no `check` function: its parts run in the order written.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
import torch

from mlkata.checking.compare import expect_close, expect_equal
from mlkata.checking.failure import CheckFailed

PART_ATTRIBUTE = "mlkata_part"


@dataclass(frozen=True)
class Mistake:
    """A plausible wrong formula and what to tell a learner whose result equals it.

    Attributes:
        headline: what the learner did, completing "<what>: ..." ("divides by n instead of n - 1").
        formula: computes the wrong result from the same arguments as the function checked.
        advice: one or two sentences on how to get it right.
    """

    headline: str
    formula: Callable[..., Any]
    advice: str = ""


def expect_matches(
    learner_fn: Callable[..., Any],
    reference_fn: Callable[..., Any],
    *args: Any,
    what: str | None = None,
    mistakes: Sequence[Mistake] = (),
    rtol: float | None = None,
    atol: float | None = None,
    check_dtype: bool = True,
    equal_nan: bool = False,
    **kwargs: Any,
) -> Any:
    """Fail with an explanation unless `learner_fn(*args, **kwargs)` matches the reference's.

    The reference runs first, so it sees the inputs as they were; the learner's function
    is called through the `learner` object (changing an input in place is caught there).
    Returns the learner's result.
    """
    expected = reference_fn(*args, **kwargs)
    got = learner_fn(*args, **kwargs)
    label = what or _call_label(learner_fn)
    tolerance = {"rtol": rtol, "atol": atol, "check_dtype": check_dtype, "equal_nan": equal_nan}
    try:
        expect_same(got, expected, what=label, **tolerance)
    except CheckFailed as failure:
        for mistake in mistakes:
            if _made(mistake, got, args, kwargs, tolerance):
                raise CheckFailed(
                    f"{label}: {mistake.headline}",
                    tuple(line for line in (mistake.advice, *_own_details(failure)) if line),
                    failure.table,
                ) from None
        raise
    return got


def expect_same(got: Any, expected: Any, *, what: str, **tolerance: Any) -> None:
    """`expect_close` for numbers, tensors and arrays, `expect_equal` for the rest, per element of tuples."""
    if isinstance(expected, (tuple, list)) and not _is_number(expected):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            raise CheckFailed(
                f"{what} should be a {type(expected).__name__} of {len(expected)} values, "
                f"got {type(got).__name__}{f' of {len(got)}' if isinstance(got, (tuple, list)) else ''}",
            )
        for index, (got_item, expected_item) in enumerate(zip(got, expected)):
            expect_same(got_item, expected_item, what=f"{what}[{index}]", **tolerance)
        return
    if isinstance(expected, (torch.Tensor, numpy.ndarray)) or _is_number(expected):
        expect_close(got, expected, what=what, **tolerance)
    else:
        expect_equal(got, expected, what=what)


def part(name: str) -> Callable[[Callable], Callable]:
    """Mark a function of a check module as the check of one part of the exercise."""

    def register(check_part: Callable) -> Callable:
        setattr(check_part, PART_ATTRIBUTE, name)
        return check_part

    return register


def parts_of(check_module: Any) -> list[tuple[str, Callable]]:
    """The parts a check module defines, in the order they are written."""
    return [
        (getattr(value, PART_ATTRIBUTE), value)
        for value in vars(check_module).values()
        if callable(value) and getattr(value, PART_ATTRIBUTE, None)
    ]


def _made(mistake: Mistake, got: Any, args: tuple, kwargs: dict, tolerance: dict) -> bool:
    try:
        wrong = mistake.formula(*args, **kwargs)
        expect_same(got, wrong, what="", **tolerance)
    except Exception:  # noqa: BLE001 - a formula that does not apply to these inputs
        return False
    return True


def _own_details(failure: CheckFailed) -> tuple[str, ...]:
    return tuple(line for line in failure.details)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, numpy.number)) and not isinstance(value, bool)


def _call_label(fn: Any) -> str:
    """`conv1d_minimal(x, weights)`: the function's name and its parameter names."""
    name = getattr(fn, "_name", None) or getattr(fn, "__qualname__", None) or type(fn).__name__
    target = getattr(fn, "_fn", fn)
    try:
        parameters = [p.name for p in inspect.signature(target).parameters.values() if p.kind not in (p.VAR_KEYWORD,)]
    except (TypeError, ValueError):
        return f"{name}(...)"
    return f"{name}({', '.join(parameters)})"
