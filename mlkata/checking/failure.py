"""How a check says "wrong": one exception that carries its own explanation.

A failing exercise is a result, not a crash. Checks raise `CheckFailed`; the harness
turns it into a `CheckResult`. The call the learner's code was last asked to make is
remembered here so that every failure can say which call it was about.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

_call_stack: list[str] = []
_last_call: list[str] = [""]


class CheckFailed(Exception):
    """The learner's code ran but did the wrong thing.

    Args:
        headline: one line saying what is wrong.
        details: further lines; the current call and context are added in front.
        table: optional side-by-side rows (the first row is the header).
    """

    def __init__(
        self,
        headline: str,
        details: Sequence[str] = (),
        table: Sequence[Sequence[str]] = (),
    ) -> None:
        super().__init__(headline)
        self.headline = headline
        where = [f"call: {line}" for line in current_calls()]
        self.details = tuple(where) + tuple(details)
        self.table = tuple(tuple(row) for row in table)
        # Set by `expect_matches`: looks, until a deadline, for the simplest failing case.
        self.simplest = None


class NotWritten(Exception):
    """The learner's function still raises the stub's NotImplementedError.

    `earlier` names the earlier exercise whose file it is in, when it is not the file
    being checked (a ResNet34 built from a ResidualBlock that is still a stub).
    """

    def __init__(self, name: str, earlier=None) -> None:
        super().__init__(name)
        self.name = name
        self.earlier = earlier


def current_calls() -> list[str]:
    """The context lines a failure should mention, outermost first."""
    lines = list(_call_stack)
    call = _last_call[0]
    # A call the innermost context already spells out (`rearrange_2() should be ...`) is not repeated.
    if call and call not in lines and not (lines and lines[-1].startswith(call)):
        lines.append(call)
    return lines


def record_call(description: str) -> None:
    _last_call[0] = description


def forget_calls() -> None:
    """Start afresh: the next part of a check must not inherit this one's context lines."""
    _call_stack.clear()
    _last_call[0] = ""


@contextlib.contextmanager
def context(description: str) -> Iterator[None]:
    """Name what the check is doing, so a failure or an error inside says so.

    Example:
        with context("BatchNorm2d(3) after 2 training steps, in eval mode"):
            expect_close(model(x), reference(x))

    On an exception other than `CheckFailed` (which copies the lines when it is made)
    the lines stay: the verdict is written after the exception has left this block, and
    the check process ends with it.
    """
    _call_stack.append(description)
    saved_last = _last_call[0]
    _last_call[0] = ""
    try:
        yield
    except CheckFailed:
        _leave(saved_last)
        raise
    except BaseException:
        raise
    else:
        _leave(saved_last)


def _leave(saved_last: str) -> None:
    _call_stack.pop()
    _last_call[0] = saved_last
