"""evaluate: the average loss of a model on held-out data, changing nothing.

`evaluate(model, dataloader) -> float`

- Put the model in eval mode first, `model.eval()`: Dropout stops dropping (and
  BatchNorm uses its running statistics). The check's model has a Dropout layer and
  arrives in training mode.
- Track no gradients: run the forward passes under `with torch.inference_mode():`
  (torch.no_grad() is accepted too). Nothing is trained: no optimizer, no backward.
- Return the average F.l1_loss per example, as a Python float: each batch's mean loss
  weighted by the number of examples in it, summed, divided by the number of examples.
  The last batch is usually smaller.

The model's parameters and gradients are left as they were.
"""

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

device = torch.device("cpu")


def evaluate(model: nn.Module, dataloader: DataLoader) -> float:
    """Return the total L1 loss over the provided data divided by the number of examples."""
    # TODO
    raise NotImplementedError
