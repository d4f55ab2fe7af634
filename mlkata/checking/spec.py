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
from mlkata.checking.shrink import OutOfTime, Outcome, describe_case, shrinking
from mlkata.checking.tolerance import input_scale

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
    condition: float = 1.0,
    judge: Callable[..., None] | None = None,
    **kwargs: Any,
) -> Any:
    """Fail with an explanation unless `learner_fn(*args, **kwargs)` matches the reference's.

    The reference runs first, so it sees the inputs as they were; the learner's function
    is called through the `learner` object (changing an input in place is caught there).
    Values are compared with the tolerance policy (`mlkata.checking.tolerance`) for the
    inputs' magnitude and the operation's `condition`, unless `rtol`/`atol` are given.
    `judge(got, expected, *args, what=..., **kwargs)` replaces the comparison where an
    exercise explains more (a window formula for a wrong output size). When the result
    is wrong, the simplest failing case is looked for after the verdict is sent.
    Returns the learner's result.
    """
    label = what or _call_label(learner_fn)
    tolerance = {"rtol": rtol, "atol": atol, "check_dtype": check_dtype, "equal_nan": equal_nan, "condition": condition}
    compare = _Comparison(learner_fn, reference_fn, label, tolerance, tuple(mistakes), judge)
    expected = reference_fn(*args, **kwargs)
    got = learner_fn(*args, **kwargs)
    try:
        compare.judge(got, expected, args, kwargs)
    except CheckFailed as failure:
        failure.simplest = compare.simplest_finder(args, kwargs, failure.headline)
        raise
    return got


@dataclass(frozen=True)
class _Comparison:
    """One `expect_matches`: how to judge a result, and how to look for a simpler failing case."""

    learner_fn: Callable[..., Any]
    reference_fn: Callable[..., Any]
    label: str
    tolerance: dict
    mistakes: tuple[Mistake, ...]
    custom_judge: Callable[..., None] | None = None

    def judge(self, got: Any, expected: Any, args: tuple, kwargs: dict) -> None:
        """Fail unless `got` matches `expected`, naming a known mistake when `got` is one."""
        try:
            if self.custom_judge is not None:
                self.custom_judge(got, expected, *args, what=self.label, **kwargs)
            else:
                expect_same(got, expected, what=self.label, scale=input_scale(*args, *kwargs.values()), **self.tolerance)
        except CheckFailed as failure:
            for mistake in self.mistakes:
                if _made(mistake, got, args, kwargs, self.tolerance):
                    raise CheckFailed(
                        f"{self.label}: {mistake.headline}",
                        tuple(line for line in (mistake.advice, *_own_details(failure)) if line),
                        failure.table,
                    ) from None
            raise

    def attempt(self, args: tuple, kwargs: dict) -> Outcome | None:
        """How the learner's function fails on these inputs (None: it passes, or they are invalid)."""
        try:
            expected = self.reference_fn(*args, **kwargs)
        except Exception:  # noqa: BLE001 - inputs the reference rejects are not a case
            return None
        got = None
        try:
            got = self.learner_fn(*args, **kwargs)
            self.judge(got, expected, args, kwargs)
        except CheckFailed as failure:
            return Outcome(failure.headline, expected, got)
        return None

    def simplest_finder(self, args: tuple, kwargs: dict, headline: str) -> Callable[[float], Any]:
        """What looks, until a deadline, for the simplest inputs that fail like these."""

        def find(deadline: float):
            found = None
            try:
                for found in shrinking(self.attempt, args, kwargs, Outcome(headline), deadline):
                    pass
            except OutOfTime:
                pass  # the simplest case found so far stands
            if found is None:
                return None
            small_args, small_kwargs, outcome = found
            name = getattr(self.learner_fn, "_name", None) or self.label
            return describe_case(name, _parameter_names(self.learner_fn), small_args, small_kwargs, outcome)

        return find


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
        expect_same(got, wrong, what="", scale=input_scale(*args, *kwargs.values()), **tolerance)
    except Exception:  # noqa: BLE001 - a formula that does not apply to these inputs
        return False
    return True


def _own_details(failure: CheckFailed) -> tuple[str, ...]:
    """A failure's own lines, without the call lines a new CheckFailed adds again."""
    return tuple(line for line in failure.details if not line.startswith("call: "))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, numpy.number)) and not isinstance(value, bool)


def _parameter_names(fn: Any) -> list[str] | None:
    target = getattr(fn, "_fn", fn)
    if isinstance(target, torch.nn.Module):
        target = target.forward
    try:
        return [p.name for p in inspect.signature(target).parameters.values()]
    except (TypeError, ValueError):
        return None


def _call_label(fn: Any) -> str:
    """`conv1d_minimal(x, weights)`: the function's name and its parameter names."""
    name = getattr(fn, "_name", None) or getattr(fn, "__qualname__", None) or type(fn).__name__
    target = getattr(fn, "_fn", fn)
    try:
        parameters = [p.name for p in inspect.signature(target).parameters.values() if p.kind not in (p.VAR_KEYWORD,)]
    except (TypeError, ValueError):
        return f"{name}(...)"
    return f"{name}({', '.join(parameters)})"
