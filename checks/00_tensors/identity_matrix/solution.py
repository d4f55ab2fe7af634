import torch


def identity_matrix(n: int) -> torch.Tensor:
    rows = torch.arange(n)
    return (rows[:, None] == rows[None, :]).float()  # (n, n)
