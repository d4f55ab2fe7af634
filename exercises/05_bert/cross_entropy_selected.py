"""cross_entropy_selected: the masked-language-model loss, over the selected tokens only.

`cross_entropy_selected(pred, target, was_selected)`:
- pred: (batch, seq, vocab_size) logits from the model;
- target: (batch, seq) the original (not masked) token ids;
- was_selected: (batch, seq), 1 where the token counts and 0 elsewhere — int64 as
  random_mask returns it; a bool tensor must work too;
- returns a 0-d tensor: the mean cross-entropy over the selected tokens only (the total
  loss of the selected tokens divided by how many there are). With no token selected
  the mean of nothing is NaN, as F.cross_entropy gives for an empty batch.

The result must be a tensor that backpropagates into pred. Flattening batch and seq
together makes the selection one boolean index; an int64 1/0 tensor used as an index
picks rows 0 and 1 instead, so turn it into bool first (or use ignore_index with a
copy of target — never change target or was_selected in place).
"""

import torch
import torch.nn.functional as F  # noqa: F401


def cross_entropy_selected(pred: torch.Tensor, target: torch.Tensor, was_selected: torch.Tensor) -> torch.Tensor:
    """
    pred: (batch, seq, vocab_size) - predictions from the model
    target: (batch, seq, ) - the original (not masked) input ids
    was_selected: (batch, seq) - 1 if the token at this index will contribute to the MLM loss, 0 otherwise

    Out: the mean loss per predicted token
    """
    # TODO
    raise NotImplementedError
