import torch

from mlkata.checking import context
from mlkata.checking.gpt2 import draw_tokens, expect_distribution

# Sorted: 0.30 (id 3), 0.22 (id 6), 0.16 (id 0), 0.12 (id 5), 0.09 (id 1), 0.06 (id 7), 0.03 (id 2), 0.02 (id 4);
# cumulative: 0.30, 0.52, 0.68, 0.80, 0.89, 0.95, 0.98, 1.00.
PROBS = torch.tensor([0.16, 0.09, 0.03, 0.30, 0.02, 0.12, 0.22, 0.06], dtype=torch.float64)
# The curriculum's example: (0.4, 0.3, 0.2, 0.1) with top_p = 0.71 keeps three tokens.
SMALL = torch.tensor([0.1, 0.4, 0.2, 0.3], dtype=torch.float64)
MARGIN = 1e-6  # every top_p is at least this far from every cumulative sum


def cases():
    """(description, logits, top_p, min_tokens_to_keep, draws, seed)."""
    yield "float64 logits, vocab 8", PROBS.log() + 1.2345, 0.6, 1, 300, 1
    yield "float64 logits, vocab 4 (probabilities 0.1, 0.4, 0.2, 0.3)", SMALL.log(), 0.71, 1, 300, 3
    yield "float64 logits, vocab 8", PROBS.log() - 0.5, 0.75, 1, 200, 2
    yield "float64 logits, vocab 8", PROBS.log(), 0.1, 3, 150, 4


def kept(probs: torch.Tensor, ids: list[int]) -> torch.Tensor:
    out = torch.zeros_like(probs)
    out[ids] = probs[ids]
    return out / out.sum()


def prefix_length(sorted_probs: torch.Tensor, top_p: float, inclusive: bool = True) -> int:
    """How many of the sorted probabilities the smallest prefix with mass >= top_p holds (or, not inclusive, mass <= top_p)."""
    cumulative = sorted_probs.cumsum(-1)
    assert bool(((cumulative - top_p).abs() >= MARGIN).all()), "top_p too close to a cumulative sum"
    reached = int((cumulative < top_p).sum()) + 1 if inclusive else int((cumulative <= top_p).sum())
    return min(reached, len(sorted_probs))


def check(learner):
    for description, logits, top_p, min_keep, draws, seed in cases():
        probs = logits.softmax(-1)
        V = len(probs)
        order = probs.argsort(descending=True).tolist()
        n_keep = max(prefix_length(probs[order], top_p), min_keep)
        expected = kept(probs, order[:n_keep])
        ascending = probs.argsort().tolist()
        n_exclusive = max(prefix_length(probs[order], top_p, inclusive=False), min_keep)
        mistakes = [
            (f"the token that takes the mass past top_p is left out ({n_exclusive} kept instead of {n_keep})",
             kept(probs, order[:n_exclusive]),
             "Keep the smallest prefix of the sorted probabilities whose sum is >= top_p: the token that crosses "
             "top_p is kept (MLAB's instructions, ARENA, HuggingFace; MLAB's own reference drops it)."),
            ("the probabilities are sorted in ascending order: the least likely tokens are kept",
             kept(probs, ascending[: max(prefix_length(probs[ascending], top_p), min_keep)]),
             "Sort with descending=True: top-p keeps the most likely tokens."),
            ("returns the position in the sorted order, not the token id",
             _at_positions(probs[order[:n_keep]] / probs[order[:n_keep]].sum(), V),
             "sort() returns the sorted values and the token ids they came from: return ids[sampled position]."),
        ]
        if min_keep > 1:
            mistakes.append((f"min_tokens_to_keep = {min_keep} is ignored",
                             kept(probs, order[: prefix_length(probs[order], top_p)]),
                             "Keep at least min_tokens_to_keep tokens, however few top_p alone would keep."))
        call = f"sample_top_p(logits, {top_p}" + (f", min_tokens_to_keep={min_keep})" if min_keep != 1 else ")")
        with context(f"{call}, logits: {description}, probabilities {[round(p, 3) for p in probs.tolist()]}; "
                     f"{draws} draws after torch.manual_seed({seed})"):
            args = (logits, top_p) if min_keep == 1 else (logits, top_p, min_keep)
            tokens = draw_tokens(learner, "sample_top_p", args, draws, seed)
            expect_distribution(
                tokens, expected, what=call, mistakes=mistakes,
                support=f"Only these {n_keep} tokens may be drawn: {sorted(order[:n_keep])} (the smallest set of most "
                        f"likely tokens whose probabilities add up to at least {top_p}).",
            )


def _at_positions(values: torch.Tensor, size: int) -> torch.Tensor:
    out = torch.zeros(size, dtype=torch.float64)
    out[: len(values)] = values
    return out
