import numpy as np

from mlkata.given.autograd import Arr


def unbroadcast(broadcasted: Arr, original: Arr) -> Arr:
    n_prepended = broadcasted.ndim - original.ndim
    # 1. the dims broadcasting added in front: sum them away
    summed = broadcasted.sum(axis=tuple(range(n_prepended)))  # a new array, even for axis=()
    # 2. the dims original had as 1 and broadcasting stretched: sum them, keeping them as 1
    stretched = tuple(axis for axis, size in enumerate(original.shape) if size == 1)
    return summed.sum(axis=stretched, keepdims=True)
