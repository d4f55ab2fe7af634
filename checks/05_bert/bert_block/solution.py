from typing import Optional

import torch
from torch import nn

from mlkata.exercises.bert_mlp import BertMLP
from mlkata.exercises.bert_self_attention import BertSelfAttention
from mlkata.exercises.layer_norm import LayerNorm
from mlkata.given.bert import BertConfig


class BertAttention(nn.Module):
    self_attn: BertSelfAttention
    layer_norm: LayerNorm

    def __init__(self, config: BertConfig):
        super().__init__()
        self.self_attn = BertSelfAttention(config)
        self.dropout = nn.Dropout(config.dropout)
        self.layer_norm = LayerNorm(config.hidden_size, eps=config.layer_norm_epsilon)

    def forward(self, x: torch.Tensor, additive_attention_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """x: (batch, seq, hidden_size) -> the same shape. Post-LN: layer_norm(x + attention(x))."""
        y = self.dropout(self.self_attn(x, additive_attention_mask))  # (B, T, C)
        return self.layer_norm(x + y)


class BertBlock(nn.Module):
    attention: BertAttention
    mlp: BertMLP

    def __init__(self, config: BertConfig):
        super().__init__()
        self.attention = BertAttention(config)
        self.mlp = BertMLP(config)

    def forward(self, x: torch.Tensor, additive_attention_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """x: (batch, seq, hidden_size) -> the same shape."""
        return self.mlp(self.attention(x, additive_attention_mask))
