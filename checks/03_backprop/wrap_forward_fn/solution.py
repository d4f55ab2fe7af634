from collections.abc import Callable
from typing import Any

import numpy as np

from mlkata.given import autograd
from mlkata.given.autograd import Recipe, Tensor


def wrap_forward_fn(numpy_func: Callable, is_differentiable: bool = True) -> Callable:
    def tensor_func(*args: Any, **kwargs: Any) -> Tensor:
        for key, value in kwargs.items():
            if isinstance(value, Tensor):  # back functions go by position: a keyword has none
                raise TypeError(f"pass Tensors by position, not as {key}=")
        arrays = tuple(arg.array if isinstance(arg, Tensor) else arg for arg in args)
        out = Tensor(numpy_func(*arrays, **kwargs))
        if autograd.grad_tracking_enabled and is_differentiable:  # read at call time
            parents = {
                position: arg
                for position, arg in enumerate(args)
                if isinstance(arg, Tensor) and (arg.requires_grad or arg.recipe is not None)
            }
            if parents:
                out.requires_grad = True
                out.recipe = Recipe(numpy_func, arrays, kwargs, parents)
        return out

    return tensor_func
