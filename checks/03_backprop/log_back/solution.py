import numpy as np

from mlkata.given.autograd import Arr


def log_back(grad_out: Arr, out: Arr, x: Arr) -> Arr:
    # d log(x) / dx = 1 / x, scaled by the gradient arriving from above (chain rule)
    return grad_out / x
