"""BlockGroup: residual blocks in a row, the unit ResNet34 is made of.

`BlockGroup(n_blocks, in_feats, out_feats, first_stride=1)` chains n_blocks
ResidualBlocks and maps (batch, in_feats, height, width) to
(batch, out_feats, height', width'):

- the first block, ResidualBlock(in_feats, out_feats, first_stride), changes the
  number of features and (with first_stride > 1) the image size;
- the other n_blocks - 1 blocks are ResidualBlock(out_feats, out_feats) and keep both.

Keep the blocks in an nn.Sequential (or your Sequential), so that they are registered
in order: the check copies a reference group's state into yours entry by entry.

The ResidualBlock is your own, imported from the residual_block exercise: if it is
wrong, this check fails and says so.
"""

import torch
from torch import nn

from mlkata.exercises.residual_block import ResidualBlock  # yours, from exercise residual_block


class BlockGroup(nn.Module):
    def __init__(self, n_blocks: int, in_feats: int, out_feats: int, first_stride: int = 1):
        super().__init__()
        # TODO: n_blocks ResidualBlocks in an nn.Sequential.
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, in_feats, height, width) -> (batch, out_feats, height', width')."""
        # TODO
        raise NotImplementedError
