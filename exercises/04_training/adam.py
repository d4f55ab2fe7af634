"""Adam: momentum and RMSprop's scaling, with a correction for their zero start.

`Adam(params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0)` behaves like
torch.optim.Adam with amsgrad False and maximize False.

- params: an iterable of parameters; keep `list(params)`.
- zero_grad(): every parameter's .grad becomes None (zero-filling in place is accepted).
- step(): for every parameter p whose p.grad is not None (skip the others entirely):

      g = p.grad + weight_decay * p             (weight decay as an L2 penalty)
      m = beta1 * m + (1 - beta1) * g           m and v start at zeros
      v = beta2 * v + (1 - beta2) * g²
      m̂ = m / (1 - beta1**t)                    t = 1 at the first step
      v̂ = v / (1 - beta2**t)
      p -= lr * m̂ / (√v̂ + eps)                  eps outside the square root

  t counts steps. torch counts them per parameter (the steps in which that parameter
  had a gradient); counting step() calls once for all parameters, as MLAB and ARENA do,
  is accepted too (the two differ only for a parameter that misses a step). Either way,
  t grows by one per step, not once per parameter in the loop.

As for SGD: update in place under torch.no_grad(), never change p.grad, keep m and v
per parameter with its shape and dtype (torch.zeros_like(p)).

The check trains a small network with your Adam and with torch.optim.Adam and
compares every parameter after every step, in several configurations (the defaults too).

Banned: torch.optim's optimizers and its Optimizer base class.
"""

from collections.abc import Iterable

import torch


class Adam:
    def __init__(
        self,
        params: Iterable[torch.nn.Parameter],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-08,
        weight_decay: float = 0.0,
    ):
        """Implements Adam.

        Like the PyTorch version, but assumes amsgrad=False and maximize=False
            https://pytorch.org/docs/stable/generated/torch.optim.Adam.html#torch.optim.Adam
        """
        # TODO: keep list(params), the hyperparameters, m and v per parameter, and the step count.
        raise NotImplementedError

    def zero_grad(self) -> None:
        # TODO
        raise NotImplementedError

    def step(self) -> None:
        # TODO
        raise NotImplementedError
