"""The reference ResNet34, in torchvision's layout.

conv1 (7x7, stride 2), bn1, relu, maxpool (3x3, stride 2), then layer1..layerN (one
BlockGroup each), avgpool and fc; blocks are torchvision's BasicBlock.
"""

import torch
from torch import nn

from mlkata.exercises.block_group import BlockGroup


class ResNet34(nn.Module):
    def __init__(
        self,
        n_blocks_per_group=[3, 4, 6, 3],
        out_features_per_group=[64, 128, 256, 512],
        strides_per_group=[1, 2, 2, 2],
        n_classes=1000,
    ):
        super().__init__()
        stem_feats = 64
        self.conv1 = nn.Conv2d(3, stem_feats, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(stem_feats)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        in_features_per_group = [stem_feats, *out_features_per_group[:-1]]
        self.layer_names = []
        for i, group in enumerate(
            zip(n_blocks_per_group, in_features_per_group, out_features_per_group, strides_per_group), start=1
        ):
            self.add_module(f"layer{i}", BlockGroup(*group))
            self.layer_names.append(f"layer{i}")
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(out_features_per_group[-1], n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))  # (B, 64, H/4, W/4)
        for name in self.layer_names:
            x = getattr(self, name)(x)  # (B, out_features of the group, ...)
        x = self.avgpool(x).flatten(1)  # (B, out_features_per_group[-1])
        return self.fc(x)  # (B, n_classes)
