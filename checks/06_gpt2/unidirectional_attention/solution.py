import math
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
        self.hidden_size = hidden_size
        self.num_heads = num_heads
        self.head_size = hidden_size // num_heads if head_size is None else head_size
        inner = num_heads * self.head_size
        self.qkv_proj = nn.Linear(hidden_size, 3 * inner)  # [q | k | v]
        self.output_proj = nn.Linear(inner, hidden_size)
        self.attn_dropout = nn.Dropout(dropout)
        self.resid_dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, cache: Optional[Any] = None) -> torch.Tensor:
        B, T, C = x.shape
        nh, hs = self.num_heads, self.head_size
        q, k, v = self.qkv_proj(x).split(nh * hs, dim=-1)  # each (B, T, nh * hs)
        q = q.view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        att = q @ k.transpose(-2, -1) / math.sqrt(hs)  # (B, nh, T, T)
        causal = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()  # query i sees keys 0..i
        att = att.masked_fill(~causal, -1e4)
        att = self.attn_dropout(att.softmax(dim=-1))
        y = att @ v  # (B, nh, T, hs)
        y = y.transpose(1, 2).reshape(B, T, nh * hs)  # heads side by side again
        return self.resid_dropout(self.output_proj(y))  # (B, T, C)
