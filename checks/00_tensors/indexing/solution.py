import torch


def classifier_accuracy(scores: torch.Tensor, true_classes: torch.Tensor) -> torch.Tensor:
    predicted = scores.argmax(dim=1)  # (batch,)
    return (predicted == true_classes).float().mean()  # 0-dim


def total_price_indexing(prices: torch.Tensor, items: torch.Tensor) -> float:
    return prices[items].sum().item()  # prices[items]: (n,)


def gather_2d(matrix: torch.Tensor, indexes: torch.Tensor) -> torch.Tensor:
    return matrix.gather(1, indexes)  # (m, k)


def total_price_gather(prices: torch.Tensor, items: torch.Tensor) -> float:
    return prices.gather(0, items).sum().item()  # gather: (n,)


def integer_array_indexing(matrix: torch.Tensor, coords: torch.Tensor) -> torch.Tensor:
    # coords.T is (n, batch): one index tensor per dimension of matrix
    return matrix[tuple(coords.T)]  # (batch,)


def collect_rows(matrix: torch.Tensor, row_indexes: torch.Tensor) -> torch.Tensor:
    return matrix[row_indexes]  # (k, n)


def collect_columns(matrix: torch.Tensor, column_indexes: torch.Tensor) -> torch.Tensor:
    return matrix[:, column_indexes]  # (m, k)
