"""Back functions of elementwise add, subtract and divide, for both arguments.

MLAB registers these as six one-line lambdas in BACK_FUNCS. Here they have names, in
the pattern of multiply_back0 / multiply_back1; the check registers them in a fresh
BackwardFuncLookup for np.add, np.subtract and np.true_divide, positions 0 and 1:

- `add_back0(grad_out, out, x, y)`, `add_back1(...)`: for out = x + y;
- `subtract_back0`, `subtract_back1`: for out = x - y;
- `true_divide_back0`, `true_divide_back1`: for out = x / y.

`..._back0` returns the gradient with respect to x, `..._back1` the one with respect
to y. x and y may have been broadcast against each other (x of shape (3, 1, 4), y of
shape (2, 4)): grad_out has the broadcast shape, and each gradient must be summed back
to its argument's shape with `unbroadcast` from mlkata's framework.

The argument a back function is *not* for may be a plain number: `2 / a` calls
true_divide_back1(grad_out, out, 2, a.array), `a - 2` calls subtract_back0(grad_out,
out, a.array, 2). Use it in the formula; never ask it for a shape.

Convention for every back function of this section: return an array of its own
(writable, sharing no memory with grad_out, out, x or y), of its argument's shape.

The check compares each function with torch's gradients (broadcasting both ways,
numbers on either side, float32 and float64), then backpropagates through a graph
using all six, with numbers on both sides (`2 / a`, `2 - b`). NumPy only: torch is not
available in this section.
"""

from typing import Union

import numpy as np

from mlkata.given.autograd import unbroadcast

Arr = np.ndarray


def add_back0(grad_out: Arr, out: Arr, x: Arr, y: Union[Arr, float]) -> Arr:
    # TODO
    raise NotImplementedError


def add_back1(grad_out: Arr, out: Arr, x: Union[Arr, float], y: Arr) -> Arr:
    # TODO
    raise NotImplementedError


def subtract_back0(grad_out: Arr, out: Arr, x: Arr, y: Union[Arr, float]) -> Arr:
    # TODO
    raise NotImplementedError


def subtract_back1(grad_out: Arr, out: Arr, x: Union[Arr, float], y: Arr) -> Arr:
    # TODO
    raise NotImplementedError


def true_divide_back0(grad_out: Arr, out: Arr, x: Arr, y: Union[Arr, float]) -> Arr:
    # TODO
    raise NotImplementedError


def true_divide_back1(grad_out: Arr, out: Arr, x: Union[Arr, float], y: Arr) -> Arr:
    # TODO
    raise NotImplementedError
