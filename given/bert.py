"""BERT's configuration and the classifier's output type, shared by the 05_bert exercises.

    from mlkata.given.bert import BertConfig

`BertConfig()` is bert-base-cased (MLAB's defaults: 12 layers, hidden 768, ~110 M
parameters). The checks use tiny configs built with the same fields, for example
`BertConfig(vocab_size=50, intermediate_size=64, hidden_size=16, num_layers=2,
num_heads=2, head_size=6, max_position_embeddings=16, dropout=0.0)`: there
`num_heads * head_size` (12) is less than `hidden_size` (16) on purpose, so code that
assumes `head_size == hidden_size // num_heads` shows up at once.
"""

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class BertConfig:
    """Constants used throughout the BERT model.

    intermediate_size: the number of hidden neurons of the MLP (BertMLP's first_linear).
    head_size: the size of one attention head. In bert-base it happens to equal
        hidden_size // num_heads, but it need not: never assume it.
    type_vocab_size: the number of token types (segment ids 0 and 1, for next
        sentence prediction).
    layer_norm_epsilon: BERT's eps for every LayerNorm (PyTorch's default is 1e-5).
    """

    vocab_size: int = 28996
    intermediate_size: int = 3072
    hidden_size: int = 768
    num_layers: int = 12
    num_heads: int = 12
    head_size: int = 64
    max_position_embeddings: int = 512
    dropout: float = 0.1
    type_vocab_size: int = 2
    layer_norm_epsilon: float = 1e-12


@dataclass(frozen=True)
class BertClassifierOutput:
    """What BertClassifier returns.

    is_positive: (batch, 2) logits for negative / positive.
    star_rating: (batch,) predicted star rating, 5 * y + 5 for the star head's output y.
    """

    is_positive: torch.Tensor
    star_rating: torch.Tensor
