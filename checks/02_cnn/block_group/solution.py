"""The reference group: torchvision's layer layout (a Sequential of BasicBlocks)."""

import torch
from torch import nn

from mlkata.exercises.residual_block import ResidualBlock


class BlockGroup(nn.Module):
    def __init__(self, n_blocks: int, in_feats: int, out_feats: int, first_stride: int = 1):
        super().__init__()
        self.blocks = nn.Sequential(
            ResidualBlock(in_feats, out_feats, first_stride),
            *[ResidualBlock(out_feats, out_feats) for _ in range(n_blocks - 1)],
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks(x)  # (B, in, H, W) -> (B, out, H', W')
