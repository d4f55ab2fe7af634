"""opt_banana: watch SGD with momentum find the bottom of Rosenbrock's banana.

`rosenbrocks_banana(x, y)` (given) is (1 - x)² + 100 (y - x²)² + 1: a long, curved,
flat-bottomed valley with its minimum at (1, 1). Plain gradient descent crawls along it.

`opt_banana(xy, n_iters, lr=0.001, momentum=0.98)` -> tensor of shape (n_iters, 2)

- xy: shape (2,), requires_grad=True: the starting point (x, y), and the parameter
  that `torch.optim.SGD([xy], lr=lr, momentum=momentum)` moves, in place.
- Row i of the result is where xy is BEFORE step i: row 0 is the starting point,
  row n_iters - 1 the point before the last step.
- Each iteration: record the point, clear the gradient, compute
  `rosenbrocks_banana(xy[0], xy[1])`, backpropagate, and step.
- Record copies of the values: the result has xy's dtype and shares no memory with xy
  (xy keeps changing; a view of it would show only its last value).
"""

import torch


def rosenbrocks_banana(x: torch.Tensor, y: torch.Tensor, a=1, b=100) -> torch.Tensor:
    return (a - x) ** 2 + b * (y - x**2) ** 2 + 1


def opt_banana(xy: torch.Tensor, n_iters: int, lr=0.001, momentum=0.98) -> torch.Tensor:
    """Optimize the banana starting from the specified point.

    xy: shape (2,). The (x, y) starting point.
    n_iters: number of steps.

    Return: (n_iters, 2). The (x,y) BEFORE each step. So out[0] is the starting point.
    """
    assert xy.requires_grad
    # TODO
    raise NotImplementedError
