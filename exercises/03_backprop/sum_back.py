"""sum and its back function, for every way torch.sum takes dims.

- `_sum(x, dim=None, keepdim=False)`: like torch.sum(x, dim, keepdim), built on np.sum.
  dim is None (sum everything: the result is 0-d), an int, or a tuple of ints, and ints
  may be negative (-1 is the last axis, as in torch). keepdim=True keeps every summed
  axis as an axis of size 1; keepdim=False removes them.
- `sum_back(grad_out, out, x, dim=None, keepdim=False)`: the gradient with respect to
  x. grad_out has out's shape; the result has x's shape. Each element of x was added
  once into one entry of out, so it receives that entry's gradient.

With keepdim=False the summed axes are missing from grad_out, and not only at the front:
broadcasting alone lines grad_out up against x's *last* axes, which is wrong whenever a
summed axis is not a leading one (and silently wrong when the sizes happen to match).

Convention for every back function of this section: return an array of its own,
writable and sharing no memory with grad_out, out or x. np.broadcast_to returns a
read-only view: copy it. backprop may add into a gradient in place.

The check compares both functions with torch.sum and its gradient (int, negative and
tuple dims, None, keepdim both ways, square arrays, 0-d and empty arrays), then
registers your sum_back in mlkata's framework and backpropagates through graphs that
sum one tensor several ways. NumPy only: torch is not available in this section.
"""

from typing import Optional, Union

import numpy as np

Arr = np.ndarray
Dim = Optional[Union[int, tuple[int, ...]]]


def _sum(x: Arr, dim: Dim = None, keepdim: bool = False) -> Arr:
    """Like torch.sum, calling np.sum internally."""
    # TODO
    raise NotImplementedError


def sum_back(grad_out: Arr, out: Arr, x: Arr, dim: Dim = None, keepdim: bool = False) -> Arr:
    # TODO: put the summed axes back (if keepdim is False), then spread over x's shape.
    raise NotImplementedError
