import functools

import torch

from mlkata.checking import Mistake, context, expect_matches, load_reference, randint
from mlkata.checking.gpt2 import (
    TIGHT, config_text, copy_state, expect_eval_is_deterministic, gpt2_logits, seeded, tiny_config,
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
    return model.double(), ref.double(), label


def check(learner):
    for seed, (config, shapes) in enumerate(SETTINGS):
        model, ref, label = build(learner, config, seed)
        model.eval()
        ref.eval()
        known = [
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
                if index == 0:
                    expect_eval_is_deterministic(learner, model, ids, "GPT2")
                expect_matches(
                    functools.partial(learner.call, model, name="GPT2"), ref, ids,
                    what="the logits", mistakes=known, **TIGHT,
                )

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
