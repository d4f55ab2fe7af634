"""The reference block, in torchvision's BasicBlock layout (conv1, bn1, conv2, bn2, downsample)."""

import torch
from torch import nn


class ResidualBlock(nn.Module):
    def __init__(self, in_feats: int, out_feats: int, first_stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_feats, out_feats, kernel_size=3, stride=first_stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_feats)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(out_feats, out_feats, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_feats)
        if first_stride > 1 or in_feats != out_feats:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_feats, out_feats, kernel_size=1, stride=first_stride, bias=False),
                nn.BatchNorm2d(out_feats),
            )
        else:
            self.downsample = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))  # (B, out, H', W')
        out = self.bn2(self.conv2(out))  # (B, out, H', W')
        return self.relu(out + self.downsample(x))
