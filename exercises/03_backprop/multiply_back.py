"""multiply_back0 and multiply_back1: the backward functions of x * y, with broadcasting.

out = x * y, elementwise after broadcasting. One backward function per argument:

    multiply_back0(grad_out, out, x, y) -> dL/dx = grad_out * y, summed back to x's shape
    multiply_back1(grad_out, out, x, y) -> dL/dy = grad_out * x, summed back to y's shape

grad_out has the broadcast shape of out; when x (or y) was broadcast, its gradient is
that product summed back to its own shape with `unbroadcast` (given: mlkata's own,
known to be right).

One side may be a plain Python number, as in `2 * a`: multiply_back0 is only asked for
the gradient of an array x, but y may then be a float; multiply_back1 likewise with x a
float. Both must work then too.

Return new arrays of x's (respectively y's) shape (for a 0-d argument, a 0-d array or
a NumPy scalar); never change grad_out, x or y in place. The check compares with
torch's gradients of torch.mul on random values, zeros included.
"""

import numpy as np

from mlkata.given.autograd import Arr, unbroadcast


def multiply_back0(grad_out: Arr, out: Arr, x: Arr, y: Arr | float) -> Arr:
    """Backward function for x * y with respect to argument 0, x."""
    # TODO
    raise NotImplementedError


def multiply_back1(grad_out: Arr, out: Arr, x: Arr | float, y: Arr) -> Arr:
    """Backward function for x * y with respect to argument 1, y."""
    # TODO
    raise NotImplementedError
