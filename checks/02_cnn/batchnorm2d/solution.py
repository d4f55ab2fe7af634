import torch
from torch import nn


class BatchNorm2d(nn.Module):
    running_mean: torch.Tensor  # (C,)
    running_var: torch.Tensor  # (C,)
    num_batches_tracked: torch.Tensor  # ()

    def __init__(self, num_features: int, eps: float = 1e-05, momentum: float = 0.1):
        super().__init__()
        self.eps = eps
        self.momentum = momentum
        self.weight = nn.Parameter(torch.ones(num_features))  # (C,)
        self.bias = nn.Parameter(torch.zeros(num_features))  # (C,)
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, C, H, W = x.shape
        if self.training:
            mean = x.mean(dim=(0, 2, 3))  # (C,)
            var = x.var(dim=(0, 2, 3), unbiased=False)  # (C,), biased: what normalises
            n = B * H * W
            with torch.no_grad():
                m = self.momentum
                self.running_mean.mul_(1 - m).add_(m * mean)
                self.running_var.mul_(1 - m).add_(m * var * n / (n - 1))  # unbiased
                self.num_batches_tracked += 1
        else:
            mean, var = self.running_mean, self.running_var
        x_hat = (x - mean.view(1, C, 1, 1)) / torch.sqrt(var.view(1, C, 1, 1) + self.eps)
        return x_hat * self.weight.view(1, C, 1, 1) + self.bias.view(1, C, 1, 1)
