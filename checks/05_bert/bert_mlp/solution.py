import torch
import torch.nn.functional as F
from torch import nn

from mlkata.exercises.layer_norm import LayerNorm
from mlkata.given.bert import BertConfig


class BertMLP(nn.Module):
    first_linear: nn.Linear
    second_linear: nn.Linear
    layer_norm: LayerNorm

    def __init__(self, config: BertConfig):
        super().__init__()
        self.first_linear = nn.Linear(config.hidden_size, config.intermediate_size)
        self.second_linear = nn.Linear(config.intermediate_size, config.hidden_size)
        self.dropout = nn.Dropout(config.dropout)
        self.layer_norm = LayerNorm(config.hidden_size, eps=config.layer_norm_epsilon)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, seq, hidden_size) -> the same shape. Post-LN: layer_norm(x + mlp(x))."""
        h = F.gelu(self.first_linear(x))  # (B, T, intermediate), exact (erf) GELU
        h = self.dropout(self.second_linear(h))  # (B, T, C)
        return self.layer_norm(x + h)
