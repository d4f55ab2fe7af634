from typing import Union

import torch
import torch.nn.functional as F

IntOrPair = Union[int, tuple[int, int]]
Pair = tuple[int, int]


def force_pair(v: IntOrPair) -> Pair:
    if isinstance(v, int):
        return (v, v)
    first, second = v
    return (int(first), int(second))


def conv1d(x: torch.Tensor, weights: torch.Tensor, stride: int = 1, padding: int = 0) -> torch.Tensor:
    x = F.pad(x, (padding, padding))  # (batch, in_channels, width + 2 * padding)
    batch, in_channels, width = x.shape
    out_channels, _, kernel_width = weights.shape
    output_width = (width - kernel_width) // stride + 1

    stride_b, stride_c, stride_w = x.stride()
    # windows[b, c, i, k] = x[b, c, i * stride + k]
    windows = x.as_strided(
        (batch, in_channels, output_width, kernel_width),
        (stride_b, stride_c, stride_w * stride, stride_w),
    )
    return torch.einsum("bcik,ock->boi", windows, weights)  # (batch, out_channels, output_width)


def conv2d(
    x: torch.Tensor, weights: torch.Tensor, stride: IntOrPair = 1, padding: IntOrPair = 0
) -> torch.Tensor:
    step_h, step_w = force_pair(stride)
    pad_h, pad_w = force_pair(padding)
    x = F.pad(x, (pad_w, pad_w, pad_h, pad_h))  # (batch, in_channels, padded height, padded width)
    batch, in_channels, height, width = x.shape
    out_channels, _, kernel_height, kernel_width = weights.shape
    output_height = (height - kernel_height) // step_h + 1
    output_width = (width - kernel_width) // step_w + 1

    stride_b, stride_c, stride_h, stride_w = x.stride()
    # windows[b, c, i, j, y, z] = x[b, c, i * step_h + y, j * step_w + z]
    windows = x.as_strided(
        (batch, in_channels, output_height, output_width, kernel_height, kernel_width),
        (stride_b, stride_c, stride_h * step_h, stride_w * step_w, stride_h, stride_w),
    )
    return torch.einsum("bcijyz,ocyz->boij", windows, weights)  # (batch, out_channels, oh, ow)
