"""make_optimizer: AdamW with weight decay on the Linear weights only.

`make_optimizer(model, config_dict)` returns a torch.optim.AdamW over every parameter of
`model` (your BertLanguageModel in MLAB; the check also passes other small models), with
two parameter groups, in this order:
- group 0: the weight of every nn.Linear module (not their biases), with
  weight_decay = config_dict["weight_decay"];
- group 1: every other parameter — biases, LayerNorm and embedding weights, and
  parameters that belong to no submodule, such as BertLanguageModel's unembed_bias —
  with weight_decay = 0.
Decide by module type (isinstance(module, nn.Linear)), not by parameter name: a
LayerNorm's and an embedding's parameters are called "weight" too. Every parameter goes
in exactly one group, once, even when two modules share it (a tied weight):
model.parameters() lists each tensor once; comparing tensors needs `is` or id(), because
`==` on tensors compares their values.
lr and eps come from config_dict["lr"] and config_dict["eps"]; config_dict holds other
keys too (batch_size, epochs, ...), which the optimizer ignores.
"""

import torch
from torch import nn


def make_optimizer(model: nn.Module, config_dict: dict) -> torch.optim.AdamW:
    """
    Loop over model parameters and form two parameter groups:

    - The first group includes the weights of each Linear layer and uses the weight decay in config_dict
    - The second has all other parameters and uses weight decay of 0
    """
    # TODO
    raise NotImplementedError
