import torch

from mlkata.checking import context, randn
from mlkata.checking.gpt2 import draw_tokens, expect_distribution

# Token 5 is the likeliest, then 2, then 7: the top 3 are not the ids 0, 1, 2.
PROBS = torch.tensor([0.05, 0.08, 0.22, 0.04, 0.10, 0.30, 0.06, 0.15], dtype=torch.float64)


def kept(probs: torch.Tensor, ids: list[int]) -> torch.Tensor:
    """probs restricted to `ids` and renormalised."""
    out = torch.zeros_like(probs)
    out[ids] = probs[ids]
    return out / out.sum()


def at_positions(values: torch.Tensor, size: int) -> torch.Tensor:
    """values placed at the token ids 0, 1, ...: what returning the position in the top-k gives."""
    out = torch.zeros(size, dtype=torch.float64)
    out[: len(values)] = values
    return out


def cases():
    """(description, logits, top_k, draws, seed): no ties at the k-th largest logit."""
    yield "float64 logits, vocab 8", PROBS.log() + 1.2345, 3, 600, 1
    yield "float64 logits, vocab 8, top_k = 1 (greedy)", PROBS.log() - 3.0, 1, 40, 2
    yield "float32 logits, vocab 6, top_k = 6 (keep everything)", randn(6, seed=3), 6, 400, 3


def check(learner):
    for description, logits, top_k, draws, seed in cases():
        probs = logits.double().softmax(-1)
        order = probs.argsort(descending=True).tolist()
        V = len(logits)
        top = order[:top_k]
        mistakes = [
            (f"returns the position within the top {top_k} (0 to {top_k - 1}), not the token id", at_positions(probs[top] / probs[top].sum(), V),
             "topk gives the values and their token ids: Categorical draws an index into the values, so return indices[that index]."),
            (f"the top {top_k} tokens are drawn uniformly, not in proportion to their probabilities",
             kept(torch.ones(V, dtype=torch.float64), top),
             "Sample from the top-k logits themselves: Categorical(logits=top_logits)."),
        ]
        if top_k < V:
            mistakes.append((f"{top_k + 1} tokens are kept instead of top_k = {top_k}", kept(probs, order[: top_k + 1]),
                             "Keep exactly top_k tokens: logits.topk(top_k)."))
        if top_k > 1:
            mistakes.append((f"{top_k - 1} tokens are kept instead of top_k = {top_k}", kept(probs, order[: top_k - 1]),
                             "Keep exactly top_k tokens: logits.topk(top_k)."))
        with context(f"sample_top_k(logits, {top_k}), logits: {description}; {draws} draws after torch.manual_seed({seed})"):
            tokens = draw_tokens(learner, "sample_top_k", (logits, top_k), draws, seed)
            expect_distribution(
                tokens, kept(probs, top), what=f"sample_top_k(logits, {top_k})", mistakes=mistakes,
                support=f"Only the {top_k} most likely tokens may be drawn (ids {sorted(top)} here).",
            )
