"""ResNet34: the whole network, from image to class scores.

`ResNet34(n_blocks_per_group=[3, 4, 6, 3], out_features_per_group=[64, 128, 256, 512],
strides_per_group=[1, 2, 2, 2], n_classes=1000)` maps images of shape
(batch, 3, height, width) to logits of shape (batch, n_classes), in three stages:

1. in: Conv2d(3, 64, kernel_size=7, stride=2, padding=3, no bias), BatchNorm2d(64),
   ReLU, MaxPool2d(kernel_size=3, stride=2, padding=1). 64 features whatever the
   groups below ask for.
2. residual: one BlockGroup per group, group i being
   BlockGroup(n_blocks_per_group[i], in_feats, out_features_per_group[i],
   strides_per_group[i]), where in_feats is 64 for the first group and the previous
   group's out_features after that.
3. out: AveragePool (the mean over height and width, giving (batch, features)), then
   Linear(out_features_per_group[-1], n_classes), with a bias.

With the default arguments this is torchvision's resnet34: 21,797,672 parameters. The
check copies a reference ResNet34's state into yours entry by entry, in order, and
compares the logits in eval mode, so register the layers in the order above.

Use nn.Conv2d, nn.BatchNorm2d, nn.ReLU, nn.MaxPool2d, nn.Sequential and nn.Linear (or
your own versions). BlockGroup is your own, imported from the block_group exercise (and
its ResidualBlock from residual_block): if one of them is wrong, this check says which.
"""

import torch
from torch import nn

from mlkata.exercises.block_group import BlockGroup  # yours, from exercise block_group


class ResNet34(nn.Module):
    def __init__(
        self,
        n_blocks_per_group=[3, 4, 6, 3],
        out_features_per_group=[64, 128, 256, 512],
        strides_per_group=[1, 2, 2, 2],
        n_classes=1000,
    ):
        super().__init__()
        # TODO: self.in_layers, self.residual_layers, self.out_layers.
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, 3, height, width) -> (batch, n_classes)."""
        # TODO
        raise NotImplementedError
