import torch
import torch.nn.functional as F


def cross_entropy_selected(pred: torch.Tensor, target: torch.Tensor, was_selected: torch.Tensor) -> torch.Tensor:
    """pred: (batch, seq, vocab); target, was_selected: (batch, seq) -> mean loss over selected tokens."""
    V = pred.shape[-1]
    selected = was_selected.flatten().bool()  # (B*T,): a boolean mask, never an index list of 0s and 1s
    logits = pred.reshape(-1, V)[selected]  # (n_selected, V)
    labels = target.flatten()[selected]  # (n_selected,)
    return F.cross_entropy(logits, labels)  # mean over the selected; NaN when none is
