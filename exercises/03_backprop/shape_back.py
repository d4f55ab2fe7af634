"""Back functions that only move gradients around: reshape, permute and expand.

A back function of `out = f(x, *args)` is called as `f_back(grad_out, out, x, *args)`:
grad_out is the gradient of the loss with respect to `out` (out's shape), and it returns
the gradient with respect to `x`, an array of x's shape. These three forward functions
compute nothing, they only move elements, so their back functions only move gradients:
each element of x receives the gradients of the positions it was moved (or copied) to.

- `reshape_back(grad_out, out, x, new_shape)`, for np.reshape(x, new_shape) (new_shape
  may hold a -1).
- `permute_back(grad_out, out, x, axes)`, for np.transpose(x, axes), which is torch's
  x.permute(axes): out.shape[i] == x.shape[axes[i]]. `axes` is a tuple of ints that may
  be negative (-1 is the last axis), as torch.permute and np.transpose allow.
- `_expand(x, new_shape)`: torch's x.expand(new_shape), built on np.broadcast_to. A -1 in
  new_shape keeps the size of x's dimension at that place; new_shape may add leading
  dimensions (there a -1 makes no sense, and is never passed). The result may be a
  read-only view, as torch's expand is a view.
- `expand_back(grad_out, out, x, new_shape)`: expand copied elements, so sum the copies
  back. `unbroadcast(broadcasted, original)` from mlkata's framework does exactly that.

Convention for every back function of this section: return an array of its own,
writable and sharing no memory with grad_out, out or x (np.reshape and np.transpose
return views: add `.copy()`). backprop may add into a gradient in place.

The check compares each function with torch's gradient on 4-D arrays, non-uniform
gradients and permutations that are not their own inverse, then registers your three
back functions in mlkata's framework and backpropagates through graphs that use them.
NumPy only: torch is not available in this section.
"""

import numpy as np

from mlkata.given.autograd import unbroadcast

Arr = np.ndarray


def reshape_back(grad_out: Arr, out: Arr, x: Arr, new_shape: tuple) -> Arr:
    # TODO: the gradient of x, of x's shape.
    raise NotImplementedError


def permute_back(grad_out: Arr, out: Arr, x: Arr, axes: tuple) -> Arr:
    # TODO: undo the permutation: which permutation brings out's axes back to x's order?
    raise NotImplementedError


def _expand(x: Arr, new_shape: tuple) -> Arr:
    """Like torch.expand, calling np.broadcast_to; -1 keeps the size of an existing dimension."""
    # TODO
    raise NotImplementedError


def expand_back(grad_out: Arr, out: Arr, x: Arr, new_shape: tuple) -> Arr:
    # TODO
    raise NotImplementedError
