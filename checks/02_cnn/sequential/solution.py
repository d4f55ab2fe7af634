import torch
from torch import nn


class Sequential(nn.Module):
    def __init__(self, *modules: nn.Module):
        super().__init__()
        for index, module in enumerate(modules):
            self.add_module(str(index), module)  # children "0", "1", ... as in nn.Sequential

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for module in self._modules.values():
            x = module(x)
        return x
