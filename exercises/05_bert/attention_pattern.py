"""BertSelfAttention, part 1: the projections and the attention pattern before softmax.

`BertSelfAttention(config)` registers four nn.Linear layers, with biases (BERT's have
them), under MLAB's names:
- project_query, project_key, project_value: hidden_size -> num_heads * head_size;
- project_output: num_heads * head_size -> hidden_size.
head_size comes from `config.head_size`. It is NOT always hidden_size // num_heads: the
check's main config has hidden_size 16, num_heads 2 and head_size 6, so the projections
have 12 outputs.

`attention_pattern_pre_softmax(x)`, x of shape (batch, seq, hidden_size), returns
(batch, head, seq_q, seq_k): pattern[b, h, q, k] = q_vec · k_vec / sqrt(head_size), where
q_vec is head h's slice of project_query(x) at position q and k_vec head h's slice of
project_key(x) at position k.
- Head h owns the h-th block of head_size consecutive outputs of a projection: split
  the last dimension as "(head head_size)", head outermost.
- The scale is 1 / sqrt(head_size) (not of hidden_size).

forward comes in the next exercise (bert_self_attention), which builds on this class.
BertConfig (given) has MLAB's fields: hidden_size, num_heads, head_size, ...

Banned: F.scaled_dot_product_attention and nn.MultiheadAttention. Use the projections,
einops.rearrange (or view/transpose) and einsum (or @).
"""

import torch
from einops import rearrange  # noqa: F401 - rearrange and einsum are the tools of this exercise
from torch import nn

from mlkata.given.bert import BertConfig


class BertSelfAttention(nn.Module):
    project_query: nn.Linear
    project_key: nn.Linear
    project_value: nn.Linear
    project_output: nn.Linear

    def __init__(self, config: BertConfig):
        super().__init__()
        # TODO: keep num_heads and head_size; create the four projections.
        raise NotImplementedError

    def attention_pattern_pre_softmax(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, seq, hidden_size) -> (batch, head, seq_q, seq_k), scaled by 1 / sqrt(head_size).

        pattern[batch, head, q, k] is the match between the query at position q and the key at position k.
        """
        # TODO
        raise NotImplementedError
