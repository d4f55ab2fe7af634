"""BertClassifier: BERT with a sentiment head instead of the language-model head.

`BertClassifier(config)` registers, under MLAB's names:
- common: your BertCommon (from the bert_language_model exercise, imported below)
- dropout: nn.Dropout(config.dropout)
- pos_linear: nn.Linear(hidden_size, 2) — logits for negative / positive
- star_linear: nn.Linear(hidden_size, 1) — the star rating
forward(input_ids, one_zero_attention_mask), both (batch, seq), returns
BertClassifierOutput(is_positive, star_rating) (given, imported below):
1. x = common(input_ids, one_zero_attention_mask=one_zero_attention_mask)  # (batch, seq, hidden)
2. keep only the first position, x[:, 0] (BERT's [CLS] token) — not a mean over positions;
3. dropout (on in training mode only);
4. is_positive = pos_linear(x): (batch, 2);
5. star_rating = 5 * star_linear(x) + 5, flattened to shape (batch,) — not (batch, 1).
   (The factor and offset bring a roughly standard normal output near the 1-10 scale.)
"""

import torch
from torch import nn

from mlkata.exercises.bert_language_model import BertCommon  # noqa: F401 - yours, from exercise bert_language_model
from mlkata.given.bert import BertClassifierOutput, BertConfig


class BertClassifier(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        # TODO
        raise NotImplementedError

    def forward(self, input_ids: torch.Tensor, one_zero_attention_mask: torch.Tensor) -> BertClassifierOutput:
        """(batch, seq) ids and 1/0 mask -> is_positive (batch, 2), star_rating (batch,)."""
        # TODO
        raise NotImplementedError
