"""random_mask: choose the tokens a masked language model must predict, as BERT does.

`random_mask(input_ids, mask_token_id, vocab_size, select_frac=0.15, mask_frac=0.80,
random_frac=0.10)`, input_ids of shape (batch, seq), returns (model_input, was_selected),
both (batch, seq):
- of the n = batch * seq tokens, select exactly n_select = int(n * select_frac), chosen
  uniformly at random among ALL n positions (flatten batch and seq; one torch.randperm);
- of the selected tokens, exactly int(n_select * mask_frac) become mask_token_id, and
  exactly int(n_select * random_frac) other ones become a random id drawn uniformly from
  [0, vocab_size) (it may happen to equal the original); the rest of the selected tokens
  stay as they are. The masked and the randomised tokens never overlap;
- model_input is a new tensor (keep input_ids' dtype): never modify input_ids itself;
- was_selected is 1 where a token was selected (masked, randomised or left alone) and 0
  elsewhere: it marks the tokens the loss will look at.

Conventions: counts round down, with int(), as MLAB's reference does; the check also
accepts round(). was_selected is int64 ones and zeros (MLAB); a bool tensor is accepted
too. Use torch's random functions (randperm, randint): the check seeds torch and calls
your function many times, so it can test that every position gets selected about equally
often — exact counts, never a per-token coin flip.
"""

import torch


def random_mask(
    input_ids: torch.Tensor,
    mask_token_id: int,
    vocab_size: int,
    select_frac: float = 0.15,
    mask_frac: float = 0.80,
    random_frac: float = 0.10,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Given a batch of tokens, return a copy with tokens replaced according to Section 3.1 of the paper.

    input_ids: (batch, seq)

    Return: (model_input, was_selected) where:

    model_input: (batch, seq) - a new Tensor with the replacements made, suitable for passing to the BertLanguageModel. Don't modify the original tensor!

    was_selected: (batch, seq) - 1 if the token at this index will contribute to the MLM loss, 0 otherwise
    """
    # TODO
    raise NotImplementedError
