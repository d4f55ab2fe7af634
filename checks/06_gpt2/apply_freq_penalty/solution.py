import torch


def apply_freq_penalty(input_ids: torch.Tensor, logits: torch.Tensor, freq_penalty: float) -> torch.Tensor:
    """input_ids: (seq,), logits: (vocab_size,) -> (vocab_size,)"""
    (V,) = logits.shape
    counts = torch.bincount(input_ids, minlength=V)  # (V,): how often each token occurs
    return logits - freq_penalty * counts
