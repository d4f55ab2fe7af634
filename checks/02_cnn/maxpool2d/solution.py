from typing import Optional, Union

import torch
import torch.nn.functional as F

IntOrPair = Union[int, tuple[int, int]]
Pair = tuple[int, int]


def force_pair(v: IntOrPair) -> Pair:
    if isinstance(v, int):
        return (v, v)
    first, second = v
    return (int(first), int(second))


def maxpool2d(
    x: torch.Tensor,
    kernel_size: IntOrPair,
    stride: Optional[IntOrPair] = None,
    padding: IntOrPair = 0,
) -> torch.Tensor:
    kernel_h, kernel_w = force_pair(kernel_size)
    step_h, step_w = force_pair(kernel_size if stride is None else stride)
    pad_h, pad_w = force_pair(padding)

    # Padding must never be the maximum: fill it with -inf.
    x = F.pad(x, (pad_w, pad_w, pad_h, pad_h), value=float("-inf"))
    batch, channels, height, width = x.shape
    output_height = (height - kernel_h) // step_h + 1
    output_width = (width - kernel_w) // step_w + 1

    stride_b, stride_c, stride_h, stride_w = x.stride()
    # windows[b, c, i, j, y, z] = x[b, c, i * step_h + y, j * step_w + z]
    windows = x.as_strided(
        (batch, channels, output_height, output_width, kernel_h, kernel_w),
        (stride_b, stride_c, stride_h * step_h, stride_w * step_w, stride_h, stride_w),
    )
    return windows.amax(dim=(-2, -1))  # (batch, channels, output_height, output_width)
