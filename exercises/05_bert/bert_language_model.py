"""BertCommon and BertLanguageModel: the whole BERT, from token ids to logits.

`BertCommon(config)` registers, under MLAB's names:
- token_embedding: Embedding(vocab_size, hidden_size)
- pos_embedding: Embedding(max_position_embeddings, hidden_size)
- token_type_embedding: Embedding(type_vocab_size, hidden_size)
- layer_norm: LayerNorm(hidden_size, eps=config.layer_norm_epsilon)
- dropout: nn.Dropout(config.dropout)
- blocks: num_layers BertBlocks in an nn.ModuleList (state_dict keys blocks.0..., blocks.1...)
forward(input_ids, token_type_ids=None, one_zero_attention_mask=None), all (batch, seq):
1. token_type_ids defaults to zeros shaped like input_ids;
2. positions 0, 1, ..., seq - 1 — the same for every row of the batch;
3. x = token_embedding(input_ids) + pos_embedding(positions) + token_type_embedding(token_type_ids);
4. x = dropout(layer_norm(x));
5. the mask, if given, becomes make_additive_attention_mask(one_zero_attention_mask)
   once, and every block gets it: x = block(x, additive_attention_mask=...).
Returns (batch, seq, hidden_size).

`BertLanguageModel(config)` registers common (a BertCommon), lm_linear
(nn.Linear(hidden_size, hidden_size)), lm_layer_norm (LayerNorm, config eps) and
unembed_bias (an nn.Parameter of zeros, shape (vocab_size,)). forward (same arguments)
returns logits (batch, seq, vocab_size):

    h = lm_layer_norm(gelu(lm_linear(common(...))))
    logits = h @ common.token_embedding.weight.T + unembed_bias

The unembedding is tied to the token embedding: use common.token_embedding.weight
itself. No separate unembedding matrix, no copy, no second registration: the check loads
MLAB's state dict strictly, and the embedding's gradient must get both contributions.

Your Embedding, LayerNorm, BertBlock and make_additive_attention_mask come from earlier
exercises (imported below).
"""

from typing import Optional

import torch
import torch.nn.functional as F  # noqa: F401
from torch import nn

from mlkata.exercises.additive_mask import make_additive_attention_mask  # noqa: F401 - yours, from exercise additive_mask
from mlkata.exercises.bert_block import BertBlock  # noqa: F401 - yours, from exercise bert_block
from mlkata.exercises.embedding import Embedding  # yours, from exercise embedding
from mlkata.exercises.layer_norm import LayerNorm  # yours, from exercise layer_norm
from mlkata.given.bert import BertConfig


class BertCommon(nn.Module):
    token_embedding: Embedding
    pos_embedding: Embedding
    token_type_embedding: Embedding
    layer_norm: LayerNorm
    blocks: nn.ModuleList

    def __init__(self, config: BertConfig):
        super().__init__()
        # TODO
        raise NotImplementedError

    def forward(
        self,
        input_ids: torch.Tensor,
        token_type_ids: Optional[torch.Tensor] = None,
        one_zero_attention_mask: Optional[torch.Tensor] = None,
    ) -> torch.Tensor:
        """
        input_ids: (batch, seq) - the token ids
        token_type_ids: (batch, seq) - only used for next sentence prediction.
        one_zero_attention_mask: (batch, seq) - only used in training. See make_additive_attention_mask.
        """
        # TODO
        raise NotImplementedError


class BertLanguageModel(nn.Module):
    common: BertCommon
    lm_linear: nn.Linear
    lm_layer_norm: LayerNorm
    unembed_bias: nn.Parameter

    def __init__(self, config: BertConfig):
        super().__init__()
        # TODO
        raise NotImplementedError

    def forward(
        self,
        input_ids: torch.Tensor,
        token_type_ids: Optional[torch.Tensor] = None,
        one_zero_attention_mask: Optional[torch.Tensor] = None,
    ) -> torch.Tensor:
        """Compute logits for each token in the vocabulary.

        Return: shape (batch, seq, vocab_size)
        """
        # TODO
        raise NotImplementedError
