from typing import Optional

import torch
from einops import rearrange

from mlkata.exercises.attention_pattern import BertSelfAttention as AttentionPattern


class BertSelfAttention(AttentionPattern):
    def forward(self, x: torch.Tensor, additive_attention_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """x: (batch, seq, hidden_size); additive_attention_mask: (batch, 1, 1, seq) -> (batch, seq, hidden_size)."""
        scores = self.attention_pattern_pre_softmax(x)  # (B, nh, T, T)
        if additive_attention_mask is not None:
            scores = scores + additive_attention_mask  # broadcast over heads and queries
        att = scores.softmax(dim=-1)  # each query's weights over the keys sum to 1
        v = rearrange(self.project_value(x), "b t (nh hs) -> b nh t hs", nh=self.num_heads)  # (B, nh, T, hs)
        y = att @ v  # (B, nh, T, hs)
        y = rearrange(y, "b nh t hs -> b t (nh hs)")  # heads side by side, as the projections split them
        return self.project_output(y)  # (B, T, hidden_size)
