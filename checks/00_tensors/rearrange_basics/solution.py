import einops
import torch


def rearrange_1() -> torch.Tensor:
    numbers = torch.arange(3, 9)  # (6,): 3 .. 8
    return einops.rearrange(numbers, "(row col) -> row col", col=2)  # (3, 2)


def rearrange_2() -> torch.Tensor:
    numbers = torch.arange(1, 7)  # (6,): 1 .. 6
    return einops.rearrange(numbers, "(row col) -> row col", row=2)  # (2, 3)


def rearrange_3() -> torch.Tensor:
    numbers = torch.arange(1, 7)  # (6,)
    return einops.rearrange(numbers, "n -> 1 n 1")  # (1, 6, 1)
