"""LayerNorm: normalise each example over its last dimensions, like nn.LayerNorm.

`LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, device=None, dtype=None)`
behaves like torch.nn.LayerNorm:
- normalized_shape is an int (5), a tuple ((4, 5)) or a torch.Size; an int n means (n,).
  The input x has shape (*, *normalized_shape) and is normalised over its last
  len(normalized_shape) dimensions — all of them, not only the last one.
- y = (x - mean) / sqrt(var + eps) * weight + bias, with the mean and the *biased*
  variance (divide by n, `unbiased=False` / `correction=0`) over those dimensions, and eps
  inside the square root.
- With elementwise_affine=True: parameters `weight` (ones) and `bias` (zeros), both of
  shape normalized_shape, created with the given device and dtype. With
  elementwise_affine=False there are no parameters at all (register them as None:
  `self.register_parameter("weight", None)`) and y is just the normalised x.
- `reset_parameters()` sets weight back to ones and bias to zeros (nn.init.ones_,
  nn.init.zeros_); __init__ calls it.

Gradients must flow through the mean and the variance too (no .detach()).

Banned: F.layer_norm, nn.LayerNorm, torch.layer_norm, torch.native_layer_norm and the
other normalisation functions (group_norm, instance_norm, rms_norm). Build it from mean,
var (or sums), sqrt and broadcasting.
"""

from typing import Union

import torch
from torch import nn


class LayerNorm(nn.Module):
    weight: nn.Parameter
    bias: nn.Parameter

    def __init__(
        self,
        normalized_shape: Union[int, tuple, torch.Size],
        eps: float = 1e-05,
        elementwise_affine: bool = True,
        device=None,
        dtype=None,
    ):
        super().__init__()
        # TODO: keep the shape as a tuple, eps and elementwise_affine; create (or register as None)
        # weight and bias; call reset_parameters().
        raise NotImplementedError

    def reset_parameters(self) -> None:
        """Initialize the weight and bias, if applicable."""
        # TODO
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (*, *normalized_shape) -> the same shape."""
        # TODO
        raise NotImplementedError
