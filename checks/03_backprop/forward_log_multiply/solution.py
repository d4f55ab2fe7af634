import numpy as np

from mlkata.given import autograd
from mlkata.given.autograd import Recipe, Tensor


def in_graph(arg) -> bool:
    """A Tensor that takes part in the graph: it requires grad, or was computed from one."""
    return isinstance(arg, Tensor) and (arg.requires_grad or arg.recipe is not None)


def log_forward(x: Tensor) -> Tensor:
    out = Tensor(np.log(x.array))
    if autograd.grad_tracking_enabled and in_graph(x):  # the flag is read now, at call time
        out.requires_grad = True
        out.recipe = Recipe(np.log, (x.array,), {}, {0: x})
    return out


def multiply_forward(a: Tensor | int | float, b: Tensor | int | float) -> Tensor:
    assert isinstance(a, Tensor) or isinstance(b, Tensor)
    arg_a = a.array if isinstance(a, Tensor) else a
    arg_b = b.array if isinstance(b, Tensor) else b
    out = Tensor(np.multiply(arg_a, arg_b))
    parents = {position: arg for position, arg in enumerate((a, b)) if in_graph(arg)}  # positions kept
    if autograd.grad_tracking_enabled and parents:
        out.requires_grad = True
        out.recipe = Recipe(np.multiply, (arg_a, arg_b), {}, parents)
    return out
