"""greedy_search: the most likely next token.

`greedy_search(logits)` takes logits of shape (vocab_size,) and returns the id of the
largest one as a Python int (not a tensor). When several tokens tie for the maximum, return
the smallest id: the result is then deterministic and easy to test.

Sampling with temperature 0 is greedy search (see sample_next_token in exercise kv_cache).
"""

import torch


def greedy_search(logits: torch.Tensor) -> int:
    """logits: (vocab_size,) -> the most likely token id"""
    # TODO
    raise NotImplementedError
