import torch


def relu_clone_setitem(x: torch.Tensor) -> torch.Tensor:
    out = x.clone()  # a copy we may change; still connected to x for autograd
    out[out < 0] = 0
    return out


def relu_where(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x > 0, x, 0.0)  # a Python scalar keeps x's dtype


def relu_maximum(x: torch.Tensor) -> torch.Tensor:
    return torch.maximum(x, torch.zeros_like(x))


def relu_abs(x: torch.Tensor) -> torch.Tensor:
    # x > 0: (x + x) / 2 = x;  x < 0: (x - x) / 2 = 0
    return (x + x.abs()) / 2


def relu_multiply_bool(x: torch.Tensor) -> torch.Tensor:
    return x * (x > 0)  # True counts as 1, False as 0
