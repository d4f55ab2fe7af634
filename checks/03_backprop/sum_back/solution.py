from typing import Optional, Union

import numpy as np

Arr = np.ndarray
Dim = Optional[Union[int, tuple[int, ...]]]


def _axes(dim: Dim, ndim: int) -> tuple[int, ...]:
    """dim as a tuple of non-negative axes; None means all of them."""
    if dim is None:
        return tuple(range(ndim))
    dims = dim if isinstance(dim, tuple) else (dim,)
    return tuple(d % ndim for d in dims)


def _sum(x: Arr, dim: Dim = None, keepdim: bool = False) -> Arr:
    return np.sum(x, axis=_axes(dim, x.ndim), keepdims=keepdim)


def sum_back(grad_out: Arr, out: Arr, x: Arr, dim: Dim = None, keepdim: bool = False) -> Arr:
    axes = _axes(dim, x.ndim)
    if not keepdim:
        grad_out = np.expand_dims(grad_out, axes)  # the summed axes back, as size 1, where they were
    return np.broadcast_to(grad_out, x.shape).copy()  # copy: broadcast_to is a read-only view
