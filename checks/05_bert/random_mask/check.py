import math

import torch

from mlkata.checking import CheckFailed, context, expect
from mlkata.checking.inputs import generator

FIRST_ID = 100  # in the "visible" inputs every id is >= 100 ...
MASK_ID = 99  # ... the mask id is 99 and random ids are < vocab_size <= 60: every replacement shows
DEFAULTS = (0.15, 0.80, 0.10)
# (batch, seq, vocab_size, (select_frac, mask_frac, random_frac) or None for the defaults)
VISIBLE = [
    (4, 25, 60, None),  # 100 tokens: 15 selected, 12 masked, 1 randomised
    (8, 16, 60, (0.85, 0.75, 0.10)),  # MLAB's own test's fractions
    (6, 10, 60, (0.5, 0.5, 0.3)),
    (3, 7, 60, (0.4, 0.0, 1.0)),
    (1, 1, 60, None),  # nothing is selected
]
SPREAD = (6, 10, 6, (0.5, 0.5, 0.4))  # per position: selected 1/2, masked 1/4, randomised 1/5
SPREAD_CALLS = 60
SIGMAS = 6


def rounded(x):
    """The counts the check accepts for x tokens: int() (the stated convention) or rounding."""
    return {int(x), round(x), int(x + 0.5)}


def expected_counts(n, fracs):
    select, mask, rand = fracs
    selects = rounded(n * select)
    masks = set().union(*(rounded(s * mask) for s in selects), rounded(n * select * mask))
    rands = set().union(*(rounded(s * rand) for s in selects), rounded(n * select * rand))
    return selects, masks, rands


def counts_text(values):
    return " or ".join(str(v) for v in sorted(values))


def call_text(shape, vocab_size, fracs):
    args = "" if fracs is None else f", select_frac={fracs[0]}, mask_frac={fracs[1]}, random_frac={fracs[2]}"
    return f"random_mask(input_ids of shape {shape}, mask_token_id={MASK_ID}, vocab_size={vocab_size}{args})"


def call(learner, input_ids, vocab_size, fracs, seed):
    torch.default_generator.manual_seed(seed)  # torch.manual_seed also seeds every other device, slowly
    args = (input_ids, MASK_ID, vocab_size) + (() if fracs is None else fracs)
    result = learner.random_mask(*args)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailed(f"random_mask returned {type(result).__name__}; expected a tuple (model_input, was_selected)",
                          ("Return both tensors: `return model_input, was_selected`.",))
    model_input, was_selected = result
    for name, value in (("model_input", model_input), ("was_selected", was_selected)):
        if not isinstance(value, torch.Tensor):
            raise CheckFailed(f"{name} is a {type(value).__name__}, not a tensor")
        if tuple(value.shape) != tuple(input_ids.shape):
            raise CheckFailed(f"{name} has shape {tuple(value.shape)}; expected {tuple(input_ids.shape)}, the shape of input_ids",
                              ("Flatten to pick positions if you like, then view the result back as (batch, seq).",))
    expect(not model_input.dtype.is_floating_point and model_input.dtype != torch.bool,
           f"model_input has dtype {model_input.dtype}; token ids are integers",
           "Start from input_ids.clone() (int64) and write the replacement ids into it.")
    flags = was_selected.detach().to(torch.float64)
    expect(bool(((flags == 0) | (flags == 1)).all()), "was_selected holds values other than 0 and 1",
           "Mark each position 1 (selected) or 0 (not selected).")
    return model_input, flags == 1


def analyse(input_ids, model_input, selected, vocab_size, fracs, visible=True):
    """The three sets of positions, after checking the counts and how the sets nest."""
    n = input_ids.numel()
    fracs = fracs or DEFAULTS
    selects, masks, rands = expected_counts(n, fracs)
    changed = model_input != input_ids
    masked = model_input == MASK_ID
    randomised = changed & ~masked
    n_sel, n_mask, n_rand = int(selected.sum()), int(masked.sum()), int(randomised.sum())
    want = f"int(n * select_frac) = {counts_text(selects)}, with n = batch * seq = {n}"

    if n_sel not in selects and n_sel > 0 and torch.equal(selected, masked):
        raise CheckFailed(
            f"was_selected marks only the {n_mask} masked tokens; it should mark all {counts_text(selects)} selected tokens",
            ("The randomised tokens and the selected tokens left as they are count too: the loss predicts every one of them.",))
    if n_sel not in selects and n_sel > 0 and torch.equal(selected, changed):
        raise CheckFailed(
            f"was_selected marks only the {n_sel} changed tokens; it should mark all {counts_text(selects)} selected tokens",
            ("The selected tokens that stay as they are count too: the loss predicts them as well.",))
    if fracs[1] > 0 and n_mask in rounded(n * fracs[1]) and n_mask not in masks:
        raise CheckFailed(
            f"{n_mask} tokens are masked: mask_frac is applied to all n = {n} tokens, not to the {counts_text(selects)} selected ones",
            ("Mask int(n_select * mask_frac) of the selected tokens.",))
    if n_sel not in selects:
        raise CheckFailed(
            f"was_selected marks {n_sel} tokens; expected exactly {want}",
            ("Choose exactly n_select positions, e.g. the first n_select of torch.randperm(n): a per-token coin flip "
             "(torch.rand(...) < select_frac) selects a different number every call.",))
    outside = changed & ~selected
    if bool(outside.any()):
        raise CheckFailed(f"{int(outside.sum())} tokens that was_selected marks 0 were changed",
                          ("Only selected tokens are masked or randomised.",))
    if not visible:
        expect(n_mask + n_rand <= max(masks) + max(rands) and n_mask >= min(masks) - max(rands),
               f"{n_mask} tokens are masked and {n_rand} randomised; expected {counts_text(masks)} masked and "
               f"at most {counts_text(rands)} randomised")
        return selected, masked, randomised
    if n_mask + n_rand < min(masks) + min(rands) and n_mask <= max(masks) and n_rand <= max(rands):
        raise CheckFailed(
            f"{n_mask} tokens are masked and {n_rand} randomised, fewer than {counts_text(masks)} + {counts_text(rands)}: "
            "the masked and the randomised tokens overlap",
            ("Split one shuffled list of the selected positions: the first n_mask are masked, the next n_random "
             "randomised. Two independent draws pick some positions twice.",))
    if n_mask not in masks:
        raise CheckFailed(f"{n_mask} tokens are masked; expected exactly int(n_select * mask_frac) = {counts_text(masks)}",
                          ("Mask exactly int(n_select * mask_frac) of the selected positions.",))
    values = model_input[randomised]
    if values.numel() and (int(values.min()) < 0 or int(values.max()) >= vocab_size):
        raise CheckFailed(f"a randomised token is {int(values.max()) if int(values.max()) >= vocab_size else int(values.min())}, "
                          f"outside [0, vocab_size) = [0, {vocab_size})",
                          ("Draw random ids with torch.randint(0, vocab_size, (n_random,)).",))
    if n_rand not in rands:
        raise CheckFailed(f"{n_rand} tokens are randomised; expected exactly int(n_select * random_frac) = {counts_text(rands)}",
                          ("Give exactly int(n_select * random_frac) selected positions, other than the masked ones, a random id.",))
    return selected, masked, randomised


def visible_ids(batch, seq, seed):
    return torch.randint(FIRST_ID, FIRST_ID + 900, (batch, seq), generator=generator(seed))


def check(learner):
    for seed, (batch, seq, vocab_size, fracs) in enumerate(VISIBLE):
        input_ids = visible_ids(batch, seq, seed)
        with context(f"{call_text((batch, seq), vocab_size, fracs)}; the ids are >= {FIRST_ID}, so every replacement shows"):
            model_input, selected = call(learner, input_ids, vocab_size, fracs, seed)
            analyse(input_ids, model_input, selected, vocab_size, fracs)

    batch, seq, vocab_size = 4, 25, 50
    ids = torch.randint(0, vocab_size - 1, (batch, seq), generator=generator(20))
    input_ids = ids + (ids >= 3).long()  # every id in [0, 50) but the mask id 3
    with context(f"random_mask(input_ids of shape {(batch, seq)}, mask_token_id=3, vocab_size={vocab_size}), ids in [0, {vocab_size})"):
        global MASK_ID
        saved, MASK_ID = MASK_ID, 3
        try:
            model_input, selected = call(learner, input_ids, vocab_size, None, 21)
            analyse(input_ids, model_input, selected, vocab_size, None, visible=False)
        finally:
            MASK_ID = saved

    batch, seq, vocab_size, fracs = SPREAD
    input_ids = visible_ids(batch, seq, 30)
    totals = {name: torch.zeros(batch, seq) for name in ("selected", "masked", "randomised")}
    drawn = torch.zeros(vocab_size)
    with context(f"{call_text((batch, seq), vocab_size, fracs)} called {SPREAD_CALLS} times with different seeds"):
        for seed in range(SPREAD_CALLS):
            model_input, selected = call(learner, input_ids, vocab_size, fracs, 1000 + seed)
            sets = analyse(input_ids, model_input, selected, vocab_size, fracs)
            for name, positions in zip(totals, sets):
                totals[name] += positions
            drawn += torch.bincount(model_input[sets[2]], minlength=vocab_size)[:vocab_size].float()
        never = (totals["selected"] == 0).nonzero()
        if len(never):
            raise CheckFailed(
                f"position {[int(i) for i in never[0]]} was never selected in {SPREAD_CALLS} calls; "
                f"each position should be selected in about {SPREAD_CALLS * fracs[0]:.0f}",
                (SPREAD_ADVICE["selected"],))
        n = batch * seq
        shares = dict(zip(totals, (fracs[0], fracs[0] * fracs[1], fracs[0] * fracs[2])))
        for name, p in shares.items():
            expect_spread(totals[name].sum(dim=1), p, seq, "row", name)
            expect_spread(totals[name].sum(dim=0), p, batch, "column", name)
        expect_uniform_ids(drawn, vocab_size)


SPREAD_ADVICE = {
    "selected": "Pick the positions uniformly among all batch * seq tokens: torch.randperm(batch * seq)[:n_select], "
                "on the flattened ids.",
    "masked": "Mask a random part of the selected positions (the first n_mask of the shuffled order), not the first in "
              "sorted order.",
    "randomised": "Randomise a random part of the selected positions (the next n_random of the shuffled order), "
                  "not the last in sorted order.",
}


def expect_spread(totals, p, size, kind, name):
    """Every row (or column) of `size` positions is `name` about p * size * calls times (6 sigma)."""
    mean = p * size * SPREAD_CALLS
    band = SIGMAS * math.sqrt(SPREAD_CALLS * size * p * (1 - p)) + 1
    for index, value in enumerate(totals.tolist()):
        if abs(value - mean) > band:
            raise CheckFailed(
                f"the tokens of {kind} {index} were {name} {int(value)} times in {SPREAD_CALLS} calls; every {kind} "
                f"should get about {mean:.0f} (between {max(0, mean - band):.0f} and {mean + band:.0f})",
                (SPREAD_ADVICE[name],),
            )


def expect_uniform_ids(drawn, vocab_size):
    total = float(drawn.sum())
    p = 1 / vocab_size
    band = SIGMAS * math.sqrt(total * p * (1 - p)) + 1
    for token, count in enumerate(drawn.tolist()):
        if abs(count - total * p) > band:
            raise CheckFailed(
                f"the random replacement id {token} came up {int(count)} times in {int(total)} draws; each id in "
                f"[0, vocab_size) = [0, {vocab_size}) should come up about {total * p:.0f} times",
                ("Draw uniformly from all of [0, vocab_size): torch.randint(0, vocab_size, ...), whose upper end is excluded.",),
            )
