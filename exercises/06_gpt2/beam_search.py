"""beam_search: the most likely continuations, num_beams at a time.

`beam_search(model, input_ids, num_return_sequences, num_beams, max_new_tokens, tokenizer,
verbose=False)` returns num_return_sequences pairs (logprob, tokens), best first:

- tokens: a 1-D int64 tensor, the prompt (input_ids, shape (seq,)) followed by the
  continuation;
- logprob: a float, the sum of the log-probabilities of the continuation's tokens (no
  length normalisation, unlike HuggingFace's default).

The algorithm (MLAB's):
1. Start with one beam, the prompt, of score 0.
2. Each step, run the model on all beams at once, model(beams) with beams (num_beams, seq)
   -> logits (num_beams, seq, vocab); take log_softmax of the last position. A candidate is a
   beam plus one token, scored beam score + that token's log-probability. Flatten the
   candidates to (num_beams * vocab,) and take the best 2 * num_beams (entry i extends beam
   i // vocab with token i % vocab).
3. Go through them from best to worst: a candidate ending in tokenizer.eos_token_id is
   finished (store it WITHOUT the EOS token, with its score, which includes the EOS token's
   log-probability); any other candidate becomes a beam of the next step, until there are
   num_beams of them. Why 2 * num_beams: at most one candidate per beam is an EOS, so the
   beam can always be filled.
4. Stop as soon as num_return_sequences sequences are finished, or after max_new_tokens
   steps. If fewer have finished, add the best unfinished beams, as many as are missing.
5. Return them sorted by logprob, best first, num_return_sequences of them.

Conventions the check also accepts: finished sequences that keep their EOS token; scores in
float32 (MLAB's reference) or float64 (within 1e-5). Its cases are chosen so that two other
common readings give the same answer: at the end, taking the best num_return_sequences of
finished and unfinished together (HuggingFace) instead of padding; and counting an EOS
candidate only within the first num_beams ranks (HuggingFace).

The model may be any callable with GPT2's interface (the check uses a tiny random GPT2 and
a bigram model whose logits depend only on the last token). Run it under
torch.inference_mode() or torch.no_grad(); it is already in eval mode. verbose=True may
print the beams after each step (tokenizer.batch_decode).
"""

import torch


def beam_search(
    model,
    input_ids: torch.Tensor,
    num_return_sequences: int,
    num_beams: int,
    max_new_tokens: int,
    tokenizer,
    verbose=False,
) -> list[tuple[float, torch.Tensor]]:
    """input_ids: (seq,) the prompt -> [(logprob, tokens), ...], best first"""
    assert num_return_sequences <= num_beams
    # TODO
    raise NotImplementedError
