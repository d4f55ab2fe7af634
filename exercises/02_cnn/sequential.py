"""Sequential: a container that runs modules one after another.

`Sequential(*modules)` behaves like nn.Sequential: forward(x) passes x through the
first module, its output through the second, and so on, and returns the last output.
With no modules it returns x unchanged.

Register every module as a child under its position as a string: "0", "1", "2", ...
(`self.add_module(str(index), module)`). Registered children are what make the
container a real module: their parameters appear in `parameters()`, their state under
keys like "0.weight" in `state_dict()` (exactly nn.Sequential's keys), and `.eval()` and
`.to()` reach them. A plain Python list of modules does none of that.

`self._modules` is the ordered dict in which nn.Module keeps its registered children.
The same module may be passed more than once: Sequential(layer, nn.ReLU(), layer) runs
layer twice, and registers it under "0" and "2", as nn.Sequential does.

Banned: nn.Sequential and nn.ModuleList.
"""

import torch
from torch import nn


class Sequential(nn.Module):
    def __init__(self, *modules: nn.Module):
        super().__init__()
        # TODO: register each module under the name str(index).
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Chain the registered modules in order, starting from x."""
        # TODO
        raise NotImplementedError
