"""BatchNorm2d: normalise each channel, and remember running statistics.

`BatchNorm2d(num_features, eps=1e-5, momentum=0.1)` behaves like nn.BatchNorm2d on
x of shape (batch, channels, height, width), channels == num_features.

What it registers, with nn.BatchNorm2d's names:
- parameters `weight` (ones) and `bias` (zeros), both of shape (num_features,);
- buffers, in this order, with `self.register_buffer(name, tensor)`:
  `running_mean` (zeros), `running_var` (ones), both (num_features,), and
  `num_batches_tracked`, a 0-dimensional int64 tensor holding 0.
  Buffers are saved in state_dict() and move with .to(), but are not trained.

Training mode (`self.training` is True):
- per channel, the mean and the *biased* variance (divide by n) of x over
  batch, height and width (from x - mean: a channel's mean may be large next to its
  spread, and mean(x²) - mean(x)² then loses every digit that matters);
- normalise with them: (x - mean) / sqrt(var + eps) * weight + bias, each per-channel
  vector reshaped to (1, channels, 1, 1) so it broadcasts;
- update the buffers, without tracking gradients (torch.no_grad(), or .detach()):
  running_mean = (1 - momentum) * running_mean + momentum * mean,
  running_var likewise but with the *unbiased* variance (divide by n - 1),
  where n = batch * height * width; num_batches_tracked += 1.

Eval mode (after `.eval()`): normalise with running_mean and running_var; change nothing.

Banned: F.batch_norm, torch.batch_norm and the nn.BatchNorm modules. Build it from
mean, var (or sums), sqrt and broadcasting.
"""

import torch
from torch import nn


class BatchNorm2d(nn.Module):
    running_mean: torch.Tensor  # (num_features,)
    running_var: torch.Tensor  # (num_features,)
    num_batches_tracked: torch.Tensor  # ()

    def __init__(self, num_features: int, eps: float = 1e-05, momentum: float = 0.1):
        super().__init__()
        # TODO: store eps and momentum; create the parameters and register the buffers.
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, channels, height, width) -> the same shape, normalised per channel."""
        # TODO: pick batch or running statistics by self.training; update the buffers in training.
        raise NotImplementedError
