"""UnidirectionalAttention: GPT-2's causal multi-head self-attention.

`UnidirectionalAttention(hidden_size, num_heads, head_size=None, dropout=0.1)` maps x of
shape (batch, seq, hidden_size) to the same shape. Each position attends to itself and
to the positions before it, never to later ones.

Modules, with these names (the check loads weights into them by name):
- `qkv_proj = nn.Linear(hidden_size, 3 * num_heads * head_size)`; head_size defaults to
  hidden_size // num_heads. Its output is [q | k | v] along the last dimension, each part
  num_heads * head_size wide (GPT-2's c_attn layout); split the three first, then split each
  into heads, head h owning features h * head_size ... (h + 1) * head_size - 1
  (einops: "batch seq (head dim) -> batch head seq dim").
- `output_proj = nn.Linear(num_heads * head_size, hidden_size)`, applied after the heads'
  outputs are put back side by side.
- `attn_dropout = nn.Dropout(dropout)` on the attention probabilities (after the softmax,
  before multiplying by v); `resid_dropout = nn.Dropout(dropout)` on output_proj's output.

Per head: scores = q @ k^T / sqrt(head_size), shape (seq, seq) for (query, key); where the
key comes after the query set the score to -1e4 (as MLAB; -inf works too), then softmax
over the keys.

`cache` is for a later exercise (kv_cache): ignore it here.

Banned: F.scaled_dot_product_attention and nn.MultiheadAttention (the check compares with
them).
"""

from typing import Any, Optional

import torch
from torch import nn


class UnidirectionalAttention(nn.Module):
    qkv_proj: nn.Linear
    output_proj: nn.Linear
    attn_dropout: nn.Dropout
    resid_dropout: nn.Dropout

    def __init__(self, hidden_size: int, num_heads: int, head_size: Optional[int] = None, dropout: float = 0.1):
        super().__init__()
        # TODO: store the sizes; create qkv_proj, output_proj, attn_dropout and resid_dropout.
        raise NotImplementedError

    def forward(self, x: torch.Tensor, cache: Optional[Any] = None) -> torch.Tensor:
        """x: (batch, seq, hidden_size) -> (batch, seq, hidden_size)"""
        # TODO: q, k, v per head; masked, scaled scores; softmax; dropout; weighted sum of v; output_proj; dropout.
        raise NotImplementedError
