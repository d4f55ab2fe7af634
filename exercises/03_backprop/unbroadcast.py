"""unbroadcast: sum a gradient back down to the shape of an input that was broadcast.

Broadcasting (NumPy's and torch's) follows two rules:
- dimensions missing on the left are added in front, as if of size 1;
- a dimension of size 1 is stretched to the size of the other operand's.
So x of shape (2, 1, 3) combined with an array of shape (5, 2, 4, 3) is used at
5 * 4 = 20 places for each of its elements.

The backward pass must undo that: an element used at many places receives the sum of
the gradients of all of them. `unbroadcast(broadcasted, original)` takes the gradient
`broadcasted` (of the broadcast shape, any values) and returns the gradient of
`original` (only its shape matters):
1. sum away the leading dimensions that broadcasting added
   (the first broadcasted.ndim - original.ndim ones);
2. sum every dimension where original has size 1, keeping it as size 1
   (keepdims=True).
This is torch's `grad.sum_to_size(original.shape)`, which the check compares with.

Contract:
- the result has exactly original's shape and broadcasted's dtype; for a 0-d original it
  is 0-d (a 0-d array or a NumPy scalar: both are fine);
- the result is a new array, never `broadcasted` itself or a view of it, even when the
  shapes already match: backprop adds gradients together, and an array handed back
  unchanged is someone else's grad_out;
- broadcasted is never changed in place.
"""

import numpy as np

from mlkata.given.autograd import Arr


def unbroadcast(broadcasted: Arr, original: Arr) -> Arr:
    """Sum `broadcasted` until it has the shape of `original`."""
    # TODO
    raise NotImplementedError
