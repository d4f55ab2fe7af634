import torch


def greedy_search(logits: torch.Tensor) -> int:
    """logits: (vocab_size,) -> the most likely token; the smallest id on ties."""
    return int(logits.argmax().item())  # argmax returns the first maximal index
