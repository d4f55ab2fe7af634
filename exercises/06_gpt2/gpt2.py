"""GPT2: token and position embeddings, the blocks, a final layer norm, tied unembedding.

`GPT2(config)` maps token ids x of shape (batch, seq), int64, seq <= max_position_embeddings,
to logits of shape (batch, seq, vocab_size):

    h = dropout(token_embedding(x) + pos_embedding(positions))   positions = 0, 1, ..., seq - 1
    h = block(h) for each block in order
    logits = ln(h) @ token_embedding.weight^T                    (einsum with token_embedding.weight)

Every sequence of the batch has positions 0 .. seq-1.

Modules, with these names (the check loads weights into them by name):
- `token_embedding = nn.Embedding(vocab_size, hidden_size)`,
  `pos_embedding = nn.Embedding(max_position_embeddings, hidden_size)`;
- `dropout = nn.Dropout(config.dropout)` on the summed embeddings;
- `blocks`: config.num_layers GPT2Blocks (yours) in an nn.ModuleList (or nn.Sequential),
  each GPT2Block(hidden_size, num_heads, dropout, layer_norm_epsilon, activation_function);
- `ln = nn.LayerNorm(hidden_size, eps=layer_norm_epsilon)`.
There is no separate output layer: the unembedding reuses token_embedding.weight (tied weights).

`GPTConfig` is MLAB's dataclass, from mlkata.given.gpt2. `cache` is for a later exercise
(kv_cache): ignore it here.

GPT2Block is your own, from exercise gpt2_block: if it is wrong, this check fails and says so.
"""

from typing import Any, Optional

import torch
from torch import nn

from mlkata.exercises.gpt2_block import GPT2Block  # yours
from mlkata.given.gpt2 import GPTConfig


class GPT2(nn.Module):
    token_embedding: nn.Embedding
    pos_embedding: nn.Embedding
    ln: nn.LayerNorm
    blocks: nn.ModuleList

    def __init__(self, config: GPTConfig):
        super().__init__()
        # TODO: the embeddings, dropout, blocks and ln, from config.
        raise NotImplementedError

    def forward(self, x: torch.Tensor, cache: Optional[Any] = None) -> torch.Tensor:
        """x: (batch, seq) int64 token ids -> (batch, seq, vocab_size) logits"""
        # TODO
        raise NotImplementedError
