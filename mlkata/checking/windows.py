"""Helpers for checks of sliding-window code (convolution, pooling) and of views.

`output_size` is the window arithmetic every convolution and pooling exercise uses;
`expect_window_shape` explains a wrong output size with that formula, filled in, and
`explain_view_overrun` does the same when a too-large `as_strided` view fails outright.
`memory_layouts` gives the same kind of input in the layouts that break code which
assumes contiguous memory, and `shares_memory` tells whether a result is a view.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path

import torch

from mlkata.checking.compare import expect_shape
from mlkata.checking.describe import shape_text, verb
from mlkata.checking.failure import CheckFailed

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
        frames = [f for f in traceback.extract_tb(error.__traceback__) if not f.filename.startswith(_LIBRARY_DIRS)]
        where = f"at line {frames[-1].lineno}: {(frames[-1].line or '').strip()}" if frames else ""
        raise CheckFailed(
            "your as_strided view reaches past the end of the tensor's memory " + where,
            (
                str(error).strip().splitlines()[0],
                *(f"output {name} should be {_formula(size, kernel, stride, padding)}" for name, size, kernel, stride, padding in windows),
                "Check the output size (floor division, then + 1) and that every stride comes from .stride() "
                "of the tensor you slice (after padding).",
            ),
        ) from None


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
