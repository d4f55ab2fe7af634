import math
from typing import Optional, Union

import torch
import torch.nn.functional as F
from torch import nn

IntOrPair = Union[int, tuple[int, int]]


class ReLU(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.maximum(x, torch.zeros_like(x))


class Flatten(nn.Module):
    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        shape = input.shape
        start = self.start_dim % len(shape)  # negative dims count from the end
        end = self.end_dim % len(shape)
        merged = math.prod(shape[start : end + 1])
        new_shape = (*shape[:start], merged, *shape[end + 1 :])
        return input.reshape(new_shape)  # a view whenever the strides allow one


class MaxPool2d(nn.Module):
    def __init__(self, kernel_size: IntOrPair, stride: Optional[IntOrPair] = None, padding: IntOrPair = 0):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        return ", ".join(f"{key}={getattr(self, key)}" for key in ("kernel_size", "stride", "padding"))
