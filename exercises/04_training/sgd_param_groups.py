"""SGD with parameter groups: different settings for different parts of a model.

`SGD(params, **kwargs)` takes torch.optim.SGD's arguments:

- params is either
  - an iterable of parameters (model.parameters(), or a list of tensors): one group; or
  - a list of dicts, one per group: {"params": an iterable of parameters, and
    optionally "lr", "momentum", "weight_decay" for that group}.
  Look at the first element of list(params) to tell them apart.
- kwargs: lr, momentum, weight_decay: the settings of every group that does not set
  them itself. momentum and weight_decay default to 0. Give lr as a keyword or in every
  group (a learning rate missing everywhere may raise; torch's default 0.001 is not checked).
- `self.param_groups`: a list with one dict per group, in the order given. Each holds
  "params" (a list of the group's parameters, the tensors themselves) and "lr",
  "momentum", "weight_decay" filled in: the group's own value, else the keyword
  argument, else the default. (torch's groups hold more keys; these four are checked.)
- A parameter that appears in two groups raises an error in __init__ (torch raises a
  ValueError; an assert is fine too).
- zero_grad() and step() as in your SGD (dampening 0, no nesterov), each parameter with
  its group's lr, momentum and weight_decay; momentum buffers stay per parameter;
  parameters whose .grad is None are skipped.

The check builds groups as ARENA's test does (a model's base and head with their own
settings), compares param_groups with torch.optim.SGD's, then trains with both and
compares every parameter after every step.

Banned: torch.optim's optimizers and its Optimizer base class (which would do the group
bookkeeping for you).
"""

import torch


class SGD:
    def __init__(self, params, **kwargs):
        """Implements SGD with momentum, accepting parameter groups or an iterable of parameters.

        Like the PyTorch version, but assume nesterov=False, maximize=False, and dampening=0
            https://pytorch.org/docs/stable/generated/torch.optim.SGD.html#torch.optim.SGD
        """
        # TODO: build self.param_groups (defaults, then kwargs, then each group's own keys); refuse duplicates.
        raise NotImplementedError

    def zero_grad(self) -> None:
        # TODO
        raise NotImplementedError

    def step(self) -> None:
        # TODO
        raise NotImplementedError
