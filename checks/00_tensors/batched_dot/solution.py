import torch


def batched_dot_product_nd(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    # a, b: (batch, ...); every axis but the batch is missing on the right, so it is summed
    return torch.einsum("b...,b...->b", a, b)  # (batch,)
