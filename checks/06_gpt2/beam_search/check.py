import math

import torch
from torch import nn

from mlkata.checking import CheckFailed, context, expect, load_reference
from mlkata.checking.gpt2 import gpt2_reference_module, seeded, tiny_config
from mlkata.given.gpt2 import CharTokenizer

reference = load_reference(__file__)

SCORE_TOLERANCE = 1e-5  # float32 scores (MLAB's) or float64 ones
BIGRAM_EOS = 5


class BigramModel(nn.Module):
    """A language model whose next-token logits depend only on the last token: table[last]."""

    def __init__(self, table: torch.Tensor):
        super().__init__()
        self.table = nn.Parameter(table, requires_grad=False)  # (V, V)

    def forward(self, x: torch.Tensor, cache=None) -> torch.Tensor:
        return self.table[x]  # (batch, seq) -> (batch, seq, V)


class BigramTokenizer:
    """Token ids 0-4 are the letters a-e, 5 is the end of text."""

    eos_token_id = BIGRAM_EOS

    def __repr__(self) -> str:
        return "BigramTokenizer()"

    def decode(self, ids) -> str:
        return "".join("abcde"[i] if i != BIGRAM_EOS else "<eos>" for i in list(ids))

    def batch_decode(self, batch) -> list[str]:
        return [self.decode(row.tolist()) for row in batch]


def bigram_table(seed: int, scale: float, eos_logit: float | None = None) -> torch.Tensor:
    """A seeded (6, 6) table; the end-of-text column shifted at random, or set to eos_logit."""
    gen = torch.Generator().manual_seed(seed)
    table = torch.randn(6, 6, generator=gen, dtype=torch.float64) * scale
    if eos_logit is None:
        table[:, BIGRAM_EOS] += torch.randn(6, generator=gen, dtype=torch.float64) - 0.5
    else:
        table[:, BIGRAM_EOS] = eos_logit
    return table


def exhaustive(table: torch.Tensor, prompt: list[int], n: int, max_new_tokens: int) -> list[tuple[float, list[int], bool]]:
    """The n most likely complete sequences, by trying them all: (logprob, tokens, finished).

    Complete: ended by the end-of-text token (kept without it) within max_new_tokens, or
    max_new_tokens long. On these tables beam search finds exactly these (the tables were
    chosen so; see tests/test_gpt2_tools.py).
    """
    logprobs = table.log_softmax(-1).tolist()
    complete, frontier = [], [(0.0, list(prompt), False)]
    for _ in range(max_new_tokens):
        extended = []
        for score, tokens, _ in frontier:
            for token, logprob in enumerate(logprobs[tokens[-1]]):
                if token == BIGRAM_EOS:
                    complete.append((score + logprob, tokens, True))
                else:
                    extended.append((score + logprob, tokens + [token], False))
        frontier = extended
    ranked = sorted(complete + frontier, key=lambda item: -item[0])
    assert ranked[n - 1][0] - ranked[n][0] > 1e-3, "the exhaustive answer must be unique"
    return ranked[:n]


# (description, table, prompt, num_return_sequences, num_beams, max_new_tokens)
BIGRAM_CASES = [
    ("no end-of-text token within reach: every answer is max_new_tokens long", bigram_table(0, 1.5, -8.0), [2, 0], 3, 4, 3),
    ("sequences end at the end-of-text token, the better one later", bigram_table(239, 2.0), [1], 3, 3, 4),
    ("one sequence ends at once, the other runs to max_new_tokens", bigram_table(389, 2.0), [0], 2, 3, 4),
]
# (seed, prompt, num_return_sequences, num_beams, max_new_tokens): no sequence ends, then two that do.
GPT_CASES = [(5, "abc", 3, 4, 5), (2, "to be", 2, 3, 6)]


def as_score(value, what: str) -> float:
    if isinstance(value, torch.Tensor) and value.numel() == 1 and value.dtype.is_floating_point:
        return float(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if hasattr(value, "__float__") and not isinstance(value, (torch.Tensor, bool)):
        return float(value)
    raise CheckFailed(f"{what} is {type(value).__name__} {value!r:.60}; expected a float, the sum of log-probabilities")


def as_tokens(value, what: str) -> list[int]:
    if isinstance(value, torch.Tensor) and value.dim() == 1 and not value.dtype.is_floating_point:
        return value.tolist()
    if isinstance(value, (list, tuple)) and all(isinstance(v, int) for v in value):
        return list(value)
    shape = f" of shape {tuple(value.shape)} and dtype {value.dtype}" if isinstance(value, torch.Tensor) else ""
    raise CheckFailed(f"{what} is {type(value).__name__}{shape}; expected a 1-D int64 tensor of token ids",
                      ("Each result is (logprob, tokens), tokens = the prompt followed by the continuation.",))


def expect_beams(got, expected, prompt, eos, decode, *, label, n):
    """got (the learner's result) against expected [(score, tokens, finished)], with the accepted conventions."""
    expect(isinstance(got, (list, tuple)), f"{label} returned {type(got).__name__}; expected a list of (logprob, tokens)")
    expect(len(got) == n, f"{label} returned {len(got)} sequences; expected num_return_sequences = {n}",
           "Return exactly num_return_sequences pairs: pad with the best unfinished beams when fewer have finished.")
    results = []
    for rank, item in enumerate(got):
        expect(isinstance(item, (list, tuple)) and len(item) == 2,
               f"{label}[{rank}] is {type(item).__name__}; expected a pair (logprob, tokens)")
        results.append((as_score(item[0], f"{label}[{rank}][0]"), as_tokens(item[1], f"{label}[{rank}][1]")))
    for rank, (_, tokens) in enumerate(results):
        expect(tokens[: len(prompt)] == list(prompt),
               f"{label}[{rank}]'s tokens do not start with the prompt: {tokens}",
               f"Return the prompt ({list(prompt)}) followed by the continuation, as MLAB does.")
    scores = [score for score, _ in results]
    expect(all(a >= b for a, b in zip(scores, scores[1:])), f"{label} is not sorted best first: logprobs {scores}",
           "Sort by logprob, descending (sorted(..., key=lambda pair: pair[0], reverse=True)).")
    table = [["rank", "expected logprob", "expected tokens", "your logprob", "your tokens"]]
    table += [[str(rank), f"{e_score:.6f}", decode(e_tokens) + (" (finished)" if finished else ""), f"{score:.6f}", decode(tokens)]
              for rank, ((e_score, e_tokens, finished), (score, tokens)) in enumerate(zip(expected, results))]
    for rank, ((score, tokens), (e_score, e_tokens, finished)) in enumerate(zip(results, expected)):
        same_tokens = tokens == e_tokens or (finished and tokens == e_tokens + [eos])
        if not same_tokens:
            raise CheckFailed(f"{label}[{rank}] is {decode(tokens)!r}; expected {decode(e_tokens)!r}",
                              ("The sum of log-probabilities decides; candidates come from the best 2 * num_beams; a "
                               "candidate ending in EOS is finished and leaves the beams.",), table)
        if abs(score - e_score) > SCORE_TOLERANCE * max(1.0, abs(e_score)):
            new = len(e_tokens) - len(prompt) + finished
            if any(abs(score - e_score / length) < 1e-6 for length in {new, len(e_tokens) + finished}):
                raise CheckFailed(f"{label}[{rank}]'s logprob {score:.6f} is divided by the length: length normalisation",
                                  ("MLAB's beam search scores a sequence by the plain sum of its tokens' log-probabilities.",), table)
            raise CheckFailed(f"{label}[{rank}]'s logprob is {score:.6f}; expected {e_score:.6f}",
                              ("The logprob is the sum of the log_softmax values of every generated token "
                               "(the EOS token's included for a finished sequence).",), table)


def check(learner):
    for description, table, prompt, n, beams, max_new in BIGRAM_CASES:
        label = f"beam_search(bigram, {prompt}, num_return_sequences={n}, num_beams={beams}, max_new_tokens={max_new})"
        model = BigramModel(table).eval()
        with context(f"a bigram model (logits = table[last token], vocab a-e and <eos>) where every sequence can be "
                     f"scored: {description}"):
            got = learner.beam_search(model, torch.tensor(prompt), n, beams, max_new, BigramTokenizer())
            expected = exhaustive(table, prompt, n, max_new)
            expect_beams(got, expected, prompt, BIGRAM_EOS, BigramTokenizer().decode, label=label, n=n)

    tokenizer = CharTokenizer()
    gpt2_reference = gpt2_reference_module(__file__)
    for seed, prompt, n, beams, max_new in GPT_CASES:
        model = seeded(gpt2_reference.GPT2(tiny_config()), seed).double().eval()
        ids = torch.tensor(tokenizer(prompt).input_ids)
        label = f"beam_search(gpt2, {prompt!r}, num_return_sequences={n}, num_beams={beams}, max_new_tokens={max_new})"
        with context(f"a tiny random GPT2 (float64, eval mode), the character tokenizer, prompt {prompt!r}"):
            got = learner.beam_search(model, ids, n, beams, max_new, tokenizer)
            expected = [
                (score, tokens.tolist(), _finished(model, tokens, score, len(ids), tokenizer.eos_token_id))
                for score, tokens in reference.beam_search(model, ids, n, beams, max_new, tokenizer)
            ]
            expect_beams(got, expected, ids.tolist(), tokenizer.eos_token_id, tokenizer.decode, label=label, n=n)


def _finished(model, tokens, score, prompt_length, eos) -> bool:
    """Whether the sequence ended with EOS: its score then includes the EOS token's log-probability."""
    with torch.no_grad():
        logprobs = model(tokens[None])[0].log_softmax(-1)  # (T, V)
    steps = range(prompt_length, len(tokens))
    plain = sum(float(logprobs[t - 1, tokens[t]]) for t in steps)
    return not math.isclose(plain, score, abs_tol=1e-9)
