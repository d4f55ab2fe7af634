from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from mlkata.exercises.additive_mask import make_additive_attention_mask
from mlkata.exercises.bert_block import BertBlock
from mlkata.exercises.embedding import Embedding
from mlkata.exercises.layer_norm import LayerNorm
from mlkata.given.bert import BertConfig


class BertCommon(nn.Module):
    token_embedding: Embedding
    pos_embedding: Embedding
    token_type_embedding: Embedding
    layer_norm: LayerNorm
    blocks: nn.ModuleList

    def __init__(self, config: BertConfig):
        super().__init__()
        self.token_embedding = Embedding(config.vocab_size, config.hidden_size)
        self.pos_embedding = Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embedding = Embedding(config.type_vocab_size, config.hidden_size)
        self.layer_norm = LayerNorm(config.hidden_size, eps=config.layer_norm_epsilon)
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList([BertBlock(config) for _ in range(config.num_layers)])

    def forward(
        self,
        input_ids: torch.Tensor,
        token_type_ids: Optional[torch.Tensor] = None,
        one_zero_attention_mask: Optional[torch.Tensor] = None,
    ) -> torch.Tensor:
        """input_ids, token_type_ids, one_zero_attention_mask: (batch, seq) -> (batch, seq, hidden_size)."""
        B, T = input_ids.shape
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)  # every token is of type 0
        pos = torch.arange(T, device=input_ids.device)  # (T,): the same positions in every row
        mask = None if one_zero_attention_mask is None else make_additive_attention_mask(one_zero_attention_mask)
        x = self.token_embedding(input_ids) + self.pos_embedding(pos) + self.token_type_embedding(token_type_ids)  # (B, T, C)
        x = self.dropout(self.layer_norm(x))
        for block in self.blocks:
            x = block(x, additive_attention_mask=mask)
        return x


class BertLanguageModel(nn.Module):
    common: BertCommon
    lm_linear: nn.Linear
    lm_layer_norm: LayerNorm
    unembed_bias: nn.Parameter

    def __init__(self, config: BertConfig):
        super().__init__()
        self.common = BertCommon(config)
        self.lm_linear = nn.Linear(config.hidden_size, config.hidden_size)
        self.lm_layer_norm = LayerNorm(config.hidden_size, eps=config.layer_norm_epsilon)
        self.unembed_bias = nn.Parameter(torch.zeros(config.vocab_size))

    def forward(
        self,
        input_ids: torch.Tensor,
        token_type_ids: Optional[torch.Tensor] = None,
        one_zero_attention_mask: Optional[torch.Tensor] = None,
    ) -> torch.Tensor:
        """(batch, seq) ids -> (batch, seq, vocab_size) logits."""
        x = self.common(input_ids, token_type_ids, one_zero_attention_mask)  # (B, T, C)
        x = self.lm_layer_norm(F.gelu(self.lm_linear(x)))  # (B, T, C)
        W_E = self.common.token_embedding.weight  # (V, C): tied, the embedding is the unembedding
        return x @ W_E.T + self.unembed_bias  # (B, T, V)
