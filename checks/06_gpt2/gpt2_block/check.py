import functools

import torch

from mlkata.checking import Mistake, context, expect, expect_close, expect_matches, load_reference, randn
from mlkata.checking.gpt2 import F64, TIGHT, copy_state, expect_eval_is_deterministic, seeded, torch_block

reference = load_reference(__file__)

LAYOUT = (
    "Layout: ln1 = nn.LayerNorm(hidden_size, eps=layer_norm_epsilon), attn = UnidirectionalAttention(hidden_size, "
    "num_heads, dropout=dropout), ln2 (like ln1), linear1 = nn.Linear(hidden_size, 4 * hidden_size), "
    "linear2 = nn.Linear(4 * hidden_size, hidden_size)."
)
# (hidden_size, num_heads, layer_norm_epsilon, activation_function, [(batch, seq), ...])
SETTINGS = [
    (32, 4, 1e-5, "gelu", [(2, 7), (3, 16), (1, 1)]),
    (24, 2, 0.1, "relu", [(2, 5)]),
    (32, 4, 0.1, "gelu", [(4, 3)]),
]


def label_of(hidden_size, num_heads, dropout, eps, activation):
    return (f"GPT2Block(hidden_size={hidden_size}, num_heads={num_heads}, dropout={dropout}, "
            f"layer_norm_epsilon={eps}, activation_function={activation!r})")


def build(learner, hidden_size, num_heads, dropout, eps, activation, seed):
    label = label_of(hidden_size, num_heads, dropout, eps, activation)
    model = learner.GPT2Block(hidden_size, num_heads, dropout, eps, activation)
    ref = seeded(reference.GPT2Block(hidden_size, num_heads, dropout, eps, activation), seed)
    with context(label):
        copy_state(model, ref, what=label, layout=LAYOUT)
    return model.double(), ref.double(), label


def mistakes(state, num_heads, eps, activation):
    other = "relu" if activation == "gelu" else "gelu"
    found = [
        Mistake(
            "layer norm is applied after each residual addition (post-LN), not before each branch (pre-LN)",
            torch_block(state, num_heads, eps, activation, norm_first=False),
            "GPT-2 normalises the input of each branch: x = x + attn(ln1(x)); x = x + mlp(ln2(x)).",
        ),
        Mistake(
            "ln1 normalises the input of both branches; the MLP's should be ln2",
            torch_block(state, num_heads, eps, activation, shared_norm=True),
            "Each branch has its own LayerNorm with its own weight and bias: ln2 before linear1.",
        ),
        Mistake(
            f"the activation is {other}, but activation_function is {activation!r}",
            torch_block(state, num_heads, eps, other),
            "Map the name to the function: \"gelu\" -> nn.GELU() (exact), \"relu\" -> nn.ReLU().",
        ),
    ]
    if activation == "gelu":
        found.append(Mistake(
            "the activation is the tanh approximation of GELU; \"gelu\" here is the exact one",
            torch_block(state, num_heads, eps, "tanh-gelu"),
            "Use nn.GELU() (or F.gelu) without approximate=\"tanh\", as MLAB's GPT-2 does.",
        ))
    if eps != 1e-5:
        found.append(Mistake(
            f"the layer norms use eps = 1e-5, not layer_norm_epsilon = {eps}",
            torch_block(state, num_heads, 1e-5, activation),
            "Pass it on: nn.LayerNorm(hidden_size, eps=layer_norm_epsilon).",
        ))
    return found


def check(learner):
    for seed, (hidden_size, num_heads, eps, activation, shapes) in enumerate(SETTINGS):
        model, ref, label = build(learner, hidden_size, num_heads, 0.1, eps, activation, seed)
        model.eval()
        state = ref.state_dict()
        expected = torch_block(state, num_heads, eps, activation)
        known = mistakes(state, num_heads, eps, activation)
        for index, (batch, seq) in enumerate(shapes):
            x = randn(batch, seq, hidden_size, seed=100 * seed + index, dtype=F64)
            with context(f"{label} in eval mode, float64, x of shape ({batch}, {seq}, {hidden_size}); "
                         "reference: nn.TransformerEncoderLayer(norm_first=True) with a causal mask"):
                if index == 0:
                    expect_eval_is_deterministic(learner, model, x, label)
                expect_matches(
                    functools.partial(learner.call, model, name=label), expected, x,
                    what=f"{label}(x)", mistakes=known, **TIGHT,
                )

    model, ref, label = build(learner, 32, 4, 1.0, 1e-5, "gelu", seed=9)
    model.train()
    x = randn(2, 6, 32, seed=10, dtype=F64)
    with context(f"{label} in training mode: every dropout drops everything, so both branches add zero"):
        got = learner.call(model, x, name=label)
        expect(
            isinstance(got, torch.Tensor) and got.shape == x.shape and not bool((got == 0).all()),
            f"{label} in training mode returns zeros: dropout is applied to the residual stream itself",
            "Dropout belongs on the branches (inside attention, and after linear2): x = x + dropout(mlp(ln2(x))).",
        )
        with torch.no_grad():
            undropped_mlp = x + ref.linear2(ref.nonlinearity(ref.linear1(ref.ln2(x))))
        expect(
            not (got.shape == x.shape and torch.allclose(got.detach(), undropped_mlp, **TIGHT)),
            f"{label} in training mode does not drop the MLP's output",
            "MLAB's block ends its MLP with dropout: x = x + self.dropout(linear2(activation(linear1(ln2(x))))).",
        )
        expect_close(
            got, x, what="the output with dropout = 1 (it should be the input: each branch's output is dropped)",
            **TIGHT,
        )
