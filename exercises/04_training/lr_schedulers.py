"""Learning-rate schedulers: lower each group's lr as the epochs go by.

A scheduler holds an optimizer. Creating it changes nothing; each call of step() marks
one more epoch done (call it after the epoch's optimizer steps) and sets `group["lr"]`
for EVERY group of `optimizer.param_groups`. After n calls of step(), with initial_lr
each group's lr when the scheduler was created (groups may start from different lrs):

- `ExponentialLR(optimizer, gamma)`:            lr = initial_lr * gamma**n
- `StepLR(optimizer, step_size, gamma=0.1)`:    lr = initial_lr * gamma**(n // step_size)
- `MultiStepLR(optimizer, milestones, gamma=0.1)`: lr = initial_lr * gamma**k, k the number
  of milestones ≤ n (milestones: increasing epoch numbers, e.g. [10, 15])

torch multiplies the current lr by gamma again at every decay (lr * gamma * gamma ...);
initial_lr * gamma**n is the same number up to the last bits. Both are accepted: the
check compares with a relative tolerance of 1e-12.

The schedulers act on any optimizer through its param_groups: the check hands them a
torch.optim.SGD with two groups, and compares the lrs, epoch by epoch for 30 epochs,
with torch.optim.lr_scheduler's.

Banned: torch.optim.lr_scheduler's schedulers (and its LRScheduler base class).
"""

import torch


class ExponentialLR:
    def __init__(self, optimizer, gamma: float):
        """Implements ExponentialLR.

        Like the PyTorch version, but assumes last_epoch=-1 and verbose=False
            https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.ExponentialLR.html
        """
        # TODO: remember the optimizer, gamma and each group's initial lr.
        raise NotImplementedError

    def step(self) -> None:
        # TODO
        raise NotImplementedError


class StepLR:
    def __init__(self, optimizer, step_size: int, gamma: float = 0.1):
        """Implements StepLR.

        Like the PyTorch version, but assumes last_epoch=-1 and verbose=False
            https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.StepLR.html
        """
        # TODO
        raise NotImplementedError

    def step(self) -> None:
        # TODO
        raise NotImplementedError


class MultiStepLR:
    def __init__(self, optimizer, milestones: list[int], gamma: float = 0.1):
        """Implements MultiStepLR.

        Like the PyTorch version, but assumes last_epoch=-1 and verbose=False
            https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.MultiStepLR.html
        """
        # TODO
        raise NotImplementedError

    def step(self) -> None:
        # TODO
        raise NotImplementedError
