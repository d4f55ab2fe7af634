"""apply_freq_penalty: make tokens that already occurred less likely.

`apply_freq_penalty(input_ids, logits, freq_penalty)` subtracts freq_penalty once for every
occurrence of each token in input_ids:

    result[v] = logits[v] - freq_penalty * (number of times v occurs in input_ids)

input_ids: (seq,) int64 token ids (seq may be 0); logits: (vocab_size,); result:
(vocab_size,). Every id may be absent, including the last ones: the counts must still have
one entry per token of the vocabulary. A negative freq_penalty encourages repetition.

Return a new tensor: the caller's logits must not change.
"""

import torch


def apply_freq_penalty(input_ids: torch.Tensor, logits: torch.Tensor, freq_penalty: float) -> torch.Tensor:
    """input_ids: (seq,), logits: (vocab_size,) -> (vocab_size,)"""
    # TODO: count each token (torch.bincount), then subtract.
    raise NotImplementedError
