"""GPT2Block: one transformer block of GPT-2, pre-LN.

`GPT2Block(hidden_size, num_heads, dropout, layer_norm_epsilon, activation_function)` maps
x of shape (batch, seq, hidden_size) to the same shape:

    x = x + attn(ln1(x))
    x = x + dropout(linear2(activation(linear1(ln2(x)))))

Modules, with these names (the check loads weights into them by name):
- `ln1`, `ln2 = nn.LayerNorm(hidden_size, eps=layer_norm_epsilon)`, one each;
- `attn = UnidirectionalAttention(hidden_size, num_heads, dropout=dropout)`, yours;
- `linear1 = nn.Linear(hidden_size, 4 * hidden_size)`, `linear2 = nn.Linear(4 * hidden_size, hidden_size)`;
- the activation: "gelu" is the exact GELU, nn.GELU() (as MLAB's; GPT-2 itself uses the tanh
  approximation), "relu" is nn.ReLU();
- a `dropout = nn.Dropout(dropout)` on the MLP's output (the attention has its own two).

The check compares with torch's nn.TransformerEncoderLayer(norm_first=True) given the same
weights and a causal mask, and runs the block in training mode with dropout = 1.

`cache` is for a later exercise (kv_cache): ignore it here.

UnidirectionalAttention is your own, from exercise unidirectional_attention: if it is wrong,
this check fails and says so.
"""

from typing import Any, Optional

import torch
from torch import nn

from mlkata.exercises.unidirectional_attention import UnidirectionalAttention  # yours


class GPT2Block(nn.Module):
    attn: UnidirectionalAttention
    linear1: nn.Linear
    linear2: nn.Linear
    ln1: nn.LayerNorm
    ln2: nn.LayerNorm

    def __init__(
        self,
        hidden_size: int,
        num_heads: int,
        dropout: float,
        layer_norm_epsilon: float,
        activation_function: str,
    ):
        super().__init__()
        # TODO: ln1, attn, ln2, linear1, the activation, linear2, dropout.
        raise NotImplementedError

    def forward(self, x: torch.Tensor, cache: Optional[Any] = None) -> torch.Tensor:
        """x: (batch, seq, hidden_size) -> (batch, seq, hidden_size)"""
        # TODO: the two pre-LN residual branches.
        raise NotImplementedError
