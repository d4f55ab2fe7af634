import torch


def to_grid(X: torch.Tensor, Y: torch.Tensor, width: int, height: int) -> torch.Tensor:
    cols_rows = ((X + 1.0) / 2.0 * torch.tensor([width, height]) + 0.5).long()  # (N, 2): nearest integers
    cols, rows = cols_rows[:, 0], cols_rows[:, 1]  # (N,), (N,)
    grid = torch.zeros((height, width, 3))  # (H, W, 3)
    grid[rows, cols] = (Y + 1.0) / 2.0
    return grid
