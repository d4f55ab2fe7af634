import numpy as np

Arr = np.ndarray


def _matmul2d(x: Arr, y: Arr) -> Arr:
    assert x.ndim == 2 and y.ndim == 2 and x.shape[1] == y.shape[0]
    return x @ y  # (n, k) @ (k, m) -> (n, m)


def matmul2d_back0(grad_out: Arr, out: Arr, x: Arr, y: Arr) -> Arr:
    return grad_out @ y.T  # (n, m) @ (m, k) -> (n, k)


def matmul2d_back1(grad_out: Arr, out: Arr, x: Arr, y: Arr) -> Arr:
    return x.T @ grad_out  # (k, n) @ (n, m) -> (k, m)
