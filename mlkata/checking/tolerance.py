"""One tolerance policy for every check: rounding error scaled to the inputs.

A correct formula in floating point is off by a few units in the last place of the
numbers it works with, not of its result: `logsumexp(logits) - logits[label]` on logits
near 1000 in float32 carries an absolute error near 1000 · 2⁻²³ ≈ 1e-4 even when the
loss itself is 1.3. So the difference allowed between a learner's result and the
reference's is

    |got − expected| ≤ atol + rtol · |expected|
    rtol = ULPS · eps(dtype)
    atol = ULPS · eps(dtype) · scale · condition

where eps is the dtype's machine epsilon, `scale` the largest magnitude among the inputs
(at least 1), and `condition` how much the operation can amplify rounding: 1 for
elementwise work, about the number of terms for a long sum (the check says). It is never
tighter than torch.testing's defaults for the dtype. In float64 this leaves a formula
slip no room, so checks compare in float64 wherever torch allows.
"""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import Any

import numpy
import torch

ULPS = 16
# torch.testing's defaults, by dtype: (rtol, atol). Read-only: learner code cannot loosen them.
FLOOR = MappingProxyType({
    torch.float16: (1e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
    torch.float32: (1.3e-6, 1e-5),
    torch.float64: (1e-7, 1e-7),
})
_finfo = torch.finfo
_abs = torch.abs
_amax = torch.amax
_isfinite = torch.isfinite
_where = torch.where
_zeros_like = torch.zeros_like
_item = torch.Tensor.item
_to = torch.Tensor.to
_detach = torch.Tensor.detach
_numel = torch.Tensor.numel


def tolerance(dtype: torch.dtype, scale: float = 1.0, condition: float = 1.0) -> tuple[float, float]:
    """(rtol, atol) for results of `dtype` computed from inputs as large as `scale`."""
    floor_rtol, floor_atol = FLOOR.get(dtype, FLOOR[torch.float32])
    eps = _finfo(dtype).eps if dtype.is_floating_point else 0.0
    rtol = max(floor_rtol, ULPS * eps)
    atol = max(floor_atol, ULPS * eps * max(1.0, scale) * max(1.0, condition))
    return rtol, atol


def input_scale(*values: Any) -> float:
    """The largest finite magnitude among the floating-point inputs (tensors, arrays, numbers)."""
    largest = 1.0
    for value in values:
        largest = max(largest, _magnitude(value))
    return largest


def _magnitude(value: Any) -> float:
    if isinstance(value, torch.Tensor):
        if not value.is_floating_point() or _numel(value) == 0:
            return 0.0
        flat = _to(_detach(value), torch.float64)
        finite = _where(_isfinite(flat), _abs(flat), _zeros_like(flat))
        return float(_item(_amax(finite)))
    if isinstance(value, numpy.ndarray):
        if value.dtype.kind != "f" or value.size == 0:
            return 0.0
        finite = numpy.abs(value[numpy.isfinite(value)])
        return float(finite.max()) if finite.size else 0.0
    if isinstance(value, float) and math.isfinite(value):
        return abs(value)
    if isinstance(value, (tuple, list)):
        return max((_magnitude(v) for v in value), default=0.0)
    return 0.0
