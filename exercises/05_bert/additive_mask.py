"""make_additive_attention_mask: turn a tokenizer's 1/0 attention mask into scores to add.

`make_additive_attention_mask(one_zero_attention_mask, big_negative_number=-10000)`:
- one_zero_attention_mask: (batch, seq), 1 for a real token and 0 for a padding token
  (int64 as a tokenizer returns it, or float);
- returns (batch, 1, 1, seq): 0 where the token is real, big_negative_number where it is
  padding. Added to attention scores of shape (batch, head, seq_q, seq_k), it broadcasts
  over heads and queries and masks KEYS: no query attends to a padding token, and the
  outputs at real tokens no longer depend on what the padding tokens hold.
- Use the big_negative_number you are given; exp(-10000) is already 0 in float32.

Conventions: the reference returns a float tensor (the mask's dtype if it is float, else
torch's default float dtype). The check compares values and shape, not dtype: MLAB's own
formula, (1 - mask) * big_negative_number, gives int64 for an int64 mask, and that adds to
float scores just as well. A (batch, 1, seq, seq) result with the same row for every
query (the shape MLAB's docstring mentions) is accepted too.
"""

import torch


def make_additive_attention_mask(one_zero_attention_mask: torch.Tensor, big_negative_number: float = -10000) -> torch.Tensor:
    """
    one_zero_attention_mask: shape (batch, seq). Contains 1 if this is a valid token and 0 if it is a padding token.
    big_negative_number: Any negative number large enough in magnitude that exp(big_negative_number) is 0.0 for the floating point precision used.

    Out: shape (batch, 1, 1, seq). Contains 0 if attention is allowed, and big_negative_number if it is not allowed.
    """
    # TODO
    raise NotImplementedError
