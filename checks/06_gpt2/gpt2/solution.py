from typing import Any, Optional

import torch
from torch import nn

from mlkata.exercises.gpt2_block import GPT2Block
from mlkata.given.gpt2 import GPTConfig


class GPT2(nn.Module):
    token_embedding: nn.Embedding
    pos_embedding: nn.Embedding
    ln: nn.LayerNorm
    blocks: nn.ModuleList

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.vocab_size = config.vocab_size
        self.token_embedding = nn.Embedding(config.vocab_size, config.hidden_size)
        self.pos_embedding = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(
            GPT2Block(
                config.hidden_size,
                config.num_heads,
                config.dropout,
                config.layer_norm_epsilon,
                config.activation_function,
            )
            for _ in range(config.num_layers)
        )
        self.ln = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_epsilon)

    def forward(self, x: torch.Tensor, cache: Optional[Any] = None) -> torch.Tensor:
        B, T = x.shape
        pos = torch.arange(T, device=x.device)  # (T,), the same positions for every row
        h = self.dropout(self.token_embedding(x) + self.pos_embedding(pos))  # (B, T, C)
        for block in self.blocks:
            h = block(h)
        h = self.ln(h)
        return torch.einsum("btc,vc->btv", h, self.token_embedding.weight)  # (B, T, vocab_size)
