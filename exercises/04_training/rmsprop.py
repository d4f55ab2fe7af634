"""RMSprop: divide each step by a running root-mean-square of the gradients.

`RMSprop(params, lr, alpha, eps, weight_decay, momentum)` behaves like
torch.optim.RMSprop with centered False and maximize False.

- params: an iterable of parameters; keep `list(params)`.
- zero_grad(): every parameter's .grad becomes None (zero-filling in place is accepted).
- step(): for every parameter p whose p.grad is not None (skip the others entirely):

      g = p.grad + weight_decay * p
      v = alpha * v + (1 - alpha) * g²          v starts at zeros
      d = g / (√v + eps)                        eps outside the square root
      if momentum > 0:
          b = momentum * b + d                  b starts at zeros
          p -= lr * b
      else:
          p -= lr * d

As for SGD: update in place under torch.no_grad(), never change p.grad, keep v and b
per parameter with its shape and dtype (torch.zeros_like(p)).

The check trains a small network with your RMSprop and with torch.optim.RMSprop and
compares every parameter after every step, in several configurations.

Banned: torch.optim's optimizers and its Optimizer base class.
"""

from collections.abc import Iterable

import torch


class RMSprop:
    def __init__(
        self,
        params: Iterable[torch.nn.Parameter],
        lr: float,
        alpha: float,
        eps: float,
        weight_decay: float,
        momentum: float,
    ):
        """Implements RMSprop.

        Like the PyTorch version, but assumes centered=False
            https://pytorch.org/docs/stable/generated/torch.optim.RMSprop.html#torch.optim.RMSprop
        """
        # TODO: keep list(params), the hyperparameters, and v and b per parameter.
        raise NotImplementedError

    def zero_grad(self) -> None:
        # TODO
        raise NotImplementedError

    def step(self) -> None:
        # TODO
        raise NotImplementedError
