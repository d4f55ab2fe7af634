import torch


def make_additive_attention_mask(one_zero_attention_mask: torch.Tensor, big_negative_number: float = -10000) -> torch.Tensor:
    """one_zero_attention_mask: (batch, seq), 1 for a real token, 0 for padding -> (batch, 1, 1, seq)."""
    B, T = one_zero_attention_mask.shape
    mask = one_zero_attention_mask
    if not mask.is_floating_point():
        mask = mask.to(torch.get_default_dtype())  # int64 ids-style mask -> float32
    additive = (1 - mask) * big_negative_number  # 0 where real, big_negative_number where padding
    return additive.view(B, 1, 1, T)  # broadcasts over heads and queries: it masks keys
