import functools

import torch

from mlkata.checking import CheckFailed, Mistake, context, expect_close, expect_matches, load_reference
from mlkata.checking.bert import (
    TIGHT,
    additive_mask,
    attention,
    config_text,
    head_size_advice,
    hidden_states,
    learner_module,
    one_zero_mask,
    seeded,
    tiny_config,
)

reference = load_reference(__file__)

FIELDS = ("hidden_size", "num_heads", "head_size")
# (config, batch, seq, real lengths of the rows or None for no mask): main config first.
CASES = [
    (tiny_config(), 3, 6, (6, 4, 1)),
    (tiny_config(), 2, 5, None),
    (tiny_config(num_heads=4, head_size=3), 3, 7, (2, 7, 5)),
    (tiny_config(head_size=8), 2, 4, (3, 4)),
    (tiny_config(), 1, 1, (1,)),
]


def mistakes(state, num_heads):
    def variant(**how):
        return lambda x, additive_attention_mask=None: attention(x, state, num_heads, additive_attention_mask, **how)

    return [
        Mistake(
            "softmax over the queries (dim=-2): the weights of each key sum to 1, not those of each query",
            variant(softmax_dim=-2),
            "Softmax over the last dimension, the keys: pattern[b, h, q] is one query's distribution over keys.",
        ),
        Mistake(
            "the mask is added after the softmax",
            variant(mask_after_softmax=True),
            "Add the mask to the scores and then take the softmax: exp(-10000) is 0, so padded keys get no weight.",
        ),
        Mistake(
            "the padding mask has no effect: queries still attend to padding tokens",
            lambda x, additive_attention_mask=None: attention(x, state, num_heads, None),
            "Add the (batch, 1, 1, seq) mask to the (batch, head, seq_q, seq_k) scores before the softmax; its last "
            "axis lines up with the keys. Laid along the queries (batch, 1, seq, 1) it adds one constant to a whole "
            "row of scores, which the softmax cancels.",
        ),
        Mistake(
            "the heads are merged as \"(head_size head)\": the features of the heads are interleaved",
            variant(merge="head_size head"),
            "Merge with the inverse of the split: rearrange(y, \"b head s head_size -> b s (head head_size)\").",
        ),
    ]


def check(learner):
    for seed, (config, batch, seq, lengths) in enumerate(CASES):
        label = f"BertSelfAttention({config_text(config, FIELDS)})"
        ref = seeded(lambda: reference.BertSelfAttention(config), seed)
        model = learner_module(learner, "BertSelfAttention", config, ref, label="BertSelfAttention",
                               advice=head_size_advice(config))
        state = ref.state_dict()
        x = hidden_states(batch, seq, config.hidden_size, seed=seed, scale=2.0)
        forward = functools.partial(learner.call, model, name="BertSelfAttention")
        if lengths is None:
            with context(f"{label} with copied weights, float64, x of shape {tuple(x.shape)}, no mask"):
                expect_matches(forward, lambda x: attention(x, state, config.num_heads), x,
                               what="the output", mistakes=mistakes(state, config.num_heads), **TIGHT)
            continue
        mask = additive_mask(one_zero_mask(lengths, seq))
        with context(f"{label} with copied weights, float64, x of shape {tuple(x.shape)}, "
                     f"a padding mask of shape {tuple(mask.shape)}: real lengths {list(lengths)}, -10000 at padding"):
            expect_matches(forward, lambda x, additive_attention_mask: attention(x, state, config.num_heads, additive_attention_mask),
                           x, additive_attention_mask=mask, what="the output",
                           mistakes=mistakes(state, config.num_heads), **TIGHT)

    config = CASES[0][0]
    label = f"BertSelfAttention({config_text(config, FIELDS)})"
    ref = seeded(lambda: reference.BertSelfAttention(config), 11)
    model = learner_module(learner, "BertSelfAttention", config, ref, label="BertSelfAttention")
    mask = additive_mask(one_zero_mask((5, 2), 5))
    with context(f"{label}, float64: gradients of the output, with a padding mask"):
        x = hidden_states(2, 5, config.hidden_size, seed=12, scale=2.0).requires_grad_()
        x_ref = x.detach().clone().requires_grad_()
        upstream = hidden_states(2, 5, config.hidden_size, seed=13)
        out = learner.call(model, x, additive_attention_mask=mask, name="BertSelfAttention")
        if not out.requires_grad:
            raise CheckFailed("the output does not track gradients",
                              ("Compute it with torch operations on x and the parameters: no .detach(), .data, "
                               "torch.no_grad() or NumPy on the way.",))
        out.backward(upstream)
        ref(x_ref, mask).backward(upstream)
        expect_close(x.grad, x_ref.grad, what="the gradient of x", **TIGHT)
        for name in ("project_query", "project_value", "project_output"):
            expect_close(getattr(model, name).weight.grad, getattr(ref, name).weight.grad, what=f"{name}.weight.grad", **TIGHT)

    model = model.float()
    state = {name: value.float() for name, value in ref.state_dict().items()}
    x = hidden_states(3, 6, config.hidden_size, seed=14, scale=2.0).float()
    mask = additive_mask(one_zero_mask((6, 4, 1), 6), torch.float32)
    with context(f"{label}.float() with copied weights, float32, a padding mask"):
        expect_matches(functools.partial(learner.call, model, name="BertSelfAttention"),
                       lambda x, additive_attention_mask: attention(x, state, config.num_heads, additive_attention_mask),
                       x, additive_attention_mask=mask, what="the output", rtol=1e-5, atol=1e-5)
