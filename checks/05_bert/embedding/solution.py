import torch
from torch import nn


class Embedding(nn.Module):
    num_embeddings: int
    embedding_dim: int
    weight: nn.Parameter

    def __init__(self, num_embeddings: int, embedding_dim: int):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.weight = nn.Parameter(torch.randn(num_embeddings, embedding_dim) * 0.02)  # (V, C), std 0.02

    def forward(self, x: torch.LongTensor) -> torch.Tensor:
        """x: ids of any shape (*) -> (*, embedding_dim)."""
        return self.weight[x]

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"
