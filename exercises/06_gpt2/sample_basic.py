"""sample_basic: draw the next token from the model's distribution.

`sample_basic(logits)` takes logits of shape (vocab_size,), unnormalised log-probabilities
(any constant can be added to all of them), and returns one token id, as a Python int,
drawn with probability softmax(logits). A logit of -inf means probability 0: that token
is never drawn.

torch.distributions.categorical.Categorical does the drawing (Categorical(logits=...)).
The check seeds torch's random generator, draws many tokens and compares their
frequencies with softmax(logits).
"""

import torch


def sample_basic(logits: torch.Tensor) -> int:
    """logits: (vocab_size,) -> a sampled token id"""
    # TODO
    raise NotImplementedError
