"""BertSelfAttention, part 2: forward, with an optional additive attention mask.

Your BertSelfAttention from the attention_pattern exercise (its projections and
attention_pattern_pre_softmax) is imported below; this class adds forward to it.

`forward(x, additive_attention_mask=None)`, x of shape (batch, seq, hidden_size),
returns (batch, seq, hidden_size):
1. scores = self.attention_pattern_pre_softmax(x)  # (batch, head, seq_q, seq_k)
2. if a mask is given, add it to the scores, BEFORE the softmax. It has shape
   (batch, 1, 1, seq_k): 0 for a real token, a large negative number (-10000) for a
   padding token. It broadcasts over heads and queries, so no query attends to padding.
3. softmax over the keys (the last dimension): for every batch, head and query the
   weights sum to 1;
4. weighted sum of the values: project_value(x), split into heads exactly as q and k;
5. merge the heads back with head outermost, "(head head_size)" — the inverse of the
   split — and apply project_output.

No dropout here: BertAttention (a later exercise) adds it.

Banned: F.scaled_dot_product_attention and nn.MultiheadAttention.
"""

from typing import Optional

import torch
from einops import rearrange  # noqa: F401

from mlkata.exercises.attention_pattern import BertSelfAttention as AttentionPattern  # yours, from exercise attention_pattern


class BertSelfAttention(AttentionPattern):
    def forward(self, x: torch.Tensor, additive_attention_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """x: (batch, seq, hidden_size); additive_attention_mask: (batch, 1, 1, seq) or None.

        Return: (batch, seq, hidden_size)
        """
        # TODO
        raise NotImplementedError
