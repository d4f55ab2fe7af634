import dataclasses
import functools

import torch
from torch import nn

from mlkata.checking import CheckFailed, Mistake, context, expect_matches, load_reference, randint
from mlkata.checking.bert import explain_if_smaller_works
from mlkata.checking.gpt2 import (
    TIGHT, config_text, copy_state, expect_built_from_config, expect_eval_is_deterministic, gpt2_logits, seeded,
    tiny_config,
)

reference = load_reference(__file__)

LAYOUT = (
    "Layout: token_embedding = nn.Embedding(vocab_size, hidden_size), pos_embedding = "
    "nn.Embedding(max_position_embeddings, hidden_size), a dropout, blocks (num_layers GPT2Blocks, in an "
    "nn.ModuleList or nn.Sequential), ln = nn.LayerNorm(hidden_size, eps=layer_norm_epsilon). There is no "
    "separate output layer: the logits are the final hidden states times token_embedding.weight."
)
# (config, [(batch, seq), ...]): the main config first; batch == seq shows positions taken from the batch axis.
SETTINGS = [
    (tiny_config(dropout=0.1), [(3, 16), (3, 3), (2, 9), (1, 1)]),
    (tiny_config(num_layers=1, num_heads=2, hidden_size=24, vocab_size=30, max_position_embeddings=8,
                 layer_norm_epsilon=0.1, activation_function="relu"), [(4, 8)]),
]


def build(learner, config, seed):
    label = f"GPT2({config_text(config)})"
    model = learner.GPT2(config)
    ref = seeded(reference.GPT2(config), seed)
    with context(label):
        copy_state(model, ref, what="GPT2", layout=LAYOUT)
        expect_built_from_config(model, config, what="GPT2")
    return model.double(), ref.double(), label


def other_activation(config, ref, seed):
    """The reference with the other activation in every block: what a block built with a fixed one computes."""
    other = "relu" if config.activation_function == "gelu" else "gelu"
    twin = reference.GPT2(dataclasses.replace(config, activation_function=other)).double()
    twin.load_state_dict(ref.state_dict())
    return other, twin.eval()


def expect_dropout_on_embeddings(learner, model, ref, ids):
    """model.dropout is given token_embedding(ids) + pos_embedding(positions), nothing else."""
    dropout = getattr(model, "dropout", None)
    if not isinstance(dropout, nn.Module):
        return
    seen = []
    handle = dropout.register_forward_hook(lambda module, args, out: seen.append(args[0].detach()))
    try:
        learner.call(model, ids, name="GPT2")
    finally:
        handle.remove()
    with torch.no_grad():
        embedded = ref.token_embedding(ids) + ref.pos_embedding(torch.arange(ids.shape[1]))
    if seen and not any(x.shape == embedded.shape and torch.allclose(x, embedded, **TIGHT) for x in seen):
        raise CheckFailed(
            "self.dropout is applied to something else than the summed embeddings",
            ("MLAB's GPT2 drops token_embedding(x) + pos_embedding(positions), before the first block; the blocks "
             "have their own dropouts, and there is none after the last block.",))


def explain_shape_error(learner, model, compare, ids, config):
    """compare(ids); if the model raises, say whether one row, or a shorter sequence, would have worked."""
    batch, seq = ids.shape
    smaller = []
    if batch > 1:
        smaller.append((lambda: model(ids[:1]), f"GPT2 works on a batch of 1 but raises on a batch of {batch}",
                        "ids is (batch, seq): every row has positions 0 .. seq - 1, torch.arange(ids.shape[1]), "
                        "broadcast over the batch — not a count over the batch axis or over all batch * seq tokens."))
    if seq == config.max_position_embeddings:
        smaller.append((lambda: model(ids[:, : seq - 1]),
                        f"GPT2 works on shorter sequences but raises at seq = max_position_embeddings = {seq}",
                        "pos_embedding has rows 0 .. max_position_embeddings - 1: the positions of a sequence are "
                        "torch.arange(seq), which starts at 0 and stays below seq."))
    explain_if_smaller_works(learner, lambda: compare(ids), smaller)


def check(learner):
    for seed, (config, shapes) in enumerate(SETTINGS):
        model, ref, label = build(learner, config, seed)
        model.eval()
        ref.eval()
        other, twin = other_activation(config, ref, seed)
        known = [
            Mistake(
                f"the blocks use {other}, not config.activation_function = {config.activation_function!r}",
                lambda ids: gpt2_logits(twin, ids),
                "Build each block with the config's activation: GPT2Block(..., config.activation_function).",
            ),
            Mistake(
                "the position embedding is not added",
                lambda ids: gpt2_logits(ref, ids, position_embedding=False),
                "h = token_embedding(x) + pos_embedding(torch.arange(seq)): without positions the model cannot tell "
                "the order of the tokens.",
            ),
            Mistake(
                "the blocks run in reverse order",
                lambda ids: gpt2_logits(ref, ids, blocks_reversed=True),
                "Run blocks[0] first: for block in self.blocks: h = block(h).",
            ),
            Mistake(
                "the positions start at 1, not 0",
                lambda ids: gpt2_logits(ref, ids, positions=torch.arange(1, ids.shape[1] + 1)),
                "The first token has position 0: torch.arange(seq).",
            ),
            Mistake(
                "the final layer norm `ln` is missing",
                lambda ids: gpt2_logits(ref, ids, final_ln=False),
                "After the last block apply self.ln, then unembed.",
            ),
            Mistake(
                "each sequence gets the position of its index in the batch, not of each token in the sequence",
                lambda ids: gpt2_logits(ref, ids, positions=torch.arange(ids.shape[0])[:, None]),
                "Positions count along the sequence: pos_embedding(torch.arange(seq)) has shape (seq, hidden) and "
                "broadcasts over the batch.",
            ),
        ]
        for index, (batch, seq) in enumerate(shapes):
            ids = randint(0, config.vocab_size, batch, seq, seed=100 * seed + index)
            with context(f"{label} in eval mode, float64, token ids of shape ({batch}, {seq})"):
                def compare(ids, first=index == 0):
                    if first:
                        expect_eval_is_deterministic(learner, model, ids, "GPT2")
                    expect_matches(functools.partial(learner.call, model, name="GPT2"), ref, ids,
                                   what="the logits", mistakes=known, **TIGHT)

                explain_shape_error(learner, model, compare, ids, config)
                if index == 0:
                    expect_dropout_on_embeddings(learner, model, ref, ids)

    config = tiny_config(dropout=1.0)
    model, ref, label = build(learner, config, seed=5)
    model.train()
    ref.train()
    ids = randint(0, config.vocab_size, 2, 6, seed=6)
    with context(f"{label} in training mode: dropout drops the embeddings and every branch"):
        expect_matches(
            functools.partial(learner.call, model, name="GPT2"), ref, ids, what="the logits",
            mistakes=[Mistake(
                "the embeddings are not dropped out",
                lambda ids: gpt2_logits(ref, ids, embedding_dropout=False),
                "MLAB's GPT2 applies dropout to token_embedding(x) + pos_embedding(positions) before the blocks.",
            )],
            **TIGHT,
        )
