"""Three small nn.Modules: ReLU, Flatten and MaxPool2d.

An `nn.Module` keeps its settings in `__init__` (call `super().__init__()` first) and
computes in `forward`; calling `module(x)` runs `forward(x)`. `extra_repr` returns the
text that `print(module)` shows between the parentheses.

    ReLU()                  forward(x): max(x, 0) elementwise, same shape and dtype
    Flatten(start_dim=1, end_dim=-1)
                            forward(input): dimensions start_dim..end_dim (both included,
                            negative numbers count from the end) merged into one.
                            (2, 3, 4, 5) -> (2, 60) with the defaults,
                            -> (6, 4, 5) with start_dim=0, end_dim=1.
    MaxPool2d(kernel_size, stride=None, padding=0)
                            forward(x): max pooling, like your maxpool2d; stride None
                            means kernel_size. extra_repr shows every setting,
                            the defaults too: "kernel_size=3, stride=2, padding=1";
                            MaxPool2d(2) shows its stride (2, or None) and padding=0.

Flatten must return a view of its input whenever the memory layout allows it (no copy),
as torch's does: `input.reshape(new_shape)` gives a view when it can and copies only when
it must. Work the new shape out from `input.shape` without -1, so that an empty batch
(size 0) works too.

Banned: F.relu, torch.relu, Tensor.relu (and relu_), torch.flatten, Tensor.flatten,
nn.ReLU, nn.Flatten and nn.MaxPool2d. Max pooling is behind you, so
`torch.nn.functional.max_pool2d` is allowed inside MaxPool2d.
"""

from typing import Optional, Union

import torch
from torch import nn

IntOrPair = Union[int, tuple[int, int]]


class ReLU(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """max(x, 0) elementwise, without changing x."""
        # TODO
        raise NotImplementedError


class Flatten(nn.Module):
    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        # TODO: keep start_dim and end_dim.
        raise NotImplementedError

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Merge dimensions start_dim..end_dim (inclusive) into one."""
        # TODO: turn negative dims into positive ones, build the new shape, reshape.
        raise NotImplementedError


class MaxPool2d(nn.Module):
    def __init__(self, kernel_size: IntOrPair, stride: Optional[IntOrPair] = None, padding: IntOrPair = 0):
        super().__init__()
        # TODO: keep the three settings.
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (batch, channels, height, width) -> the max-pooled tensor."""
        # TODO
        raise NotImplementedError

    def extra_repr(self) -> str:
        """Shown by print(module): "kernel_size=..., stride=..., padding=..."."""
        # TODO
        raise NotImplementedError
