"""Helpers for checks of sliding-window code (convolution, pooling) and of views.

`output_size` is the window arithmetic every convolution and pooling exercise uses;
`expect_window_shape` explains a wrong output size with that formula, filled in, and
`explain_view_overrun` does the same when a too-large `as_strided` view fails outright.
`memory_layouts` gives the same kind of input in the layouts that break code which
assumes contiguous memory, and `shares_memory` tells whether a result is a view.

`expect_windows_match` is `expect_matches` for this code: a wrong output size is
explained with the window formula, and the errors torch raises at view and contraction
code (an `as_strided` view past the end of memory, einsum letters whose sizes disagree, a
matrix product or broadcast of shapes that do not fit, `.view` on strided memory) are
explained in plain words and shrunk to the simplest inputs torch refuses the same way.
"""

from __future__ import annotations

import contextlib
import math
import re
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from mlkata.checking.compare import expect_equal, expect_shape
from mlkata.checking.describe import shape_text, verb
from mlkata.checking.failure import CheckFailed
from mlkata.checking.spec import _call_label, expect_matches, expect_same
from mlkata.checking.tolerance import input_scale

# Frames in these folders are not the learner's (the ban mode, the call tracker, torch).
_LIBRARY_DIRS = (str(Path(__file__).resolve().parent.parent), str(Path(torch.__file__).resolve().parent))

_zeros = torch.zeros
_untyped_storage = torch.Tensor.untyped_storage
_contiguous = torch.Tensor.contiguous
_copy = torch.Tensor.copy_
_expand = torch.Tensor.expand
_transpose = torch.Tensor.transpose


def output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """How many windows of `kernel` fit along `size` (floor mode, as torch computes it)."""
    return (size + 2 * padding - kernel) // stride + 1


def expect_window_shape(
    got: object,
    expected_shape: Sequence[int],
    windows: Sequence[tuple[str, int, int, int, int]],
    what: str = "the output",
) -> None:
    """Check the shape of a windowed result, explaining a wrong spatial size.

    Args:
        got: what the learner's code returned.
        expected_shape: the full expected shape; its last `len(windows)` dimensions
            are the spatial ones.
        windows: one `(name, size, kernel, stride, padding)` per spatial dimension,
            in order, e.g. `[("height", 7, 3, 2, 1), ("width", 8, 3, 2, 1)]`.
    """
    expected_shape = tuple(int(d) for d in expected_shape)
    if not isinstance(got, torch.Tensor) or tuple(got.shape) == expected_shape:
        expect_shape(got, expected_shape, what)
        return
    got_shape = tuple(got.shape)
    first_spatial = len(expected_shape) - len(windows)
    if len(got_shape) == len(expected_shape) and got_shape[:first_spatial] == expected_shape[:first_spatial]:
        lines = []
        for offset, (name, size, kernel, stride, padding) in enumerate(windows):
            dim = first_spatial + offset
            if got_shape[dim] == expected_shape[dim]:
                continue
            lines.append(f"dimension {dim} (output {name}) is {got_shape[dim]}, expected {_formula(size, kernel, stride, padding)}")
        raise CheckFailed(
            f"{verb(what, 'has', 'have')} shape {shape_text(got_shape)}; expected {shape_text(expected_shape)}",
            (*lines, "The first window starts at 0 and the last must fit inside the (padded) input."),
        )
    expect_shape(got, expected_shape, what)


@contextlib.contextmanager
def explain_view_overrun(windows: Sequence[tuple[str, int, int, int, int]]) -> Iterator[None]:
    """Turn "as_strided ... out of bounds for storage" from learner code into a failure.

    A windows view that is too large (an output size one too many, a stride that is too
    long) makes torch refuse it. The failure says so, names the learner's line, and gives
    the expected output sizes; `windows` is as for `expect_window_shape`.
    """
    try:
        yield
    except RuntimeError as error:
        if "out of bounds for storage" not in str(error):
            raise
        raise explain_refusal(error, windows) from None


@contextlib.contextmanager
def layout_note(layout: str, name: str, x: torch.Tensor) -> Iterator[None]:
    """A failure inside, on input `name` laid out as `layout`, adds that the contiguous case passed.

    Use it only after the same call on a contiguous `name` has passed: then a failure
    here comes from reading memory as if it were laid out contiguously.
    """
    try:
        yield
    except CheckFailed as failure:
        if layout != "contiguous":
            failure.details = (
                *failure.details,
                f"The same call passed with a contiguous {name}. Here {name} is {layout} (strides "
                f"{tuple(x.stride())}, storage offset {x.storage_offset()}): take every stride from "
                f"{name}.stride(), and keep its storage offset, rather than working them out from the shape.",
            )
        raise


def _formula(size: int, kernel: int, stride: int, padding: int) -> str:
    return (
        f"(size + 2·padding − kernel) // stride + 1 = ({size} + 2·{padding} − {kernel}) // {stride} + 1 "
        f"= {output_size(size, kernel, stride, padding)}"
    )


def offset_view(x: torch.Tensor, offset: int = 7) -> torch.Tensor:
    """The same values as `x`, contiguous but starting `offset` elements into a larger storage."""
    storage = _zeros(x.numel() + offset, dtype=x.dtype)
    view = storage[offset:].view(x.shape)
    _copy(view, x)
    return view


def memory_layouts(x: torch.Tensor) -> list[tuple[str, torch.Tensor]]:
    """`x` in layouts that break code assuming contiguous memory, each with a name.

    The variants are: contiguous; last two dimensions transposed in memory; strided with
    gaps; starting at an offset into a larger storage; channels-last for 4-D tensors
    (batch, channels, height, width); and, when dimension 0 has more than one entry,
    its first entry expanded along dimension 0 (stride 0). The expanded variant holds
    different values, so compute the expected result from each variant, not from `x`.
    """
    variants = [("contiguous", x)]
    if x.dim() >= 2:
        variants.append(("transposed in memory", _transpose(_contiguous(_transpose(x, -1, -2)), -1, -2)))
    if x.dim() >= 1:
        storage = _zeros(*x.shape[:-1], x.shape[-1] * 2, dtype=x.dtype)
        gapped = storage[..., ::2]
        _copy(gapped, x)
        variants.append(("strided with gaps", gapped))
    variants.append(("at a storage offset", offset_view(x)))
    if x.dim() == 4:
        variants.append(("channels-last", _contiguous(x, memory_format=torch.channels_last)))
    if x.dim() >= 1 and x.shape[0] > 1:
        variants.append(("expanded along dimension 0 (stride 0)", _expand(x[:1], *x.shape)))
    return variants


def shares_memory(result: torch.Tensor, source: torch.Tensor) -> bool:
    """Whether `result` is a view of `source`'s storage (no copy was made)."""
    return _untyped_storage(result).data_ptr() == _untyped_storage(source).data_ptr()


# ---- torch's refusals, in plain words ---------------------------------------------------

Windows = Sequence[tuple[str, int, int, int, int]]
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


@dataclass(frozen=True)
class Refused:
    """A learner's call that torch refused with an error explained here, kept as its result.

    `explaining` returns it instead of raising, so that `expect_matches` judges it like a
    wrong result (`window_judge` raises its failure) and looks for the simplest inputs
    torch refuses the same way.
    """

    failure: CheckFailed
    error: str

    def __repr__(self) -> str:
        return f"an error: {self.error}"


def explain_refusal(error: BaseException, windows: Windows | None = None, learner: Any = None) -> CheckFailed | None:
    """A failure that explains `error`, a torch error raised in learner code, or None if it is not one of these.

    `windows` (as for `expect_window_shape`) adds the expected output sizes to an
    `as_strided` overrun; `learner` (the check's `learner`) names the earlier exercise
    whose file raised it, if it was not the checked file.
    """
    if not isinstance(error, RuntimeError):
        return None
    text = (str(error).strip().splitlines() or [""])[0]
    for pattern, explain in _REFUSALS:
        match = pattern.search(text)
        if match:
            headline, advice = explain(match, windows)
            frame = _learner_frame(error)
            where = f" at line {frame.lineno}: {(frame.line or '').strip()}" if frame else ""
            return CheckFailed(f"{headline}{where}", (text, *advice, *_earlier_note(frame, learner)))
    return None


def explaining(learner_fn: Callable[..., Any], windows: Callable[..., Windows] | None = None, learner: Any = None) -> Callable[..., Any]:
    """`learner_fn`, returning `Refused` where torch refuses its call with an error explained here.

    `windows(*args, **kwargs)` gives the windows of a call, for an `as_strided` overrun.
    """
    learner = learner if learner is not None else getattr(learner_fn, "_learner", None)

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return learner_fn(*args, **kwargs)
        except RuntimeError as error:
            failure = explain_refusal(error, windows(*args, **kwargs) if windows is not None else None, learner)
            if failure is None:
                raise
            return Refused(failure, f"{type(error).__name__}: {(str(error).strip().splitlines() or [''])[0]}")

    call._name = getattr(learner_fn, "_name", None) or getattr(learner_fn, "__qualname__", None)  # type: ignore[attr-defined]
    call._fn = getattr(learner_fn, "_fn", learner_fn)  # type: ignore[attr-defined]
    return call


def window_judge(
    windows: Callable[..., Windows] | None = None,
    *,
    exact: bool = False,
    condition: float | Callable[..., float] = 1.0,
    rtol: float | None = None,
    atol: float | None = None,
) -> Callable[..., None]:
    """A `judge=` for `expect_matches`: a `Refused` call fails with its explanation, a wrong
    output size with the window formula, and values as the tolerance policy says (`exact`:
    equal; `condition`: a number, or a function of the call's arguments, for long sums;
    `rtol`/`atol` only where a check can say why the policy does not fit)."""

    def judge(got: Any, expected: Any, *args: Any, what: str, **kwargs: Any) -> None:
        if isinstance(got, Refused):
            raise got.failure
        if windows is not None and isinstance(expected, torch.Tensor):
            expect_window_shape(got, expected.shape, windows(*args, **kwargs), what=what)
        if exact:
            expect_equal(got, expected, what=what)
            return
        amplification = condition(*args, **kwargs) if callable(condition) else condition
        expect_same(got, expected, what=what, scale=input_scale(*args, *kwargs.values()), condition=amplification,
                    rtol=rtol, atol=atol)

    return judge


def expect_windows_match(
    learner_fn: Callable[..., Any],
    reference_fn: Callable[..., Any],
    *args: Any,
    windows: Callable[..., Windows] | None = None,
    exact: bool = False,
    condition: float | Callable[..., float] = 1.0,
    what: str | None = None,
    mistakes: Sequence[Any] = (),
    learner: Any = None,
    **kwargs: Any,
) -> Any:
    """`expect_matches` for sliding-window and contraction code (see the module's docstring).

    `windows(*args, **kwargs)` gives one `(name, size, kernel, stride, padding)` per
    spatial dimension of a call, so that a wrong output size, on the inputs given or on
    the simplest ones, is explained with the formula filled in.
    """
    return expect_matches(
        explaining(learner_fn, windows, learner),
        reference_fn,
        *args,
        what=what or _call_label(learner_fn),
        mistakes=mistakes,
        judge=window_judge(windows, exact=exact, condition=condition),
        **kwargs,
    )


def _learner_frame(error: BaseException) -> traceback.FrameSummary | None:
    """The innermost frame of the traceback that is neither mlkata's nor torch's."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if not f.filename.startswith(_LIBRARY_DIRS)]
    return frames[-1] if frames else None


def _earlier_note(frame: traceback.FrameSummary | None, learner: Any) -> tuple[str, ...]:
    earlier = getattr(learner, "_earlier", None)
    exercise = earlier.exercise_of(frame.filename) if earlier is not None and frame is not None else None
    if exercise is None:
        return ()
    return (f"It was raised in {exercise.display}, your file of exercise {exercise.name}: "
            f"fix it there (`mlkata run {exercise.name}` checks it on its own).",)


def _ordinal(operand: str) -> str:
    index = int(operand)
    return f"{_ORDINALS[index]} input" if index < len(_ORDINALS) else f"input {index + 1}"


def _overrun(match: re.Match, windows: Windows | None) -> tuple[str, tuple[str, ...]]:
    if windows:
        sizes = tuple(f"output {name} should be {_formula(size, kernel, stride, padding)}" for name, size, kernel, stride, padding in windows)
        advice = ("Check the output size (floor division, then + 1) and that every stride comes from .stride() "
                  "of the tensor you slice (after padding).",)
    else:
        sizes = ()
        advice = ("A view may only read memory the tensor owns: its last element sits at storage_offset() + "
                  "the sum of (size - 1) * stride over the dimensions. Take every stride from .stride() of the "
                  "tensor you view, and keep its storage_offset().",)
    return "your as_strided view reaches past the end of the tensor's memory", (*sizes, *advice)


def _einsum_sizes(match: re.Match, windows: Windows | None) -> tuple[str, tuple[str, ...]]:
    letter, size, operand, seen = match.groups()
    return (
        f"torch.einsum was given sizes that disagree for the letter {letter}: {seen} in an earlier input, "
        f"{size} in the {_ordinal(operand)}",
        ("One letter names one dimension, so it must have the same size in every input it appears in. "
         "Write each input's shape under its letters (inputs in the order you pass them) to find the letter "
         "in the wrong place.",),
    )


def _einsum_rank(match: re.Match, windows: Windows | None) -> tuple[str, tuple[str, ...]]:
    letters, dims, operand = match.groups()
    return (
        f"torch.einsum was given {letters} letter{'' if letters == '1' else 's'} for its {_ordinal(operand)}, which has {dims} "
        f"dimension{'' if dims == '1' else 's'}",
        ("Give every input one letter per dimension, in order (or ... for dimensions you do not name).",),
    )


def _einsum_operands(match: re.Match, windows: Windows | None) -> tuple[str, tuple[str, ...]]:
    return (
        f"torch.einsum was given {match.group(1)} inputs than its equation names",
        ("The equation has one comma-separated group of letters per input, in the order the inputs are "
         "passed: \"ij,j->i\" takes two.",),
    )


def _matrix_product(match: re.Match, windows: Windows | None) -> tuple[str, tuple[str, ...]]:
    rows_a, cols_a, rows_b, cols_b = match.groups()
    return (
        f"a matrix product was given shapes that do not fit: ({rows_a}, {cols_a}) @ ({rows_b}, {cols_b})",
        (f"In a @ b the last dimension of a must equal the first of b ({cols_a} ≠ {rows_b}): "
         "is one of them the transpose of what you meant?",),
    )


def _broadcast(match: re.Match, windows: Windows | None) -> tuple[str, tuple[str, ...]]:
    size_a, size_b, dim = match.groups()
    return (
        f"two tensors whose shapes do not broadcast were combined: sizes {size_a} and {size_b} meet at dimension {dim}",
        ("Broadcasting lines shapes up from the last dimension, and sizes must be equal or 1 there. Two usual "
         "causes: a per-channel vector of shape (C,) meets the width of a (B, C, H, W) tensor (reshape it to "
         "(1, C, 1, 1), or index it with [:, None, None]); or two feature maps whose height or width differ "
         "(a stride or padding applied on one path and not the other).",),
    )


def _expanded_size(match: re.Match, windows: Windows | None) -> tuple[str, tuple[str, ...]]:
    target, existing, dim = match.groups()
    return (
        f"a tensor with {existing} entries along dimension {dim} was copied into a place with {target}",
        ("An assignment out[...] = x (or an expand) needs the slice on the left to have x's size along every "
         "dimension: check its bounds. A slice written a:-b is empty when b is 0 (-0 is 0): write a:a + size.",),
    )


def _view(match: re.Match, windows: Windows | None) -> tuple[str, tuple[str, ...]]:
    return (
        ".view() cannot merge these dimensions of a tensor laid out like this one",
        (".view() needs the merged dimensions to sit evenly spaced in memory, which a transposed, strided "
         "or expanded tensor does not; .reshape() gives a view when it can and copies only when it must.",),
    )


def _reshape_count(match: re.Match, windows: Windows | None) -> tuple[str, tuple[str, ...]]:
    shape, count = match.group(1), int(match.group(2))
    sizes = [int(d) for d in re.findall(r"-?\d+", shape)]
    known = math.prod(d for d in sizes if d != -1)
    holds = f"holds {known}" if -1 not in sizes else f"has sizes whose product, {known}, does not divide"
    return (
        f"reshape was given the shape ({', '.join(map(str, sizes))}), which {holds} entries; the tensor has {count}",
        ("A new shape must hold exactly the tensor's entries: the merged size is the product of the sizes "
         "it merges, and every other size stays as it is.",),
    )


def _reshape_empty(match: re.Match, windows: Windows | None) -> tuple[str, tuple[str, ...]]:
    return (
        "reshape cannot work out a -1 for a tensor with no entries",
        ("With a size 0 elsewhere in the shape, -1 could stand for any size. Compute the merged size from "
         "the shape itself (math.prod of the sizes you merge) instead of -1.",),
    )


_REFUSALS: tuple[tuple[re.Pattern, Callable[[re.Match, Windows | None], tuple[str, tuple[str, ...]]]], ...] = (
    (re.compile(r"out of bounds for storage"), _overrun),
    (re.compile(r"einsum\(\): subscript (\S+) has size (\d+) for operand (\d+) which does not broadcast "
                r"with previously seen size (\d+)"), _einsum_sizes),
    (re.compile(r"einsum\(\): the number of subscripts in the equation \((\d+)\) does not match the number "
                r"of dimensions \((\d+)\) for operand (\d+)"), _einsum_rank),
    (re.compile(r"einsum\(\): (more|fewer) operands were provided than specified in the equation"), _einsum_operands),
    (re.compile(r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)"), _matrix_product),
    (re.compile(r"The size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton "
                r"dimension (\d+)"), _broadcast),
    (re.compile(r"The expanded size of the tensor \((\d+)\) must match the existing size \((\d+)\) at non-singleton "
                r"dimension (\d+)"), _expanded_size),
    (re.compile(r"view size is not compatible with input tensor's size and stride"), _view),
    (re.compile(r"shape '\[([-\d, ]*)\]' is invalid for input of size (\d+)"), _reshape_count),
    (re.compile(r"cannot reshape tensor of 0 elements"), _reshape_empty),
)
