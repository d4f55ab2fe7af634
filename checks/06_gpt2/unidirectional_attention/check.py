import functools

import torch

from mlkata.checking import Mistake, context, expect, expect_close, expect_matches, load_reference, randn
from mlkata.checking.gpt2 import (
    F64, LOOSE, TIGHT, attention, attention_mistakes, copy_state, expect_dropout, expect_eval_is_deterministic, seeded,
)

reference = load_reference(__file__)

LAYOUT = (
    "Layout: qkv_proj = nn.Linear(hidden_size, 3 * num_heads * head_size), output_proj = "
    "nn.Linear(num_heads * head_size, hidden_size), attn_dropout and resid_dropout = nn.Dropout(dropout); "
    "head_size defaults to hidden_size // num_heads."
)
# (hidden_size, num_heads, head_size, [(batch, seq), ...]): main shapes first, edge sizes last.
SETTINGS = [
    (32, 4, None, [(2, 7), (3, 16), (1, 2), (4, 1)]),
    (32, 4, 5, [(2, 9)]),
    (24, 3, None, [(3, 5)]),
]


def build(learner, hidden_size, num_heads, head_size, dropout, seed):
    """The learner's attention and the reference, with the same seeded weights."""
    label = f"UnidirectionalAttention({hidden_size}, {num_heads}" + (f", head_size={head_size}" if head_size else "") + f", dropout={dropout})"
    kwargs = {"head_size": head_size} if head_size else {}
    model = learner.UnidirectionalAttention(hidden_size, num_heads, dropout=dropout, **kwargs)
    ref = seeded(reference.UnidirectionalAttention(hidden_size, num_heads, dropout=dropout, **kwargs), seed)
    with context(label):
        copy_state(model, ref, what=label, layout=LAYOUT)
        expect_dropout(model, "attn_dropout", dropout, what=label)
        expect_dropout(model, "resid_dropout", dropout, what=label)
    return model, ref, label


def check(learner):
    for seed, (hidden_size, num_heads, head_size, shapes) in enumerate(SETTINGS):
        model, ref, label = build(learner, hidden_size, num_heads, head_size, 0.1, seed)
        model.double().eval()
        hs = head_size or hidden_size // num_heads
        state = {name: value.double() for name, value in ref.state_dict().items()}
        mistakes = [Mistake(h, f, a) for h, f, a in attention_mistakes(state, num_heads, hs, hidden_size)]
        for index, (batch, seq) in enumerate(shapes):
            x = randn(batch, seq, hidden_size, seed=100 * seed + index, dtype=F64)
            with context(f"{label} in eval mode, float64, x of shape ({batch}, {seq}, {hidden_size})"):
                if index == 0:
                    expect_eval_is_deterministic(learner, model, x, label)
                expect_matches(
                    functools.partial(learner.call, model, name=label),
                    lambda x: attention(state, x, num_heads, hs),
                    x, what=f"{label}(x)", mistakes=mistakes, **TIGHT,
                )

    with context("UnidirectionalAttention(32, 4) in float32, x of shape (2, 6, 32)"):
        model, ref, label = build(learner, 32, 4, None, 0.1, seed=7)
        model.eval()
        state = ref.state_dict()
        x = randn(2, 6, 32, seed=7)
        got = learner.call(model, x, name=label)
        expect_close(got, attention(state, x, 4, 8), what=f"{label}(x)", **LOOSE)

    check_dropout(learner)


def check_dropout(learner):
    """p = 1 in one dropout and 0 in the other shows where each one is applied."""
    model, ref, label = build(learner, 32, 4, None, 0.5, seed=11)
    model.double().train()
    x = randn(2, 5, 32, seed=12, dtype=F64)
    bias = ref.output_proj.bias.detach().double().expand(2, 5, 32)
    with context(f"{label} in training mode, with attn_dropout.p = 1 and resid_dropout.p = 0"):
        model.attn_dropout.p, model.resid_dropout.p = 1.0, 0.0
        got = learner.call(model, x, name=label)
        expect(
            not (isinstance(got, torch.Tensor) and got.shape == bias.shape and bool((got == 0).all())),
            "with attn_dropout.p = 1 your attention returns zeros: attn_dropout and resid_dropout seem swapped",
            "attn_dropout drops attention probabilities (after the softmax, before multiplying by v); resid_dropout "
            "drops the output of output_proj. With every probability dropped, the heads output zeros and "
            "output_proj returns its bias.",
        )
        expect_close(
            got, bias, what="the output with every attention probability dropped (it should be output_proj.bias everywhere)",
            **TIGHT,
        )
    with context(f"{label} in training mode, with attn_dropout.p = 0 and resid_dropout.p = 1"):
        model.attn_dropout.p, model.resid_dropout.p = 0.0, 1.0
        got = learner.call(model, x, name=label)
        expect_close(
            got, torch.zeros(2, 5, 32, dtype=F64),
            what="the output with resid_dropout.p = 1 (resid_dropout is applied last, so everything is dropped)", **TIGHT,
        )
    with context(f"{label} in eval mode (dropout must do nothing)"):
        model.attn_dropout.p = model.resid_dropout.p = 0.5
        model.eval()
        expect_eval_is_deterministic(learner, model, x, label)
        state = {name: value.double() for name, value in ref.state_dict().items()}
        expect_close(learner.call(model, x, name=label), attention(state, x, 4, 8), what=f"{label}(x) in eval mode", **TIGHT)
