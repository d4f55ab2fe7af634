"""BertMLP: BERT's feed-forward sublayer, with its residual connection and LayerNorm.

`BertMLP(config)` registers, under MLAB's names:
- first_linear: nn.Linear(hidden_size, intermediate_size)
- second_linear: nn.Linear(intermediate_size, hidden_size)
- dropout: nn.Dropout(config.dropout)
- layer_norm: your LayerNorm (from the layer_norm exercise, imported below) over
  hidden_size, with eps=config.layer_norm_epsilon (BERT's 1e-12, not the 1e-5 default).

forward(x), x of shape (batch, seq, hidden_size), returns the same shape:

    layer_norm(x + dropout(second_linear(gelu(first_linear(x)))))

- GELU is the exact one, F.gelu(h) (with erf); not the tanh approximation.
- BERT is post-LN: the LayerNorm comes after the residual sum, not before the MLP.
- Dropout acts on second_linear's output, just before the sum. Use nn.Dropout: it is on
  in training mode and off after .eval(). (With dropout = 1 in training mode the output
  is exactly layer_norm(x).)
"""

import torch
import torch.nn.functional as F  # noqa: F401
from torch import nn

from mlkata.exercises.layer_norm import LayerNorm  # yours, from exercise layer_norm
from mlkata.given.bert import BertConfig


class BertMLP(nn.Module):
    first_linear: nn.Linear
    second_linear: nn.Linear
    layer_norm: LayerNorm

    def __init__(self, config: BertConfig):
        super().__init__()
        # TODO
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, seq, hidden_size) -> (batch, seq, hidden_size)."""
        # TODO
        raise NotImplementedError
