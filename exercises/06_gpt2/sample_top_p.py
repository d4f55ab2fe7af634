"""sample_top_p: nucleus sampling, among the most likely tokens that make up top_p of the mass.

`sample_top_p(logits, top_p, min_tokens_to_keep=1)` takes logits of shape (vocab_size,)
and returns a token id, as a Python int:

1. sort the probabilities softmax(logits) from largest to smallest;
2. keep the SMALLEST prefix whose probabilities add up to at least top_p: the token that
   takes the running sum to top_p or past it is kept (MLAB's instructions, ARENA and
   HuggingFace do this; MLAB's own reference solution leaves it out, and mlkata follows the
   instructions). For probabilities (0.4, 0.3, 0.2, 0.1) and top_p = 0.71 that is three
   tokens, since 0.4 + 0.3 = 0.7 < 0.71;
3. keep at least min_tokens_to_keep tokens, even if fewer reach top_p; if rounding leaves
   the total just below top_p, keep them all;
4. draw among the kept tokens, with their probabilities renormalised; return the token id
   (not its position in the sorted order).

The check uses float64 logits and thresholds at least 1e-6 away from every running sum, so
`>=` against `>` on the boundary never matters. It seeds torch's random generator and
compares frequencies over many draws.
"""

import torch


def sample_top_p(logits: torch.Tensor, top_p: float, min_tokens_to_keep: int = 1) -> int:
    """logits: (vocab_size,) -> a token id from the top-p nucleus"""
    # TODO
    raise NotImplementedError
