"""train_one_epoch: show every example to the model once, and report the loss.

`train_one_epoch(model, dataloader) -> float`

- Put the model in training mode first, `model.train()`: evaluate() leaves it in eval
  mode, and the check hands you a model in eval mode.
- Create ONE optimizer per call, before the loop: `torch.optim.Adam(model.parameters())`
  with its default settings (lr=0.001). (You build your own Adam later today.)
- For each batch (X, y) of the dataloader: clear the gradients, compute
  `loss = F.l1_loss(model(X), y)` (the mean absolute error over the batch), backpropagate,
  and take an optimizer step.
- Return the average loss per example seen, as a Python float: each batch's loss
  weighted by the number of examples in it, summed, divided by the number of examples.
  The batches need not be equal: the last one is usually smaller.

`device`: MLAB moves X and y with `.to(device)`; here it is the CPU, so that changes
nothing (and is not required).
"""

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

device = torch.device("cpu")


def train_one_epoch(model: nn.Module, dataloader: DataLoader) -> float:
    """Show each example in the dataloader to the model once.

    Use `torch.optim.Adam` for the optimizer and `F.l1_loss(prediction, actual)` for the loss.

    Return: the average loss per example seen, i.e. sum of losses of each batch weighted by the
    size of the batch, divided by the total number of examples seen.
    """
    # TODO
    raise NotImplementedError
