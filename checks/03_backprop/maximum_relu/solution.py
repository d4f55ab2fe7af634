from typing import Union

import numpy as np

from mlkata.given.autograd import Tensor, maximum, unbroadcast

Arr = np.ndarray


def maximum_back0(grad_out: Arr, out: Arr, x: Arr, y: Union[Arr, float]) -> Arr:
    share = (x > y) + 0.5 * (x == y)  # 1 where x wins, 1/2 at ties, 0 where y wins
    return unbroadcast(grad_out * share, x)


def maximum_back1(grad_out: Arr, out: Arr, x: Union[Arr, float], y: Arr) -> Arr:
    share = (y > x) + 0.5 * (x == y)
    return unbroadcast(grad_out * share, y)


def relu(x: Tensor) -> Tensor:
    return maximum(x, 0.0)  # a tie at 0 splits the gradient: 1/2, as torch.maximum(x, 0)
