"""log_forward and multiply_forward: forward functions that record how their output was made.

A `Tensor` (given) wraps a NumPy array: `.array`, `.requires_grad`, `.grad` and
`.recipe`. A forward function computes on the arrays and returns a new Tensor; when the
output takes part in backpropagation, it also records how it was made, in
`Recipe(func, args, kwargs, parents)` (given):
- func: the NumPy function that computed the array (np.log, np.multiply); backprop
  finds the backward functions by it;
- args: the positional arguments func was called with, each Tensor replaced by its
  array (x.array itself), plain numbers as they are;
- kwargs: the keyword arguments func was called with ({} here);
- parents: {position: Tensor} for the Tensor arguments that take part in the graph.

The output takes part in the graph (gets a recipe, and requires_grad = True) when both
1. gradient tracking is on: read `autograd.grad_tracking_enabled` at call time, after
   `from mlkata.given import autograd` (`from mlkata.given.autograd import
   grad_tracking_enabled` would copy the value once, when your file is imported, and
   never see it change); and
2. some Tensor argument requires grad or has a recipe (it was computed from one that
   does: an intermediate result).
Otherwise the output has recipe None and requires_grad False.

multiply_forward(a, b): either side may be a plain number (int or float), never both.
Positions keep their meaning: in multiply_forward(2, b), b is argument 1, so
parents == {1: b} and args == (2, b.array).

Which Tensors are parents: those that require grad or have a recipe. Listing every
Tensor argument, as MLAB's hand-written multiply_forward does, is accepted too:
backprop gives no gradient to a parent that does not require grad.
"""

import numpy as np

from mlkata.given import autograd
from mlkata.given.autograd import Recipe, Tensor


def log_forward(x: Tensor) -> Tensor:
    """Like torch.log: elementwise natural log, recording a Recipe when the output is in the graph."""
    # TODO
    raise NotImplementedError


def multiply_forward(a: Tensor | int | float, b: Tensor | int | float) -> Tensor:
    """Like torch.multiply: elementwise a * b with broadcasting; one side may be a number."""
    assert isinstance(a, Tensor) or isinstance(b, Tensor)
    # TODO
    raise NotImplementedError
