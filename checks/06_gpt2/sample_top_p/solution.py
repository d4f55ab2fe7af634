import torch


def sample_top_p(logits: torch.Tensor, top_p: float, min_tokens_to_keep: int = 1) -> int:
    """logits: (vocab_size,) -> a token id drawn from the smallest set of most likely tokens with mass >= top_p."""
    sorted_logits, sorted_ids = logits.sort(descending=True, stable=True)  # (V,), (V,)
    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)  # (V,)
    # The first position where the cumulative mass reaches top_p, counted inclusively.
    n_keep = int(torch.searchsorted(cumulative, top_p, side="left").item()) + 1
    n_keep = min(max(n_keep, min_tokens_to_keep), len(logits))  # rounding can leave the total below 1
    keep_ids = sorted_ids[:n_keep]
    index = torch.distributions.categorical.Categorical(logits=logits[keep_ids]).sample()
    return int(keep_ids[index].item())
