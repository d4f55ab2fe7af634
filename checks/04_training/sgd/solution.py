from collections.abc import Iterable

import torch


class SGD:
    def __init__(self, params: Iterable[torch.nn.Parameter], lr: float, momentum: float, weight_decay: float):
        self.params = list(params)  # a generator would be used up after one step
        self.lr = lr
        self.mu = momentum
        self.wd = weight_decay
        self.b: list[torch.Tensor | None] = [None for _ in self.params]  # momentum buffer per parameter

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        for i, p in enumerate(self.params):
            if p.grad is None:  # took no part in the loss
                continue
            g = p.grad + self.wd * p  # a new tensor: p.grad stays as it is
            if self.mu:
                self.b[i] = g if self.b[i] is None else self.mu * self.b[i] + g
                g = self.b[i]
            p -= self.lr * g  # in place: the model sees it
