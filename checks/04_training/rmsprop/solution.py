from collections.abc import Iterable

import torch


class RMSprop:
    def __init__(
        self,
        params: Iterable[torch.nn.Parameter],
        lr: float,
        alpha: float,
        eps: float,
        weight_decay: float,
        momentum: float,
    ):
        self.params = list(params)
        self.lr = lr
        self.alpha = alpha
        self.eps = eps
        self.wd = weight_decay
        self.mu = momentum
        self.v = [torch.zeros_like(p) for p in self.params]  # running mean of g², per parameter
        self.b = [torch.zeros_like(p) for p in self.params]  # momentum buffer, per parameter

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad + self.wd * p
            self.v[i] = self.alpha * self.v[i] + (1 - self.alpha) * g**2
            d = g / (self.v[i].sqrt() + self.eps)  # eps outside the sqrt
            if self.mu > 0:
                self.b[i] = self.mu * self.b[i] + d
                d = self.b[i]
            p -= self.lr * d
