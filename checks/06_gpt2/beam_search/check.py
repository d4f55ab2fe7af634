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


def expect_beams(got, expected, prompt, eos, decode, *, label, n, scorer=None, max_new=None, variants=()):
    """got (the learner's result) against expected [(score, tokens, finished)], with the accepted conventions.

    scorer(tokens) -> (sum of the continuation's log-probabilities, log-probability of EOS after it, of its
    last token): it names score mistakes. variants: (headline, what that mistake returns, advice).
    """
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
    for rank, (_, tokens) in enumerate(results):
        expect(eos not in tokens[len(prompt):-1],
               f"{label}[{rank}] continues after the end-of-text token: {decode(tokens)!r}",
               "A candidate ending in EOS is finished: store it and do not extend it further.")
    seen = [tuple(tokens[: len(tokens) - (tokens[-1] == eos)]) for _, tokens in results]
    expect(len(set(seen)) == len(seen), f"{label} returns the same sequence more than once: {[decode(t) for t in seen]}",
           "Start with ONE beam, the prompt (beams of shape (1, seq)): num_beams copies of it make every candidate "
           "appear num_beams times.")
    if scorer is not None:
        expect_scores_add_up(results, prompt, eos, decode, scorer, label=label, max_new=max_new)
    for headline, variant, advice in variants:  # as sets: a mistake may tie scores, and ties have no order
        wrong = sorted(tuple(tokens) for _, tokens in variant)
        if sorted(tuple(tokens) for _, tokens in results) == wrong and sorted(tuple(t) for _, t, _ in expected) != wrong:
            raise CheckFailed(f"{label} {headline}", (advice,))
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


def expect_scores_add_up(results, prompt, eos, decode, scorer, *, label, max_new):
    """Each score is the sum of its continuation's log-probabilities (plus EOS's if finished); unfinished ones are full length."""
    close = lambda a, b: abs(a - b) <= SCORE_TOLERANCE * max(1.0, abs(b))  # noqa: E731
    parts = [(score, len(tokens) - len(prompt), scorer(tokens)) for score, tokens in results]
    for steps in (max_new - 1, max_new + 1):
        if parts and all(new == steps and close(score, plain) for score, new, (plain, _, _) in parts):
            raise CheckFailed(
                f"{label} returns unfinished sequences of {steps} new tokens: it runs {steps} steps, not "
                f"max_new_tokens = {max_new}",
                ("One new token per step, max_new_tokens steps: for _ in range(max_new_tokens).",))
    for rank, (score, tokens) in enumerate(results):
        body = tokens[: len(tokens) - (tokens[-1] == eos and len(tokens) > len(prompt))]
        new = len(body) - len(prompt)
        plain, eos_term, last = scorer(body)
        if close(score, plain + eos_term) or (close(score, plain) and new == max_new):
            continue
        if close(score, plain) and new < max_new:
            raise CheckFailed(
                f"{label}[{rank}] ({decode(body)!r}) ended at the end-of-text token, but its logprob {score:.6f} leaves "
                f"out that token's log-probability ({eos_term:.6f})",
                ("A finished candidate is scored like any other: beam score + the EOS token's log-probability; store "
                 "that score with the sequence.",))
        if new > 0 and close(score, last) and not close(last, plain):
            raise CheckFailed(
                f"{label}[{rank}]'s logprob {score:.6f} is only its last token's log-probability",
                ("A candidate's score is its beam's score plus the new token's log-probability: "
                 "(scores[:, None] + logprobs), accumulated step after step.",))
        if new < max_new and not close(score, plain + eos_term) and close(score, plain) is False and eos not in tokens:
            continue


def beam_variant(model, ids, n, num_beams, max_new, eos, *, late_eos=False, position=-1, swapped=False):
    """MLAB's beam search, or a mistake: late_eos also finishes EOS candidates ranked after the num_beams-th beam;
    position 0 reads the first position's logits; swapped splits flat index i as (i % beams, i // beams)."""
    beams, scores, finished = [ids.tolist()], [0.0], []
    for _ in range(max_new):
        with torch.no_grad():
            logprobs = model(torch.tensor(beams))[:, position].double().log_softmax(-1)
        B, V = logprobs.shape
        ranked = sorted(((s + float(lp), b, t) for b, (s, row) in enumerate(zip(scores, logprobs))
                         for t, lp in enumerate(row)), key=lambda c: -c[0])[: 2 * num_beams]
        if swapped:
            ranked = [(score, (b * V + t) % B, (b * V + t) // B) for score, b, t in ranked]
        next_beams = []
        for score, b, t in ranked:
            if t == eos:
                finished.append((score, beams[b]))
            elif len(next_beams) < num_beams:
                next_beams.append((score, beams[b] + [t]))
            if len(next_beams) == num_beams and not late_eos:
                break
        if len(finished) >= n:
            break
        scores, beams = [s for s, _ in next_beams], [b for _, b in next_beams]
    finished += list(zip(scores, beams))[: max(0, n - len(finished))]
    return sorted(finished, key=lambda pair: -pair[0])[:n]


def bigram_scorer(table):
    logprobs = table.log_softmax(-1)

    def score(tokens, prompt_length):
        steps = range(prompt_length, len(tokens))
        plain = sum(float(logprobs[tokens[t - 1], tokens[t]]) for t in steps)
        last = float(logprobs[tokens[-2], tokens[-1]]) if len(tokens) > prompt_length else 0.0
        return plain, float(logprobs[tokens[-1], BIGRAM_EOS]), last

    return score


def gpt_scorer(model, eos):
    def score(tokens, prompt_length):
        with torch.no_grad():
            logprobs = model(torch.tensor([tokens]))[0].double().log_softmax(-1)  # (T, V)
        steps = range(prompt_length, len(tokens))
        plain = sum(float(logprobs[t - 1, tokens[t]]) for t in steps)
        last = float(logprobs[len(tokens) - 2, tokens[-1]]) if len(tokens) > prompt_length else 0.0
        return plain, float(logprobs[-1, eos]), last

    return score


def variants(model, ids, n, beams, max_new, eos):
    """(headline, what that mistake returns, advice) for the mistakes simulated by beam_variant."""
    run = lambda **how: beam_variant(model, ids, n, beams, max_new, eos, **how)  # noqa: E731
    return [
        ("keeps EOS candidates ranked after the num_beams-th beam as finished sequences", run(late_eos=True),
         "Go through the 2 * num_beams candidates best first and stop as soon as num_beams beams are filled: an "
         "EOS candidate ranked after that is dropped, not finished (MLAB and HuggingFace both stop there)."),
        ("uses the logits of the first position, not the last", run(position=0),
         "The next token's distribution is at the last position: model(beams)[:, -1]."),
        ("splits the flat index as (index % num_beams, index // num_beams): beam and token swapped", run(swapped=True),
         "Entry i of the flattened (beams, vocab) scores extends beam i // vocab with token i % vocab."),
    ]


def check(learner):
    for description, table, prompt, n, beams, max_new in BIGRAM_CASES:
        label = f"beam_search(bigram, {prompt}, num_return_sequences={n}, num_beams={beams}, max_new_tokens={max_new})"
        model = BigramModel(table).eval()
        with context(f"a bigram model (logits = table[last token], vocab a-e and <eos>) where every sequence can be "
                     f"scored: {description}"):
            got = learner.beam_search(model, torch.tensor(prompt), n, beams, max_new, BigramTokenizer())
            expected = exhaustive(table, prompt, n, max_new)
            scorer = bigram_scorer(table)
            expect_beams(got, expected, prompt, BIGRAM_EOS, BigramTokenizer().decode, label=label, n=n,
                         scorer=lambda tokens: scorer(tokens, len(prompt)), max_new=max_new,
                         variants=variants(model, torch.tensor(prompt), n, beams, max_new, BIGRAM_EOS))

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
            scorer = gpt_scorer(model, tokenizer.eos_token_id)
            expect_beams(got, expected, ids.tolist(), tokenizer.eos_token_id, tokenizer.decode, label=label, n=n,
                         scorer=lambda tokens: scorer(tokens, len(ids)), max_new=max_new,
                         variants=variants(model, ids, n, beams, max_new, tokenizer.eos_token_id))


def _finished(model, tokens, score, prompt_length, eos) -> bool:
    """Whether the sequence ended with EOS: its score then includes the EOS token's log-probability."""
    with torch.no_grad():
        logprobs = model(tokens[None])[0].log_softmax(-1)  # (T, V)
    steps = range(prompt_length, len(tokens))
    plain = sum(float(logprobs[t - 1, tokens[t]]) for t in steps)
    return not math.isclose(plain, score, abs_tol=1e-9)
