import numpy as np

from mlkata.given.autograd import unbroadcast

Arr = np.ndarray


def reshape_back(grad_out: Arr, out: Arr, x: Arr, new_shape: tuple) -> Arr:
    return np.reshape(grad_out, x.shape).copy()  # out's shape -> x's shape, same element order


def permute_back(grad_out: Arr, out: Arr, x: Arr, axes: tuple) -> Arr:
    axes = [axis % x.ndim for axis in axes]  # negative axes count from the end
    inverse = np.argsort(axes)  # out axis axes[i] came from x axis i: inverse[axes[i]] = i
    return np.transpose(grad_out, inverse).copy()


def _expand(x: Arr, new_shape: tuple) -> Arr:
    n_added = len(new_shape) - x.ndim  # leading dims the expand creates
    shape = tuple(x.shape[i - n_added] if size == -1 else size for i, size in enumerate(new_shape))
    return np.broadcast_to(x, shape)


def expand_back(grad_out: Arr, out: Arr, x: Arr, new_shape: tuple) -> Arr:
    return unbroadcast(grad_out, x)  # sum over the copies: the added and the stretched dims
