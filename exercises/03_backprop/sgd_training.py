"""Train your MLP with your own autograd: SGD and the training loop.

Everything that runs in training here is yours, from your earlier exercises:
- `MLP` and its `Linear` layers (linear_mlp), `cross_entropy` (autograd_cross_entropy)
  and `NoGrad` (no_grad), imported below;
- `backprop` (backprop), which you call on the loss;
- your back functions: the lines at the end of the imports register them in the
  framework's BACK_FUNCS, the lookup your backprop reads, in place of mlkata's, keyed by
  the forward functions mlkata's Tensor calls. Every gradient of the training is then
  computed by your code (matmul2d for the layers, maximum_relu for relu, getitem_back,
  sum_back and arith_back inside cross_entropy, and so on).
mlkata still provides Tensor and its forward functions, and Parameter and Module (your
Linear was written on them). If an earlier exercise is unfinished, the check says which.

`SGD(params, lr)`, vanilla gradient descent like torch.optim.SGD(params, lr):
- `__init__`: keep the parameters as a list (`params` may be a generator, such as
  model.parameters(), which can be read only once) and the learning rate.
- `zero_grad()`: clear every parameter's gradient (set p.grad to None; zeros are accepted too).
- `step()`: for every parameter that has a gradient, p <- p - lr * p.grad, *in place*
  (`p.add_(p.grad, -self.lr)`), inside `with NoGrad():`. The model holds these same
  Parameter objects: rebinding a name (`p = p - lr * p.grad`) or giving p a new array
  leaves what the model sees unchanged or out of step with anything sharing the array.
  A parameter whose grad is None is left alone (torch skips it). Never change p.grad.

`train(model, train_loader, optimizer, epoch) -> list[float]`: one pass over
train_loader, a list of (data, target) NumPy batches (data (batch, 28, 28) float64,
target (batch,) int64). For each batch: wrap both in Tensors, zero the gradients,
compute the logits, the loss as the *mean* of cross_entropy over the batch
(`cross_entropy(logits, target).sum() / batch`), `backprop(loss)`, and `optimizer.step()`.
Return the list of the batch losses as floats (loss.item()). epoch is only for printing.

The check: SGD alone (in-place updates, lr, zero_grad, a generator of parameters,
parameters without gradients, gradients left unchanged, no tracking during step), then
train on 20 batches of generated 28×28 images, each a blurred blob whose position gives
its class: your losses and, after the 20 steps, every parameter of your MLP must match
a torch MLP that starts from copies of your weights and trains with torch.optim.SGD, in
float64. NumPy only: torch is not available in this section.
"""

from typing import Iterable

import numpy as np

from mlkata.exercises.arith_back import (
    add_back0, add_back1, subtract_back0, subtract_back1, true_divide_back0, true_divide_back1,
)
from mlkata.exercises.autograd_cross_entropy import cross_entropy
from mlkata.exercises.backprop import backprop
from mlkata.exercises.getitem_back import getitem_back
from mlkata.exercises.linear_mlp import MLP
from mlkata.exercises.log_back import log_back
from mlkata.exercises.matmul2d import matmul2d_back0, matmul2d_back1
from mlkata.exercises.maximum_relu import maximum_back0, maximum_back1
from mlkata.exercises.multiply_back import multiply_back0, multiply_back1
from mlkata.exercises.negative_exp_back import exp_back, negative_back
from mlkata.exercises.no_grad import NoGrad
from mlkata.exercises.shape_back import expand_back, permute_back, reshape_back
from mlkata.exercises.sum_back import sum_back
from mlkata.given.autograd import BACK_FUNCS, Parameter, Tensor, _expand, _getitem, _matmul2d, _sum

# Your back functions, in the lookup backprop reads (keyed by mlkata's forward functions).
for forward_fn, position, back_fn in [
    (np.log, 0, log_back), (np.multiply, 0, multiply_back0), (np.multiply, 1, multiply_back1),
    (np.negative, 0, negative_back), (np.exp, 0, exp_back), (np.reshape, 0, reshape_back),
    (np.transpose, 0, permute_back), (_expand, 0, expand_back), (_sum, 0, sum_back), (_getitem, 0, getitem_back),
    (np.add, 0, add_back0), (np.add, 1, add_back1), (np.subtract, 0, subtract_back0), (np.subtract, 1, subtract_back1),
    (np.true_divide, 0, true_divide_back0), (np.true_divide, 1, true_divide_back1),
    (np.maximum, 0, maximum_back0), (np.maximum, 1, maximum_back1),
    (_matmul2d, 0, matmul2d_back0), (_matmul2d, 1, matmul2d_back1),
]:
    BACK_FUNCS.add_back_func(forward_fn, position, back_fn)


class SGD:
    def __init__(self, params: Iterable[Parameter], lr: float):
        """Vanilla SGD with no additional features."""
        # TODO
        raise NotImplementedError

    def zero_grad(self) -> None:
        # TODO
        raise NotImplementedError

    def step(self) -> None:
        # TODO
        raise NotImplementedError


def train(model: MLP, train_loader: list, optimizer: SGD, epoch: int) -> list[float]:
    """One pass over train_loader; returns the loss of every batch."""
    # TODO
    raise NotImplementedError
