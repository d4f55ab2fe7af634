"""ImageMemorizer: a small network that learns a picture, one pixel at a time.

The network reads the (x, y) coordinates of a pixel and answers its colour (R, G, B).
Trained on every pixel of a picture, it memorises the picture.

`ImageMemorizer(in_dim, hidden_dim, out_dim)` maps x of shape (batch, in_dim) to
(batch, out_dim) with three linear layers and two ReLUs between them:

    Linear(in_dim, hidden_dim) -> ReLU -> Linear(hidden_dim, hidden_dim) -> ReLU -> Linear(hidden_dim, out_dim)

- No ReLU after the last layer: the colours are scaled to [-1, 1], so outputs must be
  able to go negative.
- Register the layers so that parameters() and state_dict() see them: an nn.Sequential
  (as MLAB does), or attributes assigned in this order. A plain Python list of layers
  registers nothing.
- nn.Linear is allowed here (its default initialisation, uniform in ±1/√fan_in, is
  what the check expects).

The check copies a reference network's weights into yours entry by entry, in
registration order, and compares outputs.
"""

import torch
from torch import nn


class ImageMemorizer(nn.Module):
    def __init__(self, in_dim: int, hidden_dim: int, out_dim: int):
        super().__init__()
        # TODO: three Linear layers with a ReLU after each of the first two.
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, in_dim) -> (batch, out_dim)."""
        # TODO
        raise NotImplementedError
