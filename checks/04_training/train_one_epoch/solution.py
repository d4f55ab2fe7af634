import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

device = torch.device("cpu")


def train_one_epoch(model: nn.Module, dataloader: DataLoader) -> float:
    model.to(device)
    model.train()
    optimizer = torch.optim.Adam(model.parameters())
    total_loss = 0.0
    n_examples = 0
    for X, y in dataloader:  # X (B, in_dim), y (B, out_dim); the last B is smaller
        optimizer.zero_grad()
        loss = F.l1_loss(model(X.to(device)), y.to(device))  # mean over the batch
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(X)
        n_examples += len(X)
    return total_loss / n_examples
