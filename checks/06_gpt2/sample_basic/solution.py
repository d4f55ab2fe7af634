import torch


def sample_basic(logits: torch.Tensor) -> int:
    """logits: (vocab_size,), unnormalised log-probabilities -> a sampled token id."""
    return int(torch.distributions.categorical.Categorical(logits=logits).sample().item())
