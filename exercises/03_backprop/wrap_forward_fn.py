"""wrap_forward_fn: turn any NumPy function into a forward function on Tensors.

log_forward and multiply_forward followed one pattern: unbox the Tensors, compute with
NumPy, box the result, record a Recipe. `wrap_forward_fn(numpy_func, is_differentiable)`
writes that pattern once: it returns `tensor_func(*args, **kwargs)` that

1. raises an error (TypeError or ValueError) when a Tensor is passed by keyword:
   backward functions are found by argument *position*, so a keyword Tensor could never
   receive a gradient, and a silent wrong gradient is worse than an error;
2. calls numpy_func with every positional Tensor replaced by its array and every
   keyword argument passed on as it is (the given `_sum(x, dim=None, keepdim=False)`
   receives dim and keepdim by keyword);
3. returns the result in a new Tensor;
4. records Recipe(numpy_func, the unboxed args, kwargs, parents), and sets
   requires_grad = True, when grad tracking is on, is_differentiable is True, and some
   positional Tensor requires grad or has a recipe. Parents as in forward_log_multiply:
   {position: Tensor}, positions kept (listing the Tensors that require no grad as well
   is accepted).

Read `autograd.grad_tracking_enabled` each time tensor_func runs, not once when
wrapping: `log = wrap_forward_fn(np.log)` runs when a file is imported, long before any
NoGrad block turns tracking off. Non-differentiable functions (argmax, eq) never
record a recipe.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

from mlkata.given import autograd
from mlkata.given.autograd import Recipe, Tensor


def wrap_forward_fn(numpy_func: Callable, is_differentiable: bool = True) -> Callable:
    """numpy_func takes arrays (and other values) and returns one array.

    Return: the same function taking Tensors wherever numpy_func took arrays.
    """
    # TODO: define the inner function, then return it (the function itself, not a call):
    #
    #     def tensor_func(*args: Any, **kwargs: Any) -> Tensor:
    #         ...
    #
    #     return tensor_func
    raise NotImplementedError
