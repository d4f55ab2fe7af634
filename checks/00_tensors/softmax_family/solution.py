import torch


def batched_logsumexp(matrix: torch.Tensor) -> torch.Tensor:
    row_max = matrix.amax(dim=1, keepdim=True)  # (batch, 1)
    # exp(matrix - row_max) <= 1, and the largest term is exactly 1: no overflow, no log(0)
    return row_max.squeeze(1) + (matrix - row_max).exp().sum(dim=1).log()  # (batch,)


def batched_softmax(matrix: torch.Tensor) -> torch.Tensor:
    shifted = (matrix - matrix.amax(dim=1, keepdim=True)).exp()  # (batch, n), entries in [0, 1]
    return shifted / shifted.sum(dim=1, keepdim=True)  # (batch, n)


def batched_logsoftmax(matrix: torch.Tensor) -> torch.Tensor:
    return matrix - batched_logsumexp(matrix)[:, None]  # (batch, n)
