import numpy as np

from mlkata.given.autograd import Arr, unbroadcast


def multiply_back0(grad_out: Arr, out: Arr, x: Arr, y: Arr | float) -> Arr:
    # d(x * y)/dx = y, at the broadcast shape; then summed over the places x was copied to
    return unbroadcast(grad_out * y, x)


def multiply_back1(grad_out: Arr, out: Arr, x: Arr | float, y: Arr) -> Arr:
    return unbroadcast(grad_out * x, y)
