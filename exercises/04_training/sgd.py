"""SGD: stochastic gradient descent with momentum and weight decay, as torch.optim.SGD.

`SGD(params, lr, momentum, weight_decay)` behaves like torch.optim.SGD with dampening 0,
nesterov False and maximize False.

- params: an iterable of parameters. model.parameters() is a generator, used up after
  one pass: keep `list(params)`.
- zero_grad(): every parameter's .grad becomes None (torch's default; filling existing
  gradients with zeros in place is accepted too).
- step(): for every parameter p whose p.grad is not None:

      g = p.grad + weight_decay * p
      if momentum != 0:
          b = g                      at this parameter's first step
          b = momentum * b + g       at its later steps
          g = b
      p -= lr * g

  A parameter whose .grad is None took no part in the loss: skip it entirely (no
  weight decay, no momentum; its buffer waits for its next step with a gradient).

What an optimizer must not get wrong, and the check tests:
- update each parameter in place (`p -= ...`, `p.add_(...)`) under torch.no_grad()
  (or torch.inference_mode(), or with @torch.no_grad() on step). The model holds the
  same Parameter objects: `p = p - lr * g` only rebinds a local name.
- never change p.grad: build g as a new tensor (`p.grad + weight_decay * p`), not with
  `g = p.grad; g += ...`.
- keep one momentum buffer per parameter, of its shape and dtype (a list parallel to
  the parameters, or a dict keyed by the parameter; torch.zeros_like / clone keep the
  dtype: the check trains in float64).

The check trains a small network on two moons (parameters of several shapes, one 0-d,
one used on some steps only, one never used) with your SGD and with torch.optim.SGD,
and compares every parameter after every step.

Banned: torch.optim's optimizers and its Optimizer base class.
"""

from collections.abc import Iterable

import torch


class SGD:
    def __init__(self, params: Iterable[torch.nn.Parameter], lr: float, momentum: float, weight_decay: float):
        """Implements SGD with momentum.

        Like the PyTorch version, but assume nesterov=False, maximize=False, and dampening=0
            https://pytorch.org/docs/stable/generated/torch.optim.SGD.html#torch.optim.SGD
        """
        # TODO: keep list(params), the hyperparameters, and room for one momentum buffer per parameter.
        raise NotImplementedError

    def zero_grad(self) -> None:
        # TODO
        raise NotImplementedError

    def step(self) -> None:
        # TODO
        raise NotImplementedError
