"""Comparisons that explain themselves.

Every function here raises `CheckFailed` with a message that teaches: which dimension
of the shape is wrong, which dtype was expected, where NaN appeared, the largest absolute
and relative error and where it is, and a small side-by-side around the worst entry.

The torch functions used here are bound once, when this module is imported (before any
learner code runs), so learner code that replaces `torch.allclose`, `Tensor.__sub__` or
the like cannot change what a comparison sees.
"""

from __future__ import annotations

from typing import Any

import numpy
import torch

from mlkata.checking.describe import describe, dtype_text, shape_text, verb
from mlkata.checking.failure import CheckFailed
from mlkata.checking.tolerance import FLOOR, tolerance

_abs = torch.abs
_sub = torch.sub
_mul = torch.mul
_add = torch.add
_div = torch.div
_gt = torch.gt
_ne = torch.ne
_eq = torch.eq
_isnan = torch.isnan
_isinf = torch.isinf
_isfinite = torch.isfinite
_logical_and = torch.logical_and
_logical_or = torch.logical_or
_logical_not = torch.logical_not
_where = torch.where
_zeros_like = torch.zeros_like
_argmax = torch.argmax
_count_nonzero = torch.count_nonzero
_unravel_index = torch.unravel_index
_as_tensor = torch.as_tensor
_item = torch.Tensor.item
_tolist = torch.Tensor.tolist
_to = torch.Tensor.to
_detach = torch.Tensor.detach
_reshape = torch.reshape
_numel = torch.Tensor.numel
_is_floating = torch.is_floating_point
_is_complex = torch.is_complex
_from_numpy = torch.from_numpy
_np_array = numpy.array
_ndarray = numpy.ndarray
_np_generic = numpy.generic

DEFAULT_TOLERANCES = FLOOR  # torch.testing's defaults; the policy never goes below them
TABLE_HALF_WIDTH = 2


def expect(condition: bool, headline: str, *details: str) -> None:
    """Fail with `headline` unless `condition` holds."""
    if not condition:
        raise CheckFailed(headline, details)


def expect_equal(got: Any, expected: Any, what: str = "the result") -> None:
    """Exact equality: tensors and arrays entry by entry (NaN equals NaN), anything else by `==`."""
    if isinstance(expected, (torch.Tensor, _ndarray)):
        expect_close(got, expected, what=what, rtol=0.0, atol=0.0, equal_nan=True)
        return
    if isinstance(got, torch.Tensor):
        raise CheckFailed(
            f"{what} should be {describe(expected)}, a {type(expected).__name__}, "
            f"but got a tensor {describe(got)}",
        )
    if type(got) is not type(expected) and not (
        isinstance(got, (int, float)) and isinstance(expected, (int, float))
        and not isinstance(got, bool) and not isinstance(expected, bool)
    ):
        raise CheckFailed(
            f"{what} should be a {type(expected).__name__} ({describe(expected)}), "
            f"got a {type(got).__name__} ({describe(got)})"
        )
    if got != expected:
        raise CheckFailed(f"{what} should be {describe(expected)}, got {describe(got)}")


def expect_shape(got: Any, shape: tuple[int, ...], what: str = "the result") -> None:
    """Fail, naming the first dimension that differs, unless `got` has `shape`."""
    _expect_tensor(got, what)
    _compare_shapes(tuple(got.shape), tuple(shape), what)


def expect_close(
    got: Any,
    expected: Any,
    *,
    what: str = "the result",
    rtol: float | None = None,
    atol: float | None = None,
    check_dtype: bool = True,
    equal_nan: bool = False,
    scale: float = 1.0,
    condition: float = 1.0,
) -> None:
    """Fail with a teaching explanation unless `got` matches `expected`.

    Args:
        got: what the learner's code produced.
        expected: the reference value (a tensor, an array, or a Python number).
        what: how the message names the value ("the output", "running_var").
        rtol, atol: tolerances; by default the policy of `mlkata.checking.tolerance`
            for the expected dtype, the inputs' `scale` and the operation's `condition`.
        check_dtype: whether the dtypes must match exactly.
        equal_nan: whether NaN in both places counts as equal.
    """
    arrays = isinstance(expected, _ndarray)
    if arrays:
        got, expected = _numpy_as_tensors(got, expected, what)
    elif not isinstance(expected, torch.Tensor):
        expected = _as_tensor(expected)
        if isinstance(got, (int, float, bool)):
            got = _as_tensor(got, dtype=expected.dtype)
        check_dtype = False
    _expect_tensor(got, what)
    got = _detach(got)
    expected = _detach(expected)
    _compare_shapes(tuple(got.shape), tuple(expected.shape), what)
    if check_dtype and got.dtype != expected.dtype:
        raise CheckFailed(
            f"{verb(what, 'has', 'have')} dtype {dtype_text(got.dtype)}; expected {dtype_text(expected.dtype)}",
            (_dtype_advice(got.dtype, expected.dtype, arrays),),
        )
    if _numel(expected) == 0:
        return
    if not (_is_floating(expected) or _is_complex(expected)) and not _is_floating(got):
        _compare_exact(got, expected, what)
        return
    policy_rtol, policy_atol = tolerance(expected.dtype if _is_floating(expected) else got.dtype, scale, condition)
    rtol = policy_rtol if rtol is None else rtol
    atol = policy_atol if atol is None else atol
    _compare_values(got, expected, what, rtol, atol, equal_nan)


def _numpy_as_tensors(got: Any, expected: Any, what: str) -> tuple[torch.Tensor, torch.Tensor]:
    """A NumPy result and its expected array, as tensors to compare (copies: never views).

    A 0-d expected array accepts a NumPy scalar too (`np.sum` returns one).
    """
    if isinstance(got, torch.Tensor):
        raise CheckFailed(
            f"{what} should be a NumPy array, got a torch.Tensor ({describe(got)})",
            ("This exercise works in NumPy: build the result with numpy operations.",),
        )
    if isinstance(got, _np_generic) and expected.ndim == 0:
        got = _np_array(got)
    if not isinstance(got, _ndarray):
        hint = "Did you forget a `return`?" if got is None else "Return a NumPy array (np.ndarray)."
        raise CheckFailed(f"{what} should be a NumPy array, got {type(got).__name__} ({describe(got)})", (hint,))
    if got.dtype == object or expected.dtype == object:
        raise CheckFailed(f"{verb(what, 'is', 'are')} an array of Python objects ({describe(got)}); expected numbers", ("Keep numeric dtypes.",))
    return _from_numpy(_np_array(got)), _from_numpy(_np_array(expected))


def _expect_tensor(got: Any, what: str) -> None:
    if not isinstance(got, torch.Tensor):
        hint = ""
        if got is None:
            hint = "Did you forget a `return`?"
        elif isinstance(got, (list, tuple)):
            hint = "Build the result as one tensor, not a Python sequence."
        raise CheckFailed(
            f"{what} should be a torch.Tensor, got {type(got).__name__} ({describe(got)})",
            (hint,) if hint else (),
        )


def _compare_shapes(got: tuple[int, ...], expected: tuple[int, ...], what: str) -> None:
    if got == expected:
        return
    if len(got) != len(expected):
        raise CheckFailed(
            f"{verb(what, 'has', 'have')} shape {shape_text(got)}; expected {shape_text(expected)}",
            (
                f"expected {len(expected)} dimensions, got {len(got)}",
            ),
        )
    differing = [i for i, (g, e) in enumerate(zip(got, expected)) if g != e]
    dims = "; ".join(
        f"dimension {i} is {got[i]}, expected {expected[i]}" for i in differing
    )
    raise CheckFailed(
        f"{verb(what, 'has', 'have')} shape {shape_text(got)}; expected {shape_text(expected)}",
        (dims,),
    )


def _dtype_advice(got: torch.dtype, expected: torch.dtype, arrays: bool = False) -> str:
    if got.is_floating_point and not expected.is_floating_point:
        return "The result should hold whole numbers or booleans; avoid divisions and float factories."
    if arrays:
        if got == torch.float64 and expected == torch.float32:
            return "NumPy turns float32 into float64 when it meets a Python float array or np.float64; keep the input's dtype (x.dtype)."
        return "Create new arrays with the input's dtype (np.zeros_like(x), or dtype=x.dtype)."
    if got == torch.float64 and expected == torch.float32:
        return "A float64 tensor often comes from torch.tensor on Python floats or numpy; keep the input's dtype."
    return "Create new tensors with the input's dtype (for example x.new_zeros or dtype=x.dtype), or convert with .to(x.dtype)."


def _index_text(flat_index: int, shape: tuple[int, ...]) -> str:
    if not shape:
        return "[]"
    coords = _unravel_index(_as_tensor(flat_index), shape)
    return "[" + ", ".join(str(int(_item(c))) for c in coords) + "]"


def _compare_exact(got: torch.Tensor, expected: torch.Tensor, what: str) -> None:
    wrong = _ne(got, expected)
    count = int(_item(_count_nonzero(wrong)))
    if count == 0:
        return
    first = int(_item(_argmax(_to(_reshape(wrong, (-1,)), torch.int8))))
    shape = tuple(expected.shape)
    raise CheckFailed(
        f"{verb(what, 'has', 'have')} {count} wrong {'entry' if count == 1 else 'entries'} of {_numel(expected)}",
        (f"first at {_index_text(first, shape)}",),
        _window_table(got, expected, first, shape),
    )


def _compare_values(
    got: torch.Tensor,
    expected: torch.Tensor,
    what: str,
    rtol: float,
    atol: float,
    equal_nan: bool,
) -> None:
    shape = tuple(expected.shape)
    got64 = _reshape(_to(got, torch.float64), (-1,))
    exp64 = _reshape(_to(expected, torch.float64), (-1,))
    _compare_non_finite(got64, exp64, shape, what, equal_nan)

    both_finite = _logical_and(_isfinite(got64), _isfinite(exp64))
    diff = _where(both_finite, _abs(_sub(got64, exp64)), _zeros_like(exp64))
    allowed = _add(_mul(_abs(exp64), rtol), atol)
    bad = _gt(diff, allowed)
    count = int(_item(_count_nonzero(bad)))
    if count == 0:
        return
    worst = int(_item(_argmax(diff)))
    rel = _where(both_finite, _div(diff, _where(_eq(exp64, 0), _as_tensor(1.0, dtype=torch.float64), _abs(exp64))), _zeros_like(exp64))
    worst_rel = int(_item(_argmax(rel)))
    max_abs = float(_item(diff[worst]))
    max_rel = float(_item(rel[worst_rel]))
    raise CheckFailed(
        f"{verb(what, 'differs', 'differ')} from the expected values in {count} of {_numel(expected)} {'entry' if _numel(expected) == 1 else 'entries'}",
        (
            f"largest absolute error {max_abs:.3g} at {_index_text(worst, shape)}; "
            f"largest relative error {max_rel:.3g} at {_index_text(worst_rel, shape)}",
            f"allowed: |got - expected| <= {atol:g} + {rtol:g} * |expected|",
        ),
        _window_table(got, expected, worst, shape),
    )


def _compare_non_finite(
    got: torch.Tensor,
    expected: torch.Tensor,
    shape: tuple[int, ...],
    what: str,
    equal_nan: bool,
) -> None:
    got_nan, exp_nan = _isnan(got), _isnan(expected)
    nan_ok = exp_nan if equal_nan else _zeros_like(exp_nan)
    # NaN where a number (or no NaN) was expected.
    stray_nan = _logical_and(got_nan, _logical_not(nan_ok))
    # Infinities must match in place and in sign.
    inf_mismatch = _logical_and(
        _logical_or(_isinf(got), _isinf(expected)),
        _ne(_where(_isinf(got), got, _zeros_like(got)), _where(_isinf(expected), expected, _zeros_like(expected))),
    )
    missing_nan = _logical_and(exp_nan, _logical_not(got_nan)) if equal_nan else _zeros_like(exp_nan)
    problems = _logical_or(_logical_or(stray_nan, inf_mismatch), missing_nan)
    count = int(_item(_count_nonzero(problems)))
    if count == 0:
        return
    first = int(_item(_argmax(_to(problems, torch.int8))))
    got_value = float(_item(got[first]))
    exp_value = float(_item(expected[first]))
    kind = "NaN" if got_value != got_value else ("inf" if got_value in (float("inf"), float("-inf")) else "a finite value")
    advice = (
        "NaN and inf usually come from exp of large numbers, log of 0 or 0/0: "
        "subtract the maximum before exp, and keep -inf out of sums."
        if kind != "a finite value"
        else "Expected an infinity here (for example a -inf logit gives an infinite loss)."
    )
    raise CheckFailed(
        f"{verb(what, 'has', 'have')} {kind} at {_index_text(first, shape)} where {_fmt(exp_value)} was expected"
        + (f" ({count} such entries)" if count > 1 else ""),
        (advice,),
        _window_table(got, expected, first, shape),
    )


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _window_table(
    got: torch.Tensor, expected: torch.Tensor, flat_index: int, shape: tuple[int, ...]
) -> list[list[str]]:
    """Rows of `index | expected | got | difference` around one entry, along its last dim."""
    if not shape:
        return [["index", "expected", "got"], ["[]", _fmt(_item(expected)), _fmt(_item(got))]]
    got_flat = _reshape(got, (-1,))
    exp_flat = _reshape(expected, (-1,))
    last = shape[-1]
    row_start = flat_index - flat_index % last
    position = flat_index % last
    lo = max(0, position - TABLE_HALF_WIDTH)
    hi = min(last, position + TABLE_HALF_WIDTH + 1)
    rows = [["index", "expected", "got", "difference", ""]]
    for pos in range(lo, hi):
        i = row_start + pos
        e, g = _item(exp_flat[i]), _item(got_flat[i])
        try:
            difference = "0" if g == e else _fmt(float(g) - float(e))  # inf - inf would say nan
        except (TypeError, ValueError):
            difference = ""
        rows.append([_index_text(i, shape), _fmt(e), _fmt(g), difference, "<- worst" if i == flat_index else ""])
    return rows
