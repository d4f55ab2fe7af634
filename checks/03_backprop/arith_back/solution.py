from typing import Union

import numpy as np

from mlkata.given.autograd import unbroadcast

Arr = np.ndarray


def add_back0(grad_out: Arr, out: Arr, x: Arr, y: Union[Arr, float]) -> Arr:
    return unbroadcast(grad_out, x)  # d(x + y)/dx = 1


def add_back1(grad_out: Arr, out: Arr, x: Union[Arr, float], y: Arr) -> Arr:
    return unbroadcast(grad_out, y)


def subtract_back0(grad_out: Arr, out: Arr, x: Arr, y: Union[Arr, float]) -> Arr:
    return unbroadcast(grad_out, x)


def subtract_back1(grad_out: Arr, out: Arr, x: Union[Arr, float], y: Arr) -> Arr:
    return unbroadcast(-grad_out, y)  # d(x - y)/dy = -1


def true_divide_back0(grad_out: Arr, out: Arr, x: Arr, y: Union[Arr, float]) -> Arr:
    return unbroadcast(grad_out / y, x)  # d(x / y)/dx = 1 / y


def true_divide_back1(grad_out: Arr, out: Arr, x: Union[Arr, float], y: Arr) -> Arr:
    return unbroadcast(-grad_out * x / y**2, y)  # d(x / y)/dy = -x / y**2
