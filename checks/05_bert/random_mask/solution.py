import torch


def random_mask(
    input_ids: torch.Tensor,
    mask_token_id: int,
    vocab_size: int,
    select_frac: float = 0.15,
    mask_frac: float = 0.80,
    random_frac: float = 0.10,
) -> tuple[torch.Tensor, torch.Tensor]:
    """input_ids: (batch, seq) -> (model_input, was_selected), both (batch, seq)."""
    B, T = input_ids.shape
    n = B * T
    n_select = int(n * select_frac)
    n_mask = int(n_select * mask_frac)
    n_random = int(n_select * random_frac)
    order = torch.randperm(n, device=input_ids.device)  # one shuffle: disjoint slices of it
    selected = order[:n_select]
    masked = selected[:n_mask]
    randomised = selected[n_mask : n_mask + n_random]  # the rest of selected stays as it was

    model_input = input_ids.flatten().clone()  # (B*T,), never the caller's tensor
    model_input[masked] = mask_token_id
    model_input[randomised] = torch.randint(0, vocab_size, (n_random,), device=input_ids.device, dtype=input_ids.dtype)
    was_selected = torch.zeros(n, dtype=torch.int64, device=input_ids.device)
    was_selected[selected] = 1
    return model_input.view(B, T), was_selected.view(B, T)
