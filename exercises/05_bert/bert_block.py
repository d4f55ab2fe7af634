"""BertAttention and BertBlock: one post-LN transformer encoder layer of BERT.

`BertAttention(config)` registers, under MLAB's names:
- self_attn: your BertSelfAttention (from the bert_self_attention exercise, imported below)
- dropout: nn.Dropout(config.dropout)
- layer_norm: your LayerNorm over hidden_size, eps=config.layer_norm_epsilon
forward(x, additive_attention_mask=None):

    layer_norm(x + dropout(self_attn(x, additive_attention_mask)))

`BertBlock(config)` registers `attention` (a BertAttention) and `mlp` (your BertMLP,
from the bert_mlp exercise). forward(x, additive_attention_mask=None) runs the attention
sublayer, then the MLP sublayer on its output; every sublayer already carries its own
residual connection and LayerNorm.

Shapes: x and the outputs are (batch, seq, hidden_size); additive_attention_mask is
(batch, 1, 1, seq) — 0 at real tokens, -10000 at padding — or None, and must reach
self_attn. BERT is post-LN: each LayerNorm comes after its residual sum. Dropout (use
nn.Dropout) is on in training mode only.
"""

from typing import Optional

import torch
from torch import nn

from mlkata.exercises.bert_mlp import BertMLP  # yours, from exercise bert_mlp
from mlkata.exercises.bert_self_attention import BertSelfAttention  # yours, from exercise bert_self_attention
from mlkata.exercises.layer_norm import LayerNorm  # yours, from exercise layer_norm
from mlkata.given.bert import BertConfig


class BertAttention(nn.Module):
    self_attn: BertSelfAttention
    layer_norm: LayerNorm

    def __init__(self, config: BertConfig):
        super().__init__()
        # TODO
        raise NotImplementedError

    def forward(self, x: torch.Tensor, additive_attention_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """x: (batch, seq, hidden_size) -> (batch, seq, hidden_size)."""
        # TODO
        raise NotImplementedError


class BertBlock(nn.Module):
    attention: BertAttention
    mlp: BertMLP

    def __init__(self, config: BertConfig):
        super().__init__()
        # TODO
        raise NotImplementedError

    def forward(self, x: torch.Tensor, additive_attention_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """x: (batch, seq, hidden_size) -> (batch, seq, hidden_size)."""
        # TODO
        raise NotImplementedError
