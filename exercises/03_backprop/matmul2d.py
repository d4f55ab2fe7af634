"""Matrix multiplication of two 2-D arrays, and its two back functions.

- `_matmul2d(x, y)`: x of shape (n, k) times y of shape (k, m) gives (n, m), like
  torch.matmul restricted to 2-D inputs (no batch dimensions, no broadcasting).
- `matmul2d_back0(grad_out, out, x, y)`: the gradient with respect to x, of x's shape
  (n, k); grad_out has out's shape (n, m).
- `matmul2d_back1(grad_out, out, x, y)`: the gradient with respect to y, of y's shape
  (k, m).

Each is one matrix product with one transpose. Work them out from
out[i, j] = sum over p of x[i, p] * y[p, j], and let the shapes guide you: with square
matrices a misplaced transpose still has the right shape, and gives wrong numbers.

Convention for every back function of this section: return an array of its own
(writable, sharing no memory with grad_out, out, x or y).

The check compares the three functions with torch.matmul and its gradients (square and
non-square, a row times a column, empty inner dimensions, random grad_out), then
registers your back functions in mlkata's framework and backpropagates through chained
products and a matrix multiplied by itself. NumPy only: torch is not available in this
section.
"""

import numpy as np

Arr = np.ndarray


def _matmul2d(x: Arr, y: Arr) -> Arr:
    """Matrix multiply restricted to the case where both inputs are exactly 2D."""
    # TODO
    raise NotImplementedError


def matmul2d_back0(grad_out: Arr, out: Arr, x: Arr, y: Arr) -> Arr:
    # TODO
    raise NotImplementedError


def matmul2d_back1(grad_out: Arr, out: Arr, x: Arr, y: Arr) -> Arr:
    # TODO
    raise NotImplementedError
