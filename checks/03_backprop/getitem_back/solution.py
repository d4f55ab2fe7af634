from typing import Union

import numpy as np

from mlkata.given.autograd import Tensor

Arr = np.ndarray
Index = Union[int, tuple[int, ...], tuple[Arr, ...], tuple[Tensor, ...]]


def _unboxed(index: Index):
    """The index with every Tensor in it replaced by its array."""
    if isinstance(index, tuple):
        return tuple(item.array if isinstance(item, Tensor) else item for item in index)
    return index.array if isinstance(index, Tensor) else index


def _getitem(x: Arr, index: Index) -> Arr:
    return x[_unboxed(index)]


def getitem_back(grad_out: Arr, out: Arr, x: Arr, index: Index) -> Arr:
    grad = np.zeros_like(x, dtype=grad_out.dtype)  # (x.shape): 0 where nothing was picked
    np.add.at(grad, _unboxed(index), grad_out)  # adds once per occurrence: repeats accumulate
    return grad
