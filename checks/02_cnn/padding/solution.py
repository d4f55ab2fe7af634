import torch


def pad1d(x: torch.Tensor, left: int, right: int, pad_value: float) -> torch.Tensor:
    batch, in_channels, width = x.shape
    out = x.new_full((batch, in_channels, left + width + right), pad_value)
    out[..., left : left + width] = x
    return out


def pad2d(
    x: torch.Tensor, left: int, right: int, top: int, bottom: int, pad_value: float
) -> torch.Tensor:
    batch, in_channels, height, width = x.shape
    out = x.new_full((batch, in_channels, top + height + bottom, left + width + right), pad_value)
    out[..., top : top + height, left : left + width] = x
    return out
