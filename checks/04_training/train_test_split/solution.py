import torch
from torch.utils.data import TensorDataset


def train_test_split(all_data: TensorDataset, train_frac=0.8, val_frac=0.01, test_frac=0.01) -> list[TensorDataset]:
    N = len(all_data)
    perm = torch.randperm(N)  # (N,): one order for every split
    splits = []
    start = 0
    for frac in (train_frac, val_frac, test_frac):
        size = int(N * frac)
        splits.append(TensorDataset(*all_data[perm[start:start + size]]))
        start += size
    return splits
