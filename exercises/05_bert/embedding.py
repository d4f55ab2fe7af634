"""Embedding: a lookup table of vectors, one row per token id, like nn.Embedding.

`Embedding(num_embeddings, embedding_dim)`:
- keeps num_embeddings and embedding_dim as attributes;
- registers one parameter, `weight`, of shape (num_embeddings, embedding_dim), drawn from
  a normal distribution with mean 0 and standard deviation 0.02 (MLAB's and BERT's
  initialisation; nn.Embedding's own default is std 1);
- forward(x): x holds integer ids of any shape (*) — (batch, seq) in BERT, but also 1-D or
  0-d — and the result has shape (*, embedding_dim): row x[i, j] of weight at [i, j].
  Index the weight directly; do not build one-hot vectors (that works but is slow).
  The result must stay connected to `weight` for autograd (no .data, no .detach());
  an id used twice gets both gradients.
- extra_repr() returns "num_embeddings, embedding_dim", so repr(Embedding(10, 20)) is
  "Embedding(10, 20)", exactly like repr(nn.Embedding(10, 20)).

Banned: F.embedding, nn.Embedding and torch.embedding.
"""

import torch
from torch import nn


class Embedding(nn.Module):
    num_embeddings: int
    embedding_dim: int
    weight: nn.Parameter

    def __init__(self, num_embeddings: int, embedding_dim: int):
        super().__init__()
        # TODO: keep the sizes; create weight ~ N(0, 0.02).
        raise NotImplementedError

    def forward(self, x: torch.LongTensor) -> torch.Tensor:
        """For each integer in the input, return that row of the embedding: (*) -> (*, embedding_dim)."""
        # TODO
        raise NotImplementedError

    def extra_repr(self) -> str:
        # TODO: "num_embeddings, embedding_dim", as nn.Embedding shows them.
        raise NotImplementedError
