"""Padding: a bigger tensor filled with one value, the input copied into its middle.

    pad1d(x, left, right, pad_value)
        x (batch, in_channels, width) -> (batch, in_channels, left + width + right)
    pad2d(x, left, right, top, bottom, pad_value)
        x (batch, in_channels, height, width)
          -> (batch, in_channels, top + height + bottom, left + width + right)

Every new position holds `pad_value` (0.0, -inf, ...); the rest is a copy of x. The
result is like `F.pad(x, (left, right), value=pad_value)` and
`F.pad(x, (left, right, top, bottom), value=pad_value)`: left and right pad the last
dimension (width), top and bottom the one before it (height).

`x.new_full(shape, fill_value)` makes a tensor of the same dtype and device as x, filled
with one value; then assign x into the right slice of it. Any pad may be 0. Do not
change x itself, and always return a new tensor: even with every pad 0 the result must
not be x (whoever writes into the padded tensor would change x too).

Banned: F.pad, torch.constant_pad_nd and the nn padding modules.
"""

import torch


def pad1d(x: torch.Tensor, left: int, right: int, pad_value: float) -> torch.Tensor:
    """x (batch, in_channels, width) -> (batch, in_channels, left + width + right)."""
    # TODO: new_full, then copy x into the middle.
    raise NotImplementedError


def pad2d(
    x: torch.Tensor, left: int, right: int, top: int, bottom: int, pad_value: float
) -> torch.Tensor:
    """x (batch, in_channels, height, width) -> (batch, in_channels, top + height + bottom, left + width + right)."""
    # TODO
    raise NotImplementedError
