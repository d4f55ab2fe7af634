import torch


def sample_top_k(logits: torch.Tensor, top_k: int) -> int:
    """logits: (vocab_size,) -> a token id drawn from the top_k most likely tokens."""
    top_logits, top_ids = logits.topk(top_k)  # (k,), (k,)
    index = torch.distributions.categorical.Categorical(logits=top_logits).sample()  # 0 .. k-1
    return int(top_ids[index].item())  # back to a token id
