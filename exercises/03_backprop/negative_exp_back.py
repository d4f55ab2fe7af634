"""negative_back, exp_back, and two functions that are not differentiable: argmax and eq.

The backward functions of two elementwise ops:
- negative_back(grad_out, out, x) for out = -x;
- exp_back(grad_out, out, x) for out = exp(x). The derivative of exp is exp itself,
  and the forward pass already computed it: write the gradient in terms of `out` rather
  than computing np.exp(x) again (both give the same numbers; `out` is free).
Return new arrays of x's shape; never change grad_out, out or x in place. The check
calls them directly and inside backprop (registered for np.negative and np.exp).

Some functions have no useful gradient: argmax returns indices, eq returns booleans.
They still take Tensors and return Tensors, but their outputs never join the graph: no
recipe and requires_grad False, even for inputs that require grad. Build them with the
given wrap_forward_fn(..., is_differentiable=False):
- argmax(x, dim=None, keepdim=False): like torch.argmax, through the given `_argmax`
  (np.argmax with axis=dim, keepdims=keepdim); dim may be negative;
- eq(x, y): like torch.eq, elementwise ==, through np.equal; y may be a Tensor or a
  number, with broadcasting.
(Writing them as `argmax = wrap_forward_fn(...)` in place of the `def` is fine too.)
"""

import numpy as np

from mlkata.given.autograd import Arr, Tensor, _argmax, wrap_forward_fn


def negative_back(grad_out: Arr, out: Arr, x: Arr) -> Arr:
    """Backward function for f(x) = -x elementwise."""
    # TODO
    raise NotImplementedError


def exp_back(grad_out: Arr, out: Arr, x: Arr) -> Arr:
    """Backward function for f(x) = exp(x) elementwise, in terms of out."""
    # TODO
    raise NotImplementedError


def argmax(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Like torch.argmax; never part of the graph."""
    # TODO: wrap _argmax with wrap_forward_fn(..., is_differentiable=False) and call it.
    raise NotImplementedError


def eq(x: Tensor, y: Tensor | float) -> Tensor:
    """Like torch.eq; never part of the graph."""
    # TODO: wrap np.equal with wrap_forward_fn(..., is_differentiable=False) and call it.
    raise NotImplementedError
