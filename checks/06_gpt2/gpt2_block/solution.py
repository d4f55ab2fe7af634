from typing import Any, Optional

import torch
from torch import nn

from mlkata.exercises.unidirectional_attention import UnidirectionalAttention

ACTIVATION_FUNCTIONS = {"relu": nn.ReLU, "gelu": nn.GELU}  # "gelu" is the exact (erf) GELU, as MLAB's


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
        self.ln1 = nn.LayerNorm(hidden_size, eps=layer_norm_epsilon)
        self.attn = UnidirectionalAttention(hidden_size, num_heads, dropout=dropout)
        self.ln2 = nn.LayerNorm(hidden_size, eps=layer_norm_epsilon)
        self.linear1 = nn.Linear(hidden_size, 4 * hidden_size)
        self.nonlinearity = ACTIVATION_FUNCTIONS[activation_function]()
        self.linear2 = nn.Linear(4 * hidden_size, hidden_size)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, cache: Optional[Any] = None) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))  # (B, T, C)
        x = x + self.dropout(self.linear2(self.nonlinearity(self.linear1(self.ln2(x)))))  # (B, T, C)
        return x
