import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

device = torch.device("cpu")


def evaluate(model: nn.Module, dataloader: DataLoader) -> float:
    model.to(device)
    model.eval()  # Dropout off
    total_loss = 0.0
    n_examples = 0
    with torch.inference_mode():
        for X, y in dataloader:  # X (B, in_dim), y (B, out_dim); the last B is smaller
            total_loss += F.l1_loss(model(X.to(device)), y.to(device)).item() * len(X)
            n_examples += len(X)
    return total_loss / n_examples
