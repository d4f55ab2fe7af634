import torch
from einops import rearrange
from torch import nn

from mlkata.given.bert import BertConfig


class BertSelfAttention(nn.Module):
    project_query: nn.Linear
    project_key: nn.Linear
    project_value: nn.Linear
    project_output: nn.Linear

    def __init__(self, config: BertConfig):
        super().__init__()
        self.num_heads = config.num_heads
        self.head_size = config.head_size  # not hidden_size // num_heads: the config says
        inner = config.num_heads * config.head_size  # nh * hs, may be < hidden_size
        self.project_query = nn.Linear(config.hidden_size, inner)
        self.project_key = nn.Linear(config.hidden_size, inner)
        self.project_value = nn.Linear(config.hidden_size, inner)
        self.project_output = nn.Linear(inner, config.hidden_size)

    def attention_pattern_pre_softmax(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, seq, hidden_size) -> (batch, head, seq_q, seq_k), scaled by 1/sqrt(head_size)."""
        q = rearrange(self.project_query(x), "b t (nh hs) -> b nh t hs", nh=self.num_heads)  # (B, nh, T, hs)
        k = rearrange(self.project_key(x), "b t (nh hs) -> b nh t hs", nh=self.num_heads)  # (B, nh, T, hs)
        return q @ k.transpose(-2, -1) / self.head_size**0.5  # (B, nh, T, T)
