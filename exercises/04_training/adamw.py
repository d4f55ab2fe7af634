"""AdamW: Adam with the weight decay taken out of the gradient.

`AdamW(params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.01)` behaves like
torch.optim.AdamW with amsgrad False and maximize False.

In Adam, weight decay is an L2 penalty added to the gradient, so it passes through m
and v and gets rescaled with everything else. AdamW decouples it: the parameter itself
shrinks by a fixed fraction, and m and v see the plain gradient.

- params: an iterable of parameters; keep `list(params)`.
- zero_grad(): every parameter's .grad becomes None (zero-filling in place is accepted).
- step(): for every parameter p whose p.grad is not None (skip the others entirely):

      p *= 1 - lr * weight_decay                first, and with lr
      g = p.grad                                no weight decay in g
      m, v, m̂, v̂ as in Adam (t = 1 at the first step)
      p -= lr * m̂ / (√v̂ + eps)

  t counts steps per parameter, as torch does; counting step() calls once for all
  parameters is accepted too (see the adam exercise).

Default weight_decay: 0.01, as torch.optim.AdamW (ARENA's exercise gives this
signature 0.0, like Adam's). The check always passes weight_decay, so either default
passes; the other defaults are Adam's and are checked.

Banned: torch.optim's optimizers and its Optimizer base class.
"""

from collections.abc import Iterable

import torch


class AdamW:
    def __init__(
        self,
        params: Iterable[torch.nn.Parameter],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-08,
        weight_decay: float = 0.01,
    ):
        """Implements AdamW.

        Like the PyTorch version, but assumes amsgrad=False and maximize=False
            https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html#torch.optim.AdamW
        """
        # TODO: keep list(params), the hyperparameters, m and v per parameter, and the step count.
        raise NotImplementedError

    def zero_grad(self) -> None:
        # TODO
        raise NotImplementedError

    def step(self) -> None:
        # TODO
        raise NotImplementedError
