import torch


def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """logits: (vocab_size,) -> (vocab_size,)"""
    assert temperature > 0
    return logits / temperature  # a new tensor: the caller's logits stay as they were
