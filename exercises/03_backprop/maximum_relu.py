"""Elementwise maximum, where the gradient has to be split, and relu built on it.

- `maximum_back0(grad_out, out, x, y)`: the gradient of np.maximum(x, y) with respect to
  x; `maximum_back1` with respect to y. Where x > y all of grad_out goes to x, where
  y > x all goes to y, and at a tie (x == y) each gets half, as torch.maximum does: the
  two shares still add up to grad_out. x and y may have been broadcast against each
  other (unbroadcast the result, with mlkata's `unbroadcast`), and the argument a back
  function is not for may be a plain number (relu passes y = 0.0).
- `relu(x: Tensor) -> Tensor`: F.relu, built as the framework's `maximum(x, 0.0)`, so
  that it is a node of the graph. Its gradient at exactly 0 is therefore 1/2, the tie
  rule of maximum: it follows torch.maximum(x, 0), NOT torch.relu (whose gradient at 0
  is 0). MLAB's text says this matches PyTorch; it matches torch.maximum, not torch.relu.

Convention for every back function of this section: return an array of its own
(writable, sharing no memory with grad_out, out, x or y), of its argument's shape.

The check compares the back functions with torch.maximum's gradients on arrays full of
ties, with broadcasting and with numbers on either side, then checks relu's values,
graph and gradient (ties at 0 included) through mlkata's backprop. NumPy only: torch is
not available in this section.
"""

from typing import Union

import numpy as np

from mlkata.given.autograd import Tensor, maximum, unbroadcast

Arr = np.ndarray


def maximum_back0(grad_out: Arr, out: Arr, x: Arr, y: Union[Arr, float]) -> Arr:
    """Backwards function for max(x, y) wrt x."""
    # TODO
    raise NotImplementedError


def maximum_back1(grad_out: Arr, out: Arr, x: Union[Arr, float], y: Arr) -> Arr:
    """Backwards function for max(x, y) wrt y."""
    # TODO
    raise NotImplementedError


def relu(x: Tensor) -> Tensor:
    """Like torch.nn.functional.relu(x, inplace=False), as maximum(x, 0.0)."""
    # TODO
    raise NotImplementedError
