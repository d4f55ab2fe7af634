import torch
from torch import nn


class Linear(nn.Module):
    weight: nn.Parameter
    bias: nn.Parameter | None

    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        bound = 1 / in_features**0.5
        # Uniform in [-bound, bound): rand is uniform in [0, 1).
        self.weight = nn.Parameter((torch.rand(out_features, in_features) * 2 - 1) * bound)  # (out, in)
        self.bias = nn.Parameter((torch.rand(out_features) * 2 - 1) * bound) if bias else None  # (out,)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.einsum("...i,oi->...o", x, self.weight)  # (*, in) -> (*, out)
        if self.bias is not None:
            y = y + self.bias
        return y
