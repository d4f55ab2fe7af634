"""Indexing and its back function, including repeated indices.

- `_getitem(x, index)`: like x[index] for a torch.Tensor. The index is one of
    - an int (negative counts from the end): x[1] picks a row, x[-1] the last one;
    - a tuple of ints: x[(1, 2)] picks one element;
    - a tuple of 1-D integer arrays, or of mlkata Tensors holding them, all of one length:
      x[(rows, cols)] picks x[rows[i], cols[i]] for every i (integer array indexing).
      Indices may repeat and may be negative.
  NumPy cannot index with mlkata's Tensor: replace each Tensor in the tuple by its
  `.array` first (mlkata's forward wrapper unboxes Tensor arguments, but not Tensors
  inside a tuple).
- `getitem_back(grad_out, out, x, index)`: the gradient with respect to x. Elements of
  x that were not picked get 0; an element picked k times gets the sum of its k
  gradients. `grad[index] += grad_out` keeps only one of the repeats (NumPy buffers the
  assignment): np.add.at(grad, index, grad_out) adds every one.

Convention for every back function of this section: return an array of its own
(writable, sharing no memory with grad_out, out or x), of x's shape.

The check compares both functions with torch indexing and its gradient (every index
kind, repeated and negative indices, Tensor indices, float32 and float64), then
registers your getitem_back in mlkata's framework and backpropagates through graphs
that index one tensor several times. NumPy only: torch is not available in this section.
"""

from typing import Union

import numpy as np

from mlkata.given.autograd import Tensor

Arr = np.ndarray
Index = Union[int, tuple[int, ...], tuple[Arr, ...], tuple[Tensor, ...]]


def _getitem(x: Arr, index: Index) -> Arr:
    """Like x[index] when x is a torch.Tensor."""
    # TODO
    raise NotImplementedError


def getitem_back(grad_out: Arr, out: Arr, x: Arr, index: Index) -> Arr:
    """Backwards function for _getitem. Hint: np.add.at(a, indices, b)."""
    # TODO
    raise NotImplementedError
