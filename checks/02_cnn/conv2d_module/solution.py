import torch
import torch.nn.functional as F
from torch import nn

IntOrPair = int | tuple[int, int]


def force_pair(v: IntOrPair) -> tuple[int, int]:
    if isinstance(v, int):
        return (v, v)
    height, width = v
    return (int(height), int(width))


class Conv2d(nn.Module):
    weight: nn.Parameter

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrPair,
        stride: IntOrPair = 1,
        padding: IntOrPair = 0,
    ):
        super().__init__()
        self.stride = force_pair(stride)
        self.padding = force_pair(padding)
        kernel_height, kernel_width = force_pair(kernel_size)
        bound = 1 / (in_channels * kernel_height * kernel_width) ** 0.5
        shape = (out_channels, in_channels, kernel_height, kernel_width)
        self.weight = nn.Parameter((torch.rand(shape) * 2 - 1) * bound)  # (out, in, kh, kw)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # (batch, in, h, w) -> (batch, out, out_h, out_w)
        return F.conv2d(x, self.weight, stride=self.stride, padding=self.padding)
