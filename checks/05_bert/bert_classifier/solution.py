import torch
from torch import nn

from mlkata.exercises.bert_language_model import BertCommon
from mlkata.given.bert import BertClassifierOutput, BertConfig


class BertClassifier(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.common = BertCommon(config)
        self.dropout = nn.Dropout(config.dropout)
        self.pos_linear = nn.Linear(config.hidden_size, 2)
        self.star_linear = nn.Linear(config.hidden_size, 1)

    def forward(self, input_ids: torch.Tensor, one_zero_attention_mask: torch.Tensor) -> BertClassifierOutput:
        """(batch, seq) ids and mask -> is_positive (batch, 2), star_rating (batch,)."""
        x = self.common(input_ids, one_zero_attention_mask=one_zero_attention_mask)  # (B, T, C)
        x = self.dropout(x[:, 0])  # (B, C): the first position only
        is_positive = self.pos_linear(x)  # (B, 2)
        star_rating = 5 * self.star_linear(x).squeeze(-1) + 5  # (B,)
        return BertClassifierOutput(is_positive, star_rating)
