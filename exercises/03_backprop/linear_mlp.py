"""Linear and MLP on mlkata's Module, with zero torch.

`Linear(in_features, out_features, bias=True)`, like nn.Linear:
- `self.weight`: a Parameter of shape (out_features, in_features); `self.bias`: a
  Parameter of shape (out_features,), or None when bias=False. Assign weight first,
  then bias (parameters() yields them in that order, as nn.Linear's).
- both initialised uniformly in [-1/√in_features, 1/√in_features], as nn.Linear does
  (np.random is fine: Tensor.uniform_(low, high) fills a Tensor in place).
- `forward(x)`: x of shape (batch, in_features) -> (batch, out_features),
  x @ weight.T + bias, computed with Tensor operations (the framework's @, .T, +) so
  that the graph records it and backprop reaches weight and bias. mlkata's @ is 2-D only.
- `extra_repr()`: "in_features=3, out_features=4, bias=True", as nn.Linear's, so that
  repr(Linear(3, 4)) is "Linear(in_features=3, out_features=4, bias=True)".

`MLP()`: MLAB's MNIST classifier: `self.linear1 = Linear(28 * 28, 64)`,
`self.linear2 = Linear(64, 64)`, `self.output = Linear(64, 10)`. forward takes x of
shape (batch, 28, 28) or (batch, 784), flattens it to (batch, 784), and applies
linear1, relu, linear2, relu, output (no relu after output): logits (batch, 10).
Use `relu` from mlkata.given.autograd.

Module, Parameter, Tensor, relu and the rest come from mlkata's framework, so only
your two classes are checked here. The check compares them with nn.Linear and an
equivalent torch MLP holding copies of your weights, in float64: outputs and the
gradients of every parameter through mlkata's backprop; parameter shapes, order and
registration; the initialisation bounds; extra_repr. NumPy only: torch is not
available in this section.
"""

from typing import Optional

import numpy as np

from mlkata.given.autograd import Module, Parameter, Tensor, empty, relu


class Linear(Module):
    weight: Parameter
    bias: Optional[Parameter]

    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        """A simple linear (technically, affine) transformation. If `bias` is False, self.bias is None."""
        super().__init__()
        # TODO
        raise NotImplementedError

    def forward(self, x: Tensor) -> Tensor:
        """x: (batch, in_features) -> (batch, out_features)."""
        # TODO
        raise NotImplementedError

    def extra_repr(self) -> str:
        # TODO
        raise NotImplementedError


class MLP(Module):
    def __init__(self):
        super().__init__()
        # TODO: linear1, linear2, output
        raise NotImplementedError

    def forward(self, x: Tensor) -> Tensor:
        """x: (batch, 28, 28) or (batch, 784) -> logits (batch, 10)."""
        # TODO
        raise NotImplementedError
