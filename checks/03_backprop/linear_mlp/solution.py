from typing import Optional

import numpy as np

from mlkata.given.autograd import Module, Parameter, Tensor, empty, relu


class Linear(Module):
    weight: Parameter
    bias: Optional[Parameter]

    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = in_features**-0.5
        self.weight = Parameter(empty(out_features, in_features).uniform_(-bound, bound))  # (out, in)
        self.bias = Parameter(empty(out_features).uniform_(-bound, bound)) if bias else None  # (out,)

    def forward(self, x: Tensor) -> Tensor:
        out = x @ self.weight.T  # (B, in) @ (in, out) -> (B, out)
        return out if self.bias is None else out + self.bias

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class MLP(Module):
    def __init__(self):
        super().__init__()
        self.linear1 = Linear(28 * 28, 64)
        self.linear2 = Linear(64, 64)
        self.output = Linear(64, 10)

    def forward(self, x: Tensor) -> Tensor:
        x = x.reshape((x.shape[0], 28 * 28))  # (B, 28, 28) -> (B, 784)
        x = relu(self.linear1(x))  # (B, 64)
        x = relu(self.linear2(x))  # (B, 64)
        return self.output(x)  # (B, 10)
