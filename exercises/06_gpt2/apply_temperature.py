"""apply_temperature: sharpen or flatten the next-token distribution.

`apply_temperature(logits, temperature)` returns logits / temperature, shape (vocab_size,).
A temperature below 1 makes the likely tokens likelier (towards greedy search), above 1
makes the distribution flatter (towards uniform). temperature > 0.

Return a new tensor: the caller's logits must not change (no `/=`).
"""

import torch


def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """logits: (vocab_size,) -> (vocab_size,)"""
    assert temperature > 0
    # TODO
    raise NotImplementedError
