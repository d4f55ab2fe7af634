"""sample_top_k: sample among the k most likely tokens only.

`sample_top_k(logits, top_k)` takes logits of shape (vocab_size,) and returns a token id,
as a Python int, drawn from the top_k tokens with the largest logits, each with its
probability renormalised among them (softmax over their logits); every other token has
probability 0. 1 <= top_k <= vocab_size; top_k = 1 is greedy search.

Keep exactly top_k tokens (the check never has a tie at the k-th largest logit). Return
the token id, not its position among the top k.

Stay in log space: Categorical(logits=...) normalises for you. The check seeds torch's
random generator and compares frequencies over many draws.
"""

import torch


def sample_top_k(logits: torch.Tensor, top_k: int) -> int:
    """logits: (vocab_size,) -> a token id among the top_k most likely"""
    # TODO
    raise NotImplementedError
