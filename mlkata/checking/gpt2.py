"""What the checks of 06_gpt2 share: tiny configs, module layout checks, attention formulas.

Model checks build the learner's module and a reference, give the reference seeded
weights, and copy them into the learner's module by name (`copy_state`): the names and
shapes MLAB fixes (qkv_proj, output_proj, ln1, ...) are checked on the way, in any order
of registration. Attention variants (`attention`) compute the right answer and the
known wrong ones from the same weights, so a failure can name the mistake.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import nn

from mlkata.checking.describe import shape_text
from mlkata.checking.failure import CheckFailed
from mlkata.checking.modules import _expect_same_tensors, seeded_state
from mlkata.checking.reference import load_reference
from mlkata.given.gpt2 import GPTConfig

F64 = torch.float64
TIGHT = {"rtol": 1e-9, "atol": 1e-9}  # float64 everywhere: formula slips cannot hide
LOOSE = {"rtol": 1e-5, "atol": 1e-5}  # float32


def tiny_config(**changes) -> GPTConfig:
    """The curriculum's tiny GPT-2: 2 layers, 4 heads, vocab 50, hidden 32, 16 positions."""
    settings = dict(
        num_layers=2, num_heads=4, vocab_size=50, hidden_size=32,
        max_position_embeddings=16, dropout=0.0, layer_norm_epsilon=1e-5,
    )
    return GPTConfig(**{**settings, **changes})


def config_text(config: GPTConfig) -> str:
    changed = {name: getattr(config, name) for name in GPTConfig.__dataclass_fields__}
    return "GPTConfig(" + ", ".join(f"{name}={value!r}" for name, value in changed.items()) + ")"


# ---------------------------------------------------------------- layout


def expect_same_parameters(module: nn.Module, reference: nn.Module, *, what: str, layout: str) -> None:
    """`module` has exactly the reference's parameters (names, shapes, dtypes), in any order.

    Buffers of its own (a cached causal mask, say) are allowed.
    """
    got, expected = dict(module.named_parameters()), dict(reference.named_parameters())
    for name, value in got.items():
        if name not in expected and all(other in got for other in expected):
            raise CheckFailed(
                f"{what} has a parameter `{name}` of shape {shape_text(value.shape)} that the reference does not have",
                (layout,),
            )
    _expect_same_tensors(
        got, expected, module,
        what=what, reference_name="the reference", kind="parameter", advice=layout,
    )
    for name, value in module.named_parameters():
        if not value.requires_grad:
            raise CheckFailed(f"{what}.{name} does not require grad", ("A parameter is trained: leave requires_grad at True.",))


def copy_state(module: nn.Module, reference: nn.Module, *, what: str, layout: str) -> None:
    """Check the parameters' names and shapes, then load the reference's state into `module`."""
    expect_same_parameters(module, reference, what=what, layout=layout)
    own = module.state_dict()
    state = {name: own[name] for name in own if name not in dict(module.named_parameters())}  # its own buffers
    state.update(reference.state_dict())
    state = {name: value for name, value in state.items() if name in own}
    module.load_state_dict(state, strict=True)


def expect_dropout(module: nn.Module, name: str, p: float, *, what: str) -> nn.Dropout:
    """`module.<name>` is an nn.Dropout with probability p."""
    layer = getattr(module, name, None)
    if not isinstance(layer, nn.Dropout):
        raise CheckFailed(
            f"{what} has no nn.Dropout called `{name}`" if layer is None
            else f"{what}.{name} is a {type(layer).__name__}, not an nn.Dropout",
            (f"Create it in __init__: `self.{name} = nn.Dropout(dropout)`; the check sets its p to test where it is applied.",),
        )
    if layer.p != p:
        raise CheckFailed(f"{what}.{name}.p is {layer.p}; it should be the dropout argument, {p}")
    return layer


# ---------------------------------------------------------------- attention

CAUSAL = "causal"


def allowed_keys(mask: str, T: int) -> torch.Tensor:
    """(T, T) bool: which keys (columns) each query (row) may attend to."""
    ones = torch.ones(T, T, dtype=torch.bool)
    return {
        CAUSAL: ones.tril(),
        "none": ones,
        "transposed": ones.triu(),
        "sees next": ones.tril(1),
        "not itself": ones.tril(-1),
    }[mask]


def attention(
    state: dict[str, torch.Tensor],
    x: torch.Tensor,
    num_heads: int,
    head_size: int,
    *,
    mask: str = CAUSAL,
    scale: float | None = None,
    after_softmax: bool = False,
    qkv: str = "three h d",
) -> torch.Tensor:
    """MLAB's attention from the weights in `state` (qkv_proj.*, output_proj.*), or a variant.

    The right one (the defaults) is torch's scaled_dot_product_attention; the variants
    are the mistakes: another mask, another scale, the mask after the softmax, another
    layout of qkv_proj's output (`qkv` names the axes of its last dimension).
    """
    prefix = next((key[: -len("qkv_proj.weight")] for key in state if key.endswith("qkv_proj.weight")), "")
    out = F.linear(x, state[prefix + "qkv_proj.weight"], state[prefix + "qkv_proj.bias"])  # (B, T, 3 * nh * hs)
    q, k, v = rearrange(out, f"b t ({qkv}) -> three b h t d", three=3, h=num_heads, d=head_size)
    T = x.shape[1]
    if mask == CAUSAL and scale is None and not after_softmax:
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    else:
        allowed = allowed_keys(mask, T)
        scores = q @ k.transpose(-1, -2) * (1 / math.sqrt(head_size) if scale is None else scale)
        if after_softmax:
            probs = scores.softmax(-1).masked_fill(~allowed, 0.0)
        else:
            probs = scores.masked_fill(~allowed, -1e4).softmax(-1)
        y = probs @ v
    y = rearrange(y, "b h t d -> b t (h d)")
    return F.linear(y, state[prefix + "output_proj.weight"], state[prefix + "output_proj.bias"])


def attention_mistakes(state: dict[str, torch.Tensor], num_heads: int, head_size: int, hidden_size: int):
    """(headline, formula of x, advice) for each known attention mistake, for Mistake(...)."""

    def variant(**how) -> Callable[[torch.Tensor], torch.Tensor]:
        return lambda x: attention(state, x, num_heads, head_size, **how)

    mask_advice = (
        "Query i may attend to keys 0..i only: the allowed entries of the (query, key) score matrix "
        "are the lower triangle, diagonal included (torch.ones(T, T).tril())."
    )
    return [
        ("every position attends to the future too (no causal mask)", variant(mask="none"), mask_advice),
        ("the causal mask is transposed: positions attend to later keys, not earlier ones", variant(mask="transposed"), mask_advice),
        ("the mask is off by one: each position also sees the next one", variant(mask="sees next"), mask_advice),
        ("the mask is off by one: a position cannot attend to itself", variant(mask="not itself"), mask_advice),
        (
            "the mask is applied after the softmax, so each row no longer sums to 1",
            variant(after_softmax=True),
            "Mask the scores (set the future to -1e4) before the softmax; the softmax then spreads "
            "the whole probability over the allowed keys.",
        ),
        (
            f"the scores are scaled by 1/sqrt(hidden_size) = 1/sqrt({hidden_size}) instead of 1/sqrt(head_size)",
            variant(scale=1 / math.sqrt(hidden_size)),
            "Each head computes dot products of length head_size: divide by sqrt(head_size).",
        ),
        (
            "the scores are not scaled",
            variant(scale=1.0),
            "Divide the scores by sqrt(head_size) before the mask and the softmax.",
        ),
        (
            "qkv_proj's output is split per head first ([q k v] of head 0, then of head 1, ...)",
            variant(qkv="h three d"),
            "qkv_proj's output is [all of q | all of k | all of v] (as GPT-2's c_attn): split it into "
            "three along the last dimension first, then each part into heads.",
        ),
        (
            "each of q, k, v is split into heads as (head_size, num_heads) instead of (num_heads, head_size)",
            variant(qkv="three d h"),
            "Head h owns features h * head_size ... (h + 1) * head_size - 1: rearrange with \"(head dim)\", not \"(dim head)\".",
        ),
    ]


def gpt2_reference_module(check_file: str):
    """The reference solution of exercise gpt2 (built from the references of its own parts)."""
    return load_reference(check_file, "gpt2")


def expect_eval_is_deterministic(learner, model: nn.Module, x: torch.Tensor, label: str) -> None:
    """In eval mode two calls on the same input agree: no dropout is left on."""
    first = learner.call(model, x, name=label)
    second = learner.call(model, x, name=label)
    if isinstance(first, torch.Tensor) and isinstance(second, torch.Tensor) and first.shape == second.shape:
        if not torch.equal(first, second):
            raise CheckFailed(
                f"{label} in eval mode gives different outputs for the same input: dropout is still active",
                ("Use nn.Dropout modules (they follow model.train() / model.eval()), or pass training=self.training to F.dropout.",),
            )


# ---------------------------------------------------------------- GPT2Block

# nn.TransformerEncoderLayer's state_dict names -> GPT2Block's.
BLOCK_NAMES = {
    "self_attn.in_proj_weight": "attn.qkv_proj.weight",  # [q | k | v] rows: the same layout
    "self_attn.in_proj_bias": "attn.qkv_proj.bias",
    "self_attn.out_proj.weight": "attn.output_proj.weight",
    "self_attn.out_proj.bias": "attn.output_proj.bias",
    "linear1.weight": "linear1.weight",
    "linear1.bias": "linear1.bias",
    "linear2.weight": "linear2.weight",
    "linear2.bias": "linear2.bias",
    "norm1.weight": "ln1.weight",
    "norm1.bias": "ln1.bias",
    "norm2.weight": "ln2.weight",
    "norm2.bias": "ln2.bias",
}
ACTIVATIONS = {
    "gelu": F.gelu,
    "relu": F.relu,
    "tanh-gelu": lambda x: F.gelu(x, approximate="tanh"),
}


def torch_block(
    state: dict[str, torch.Tensor],
    num_heads: int,
    layer_norm_epsilon: float,
    activation: str,
    *,
    norm_first: bool = True,
    shared_norm: bool = False,
) -> Callable[[torch.Tensor], torch.Tensor]:
    """A GPT2Block's state run by nn.TransformerEncoderLayer (pre-LN, causal mask), in eval mode.

    The keyword arguments make the known mistakes: post-LN, ln1 used in both places.
    """
    hidden_size = state["ln1.weight"].shape[0]
    dtype = state["ln1.weight"].dtype
    layer = nn.TransformerEncoderLayer(
        hidden_size, num_heads, dim_feedforward=4 * hidden_size, dropout=0.0, activation=ACTIVATIONS[activation],
        layer_norm_eps=layer_norm_epsilon, batch_first=True, norm_first=norm_first, dtype=dtype,
    )
    mapped = {theirs: state[ours] for theirs, ours in BLOCK_NAMES.items()}
    if shared_norm:
        mapped["norm2.weight"], mapped["norm2.bias"] = mapped["norm1.weight"], mapped["norm1.bias"]
    layer.load_state_dict(mapped)
    layer.eval()

    def run(x: torch.Tensor) -> torch.Tensor:
        T = x.shape[1]
        mask = nn.Transformer.generate_square_subsequent_mask(T, dtype=x.dtype)
        with torch.no_grad():
            return layer(x, src_mask=mask, is_causal=True)

    return run


# ---------------------------------------------------------------- GPT2


def gpt2_logits(
    model: nn.Module,
    ids: torch.Tensor,
    *,
    positions: torch.Tensor | None = None,
    final_ln: bool = True,
    embedding_dropout: bool = True,
) -> torch.Tensor:
    """The reference GPT2's logits for ids (batch, seq), computed from its parts.

    `positions` (broadcast against ids) replaces arange(seq): the KV cache mistakes give
    new tokens the wrong positions, and an uncached forward with those positions computes
    exactly what such a cache computes. The other switches leave a part out.
    """
    if positions is None:
        positions = torch.arange(ids.shape[1])
    with torch.no_grad():
        h = model.token_embedding(ids) + model.pos_embedding(positions)  # (B, T, C)
        if embedding_dropout:
            h = model.dropout(h)
        for block in model.blocks:
            h = block(h)
        if final_ln:
            h = model.ln(h)
        return torch.einsum("btc,vc->btv", h, model.token_embedding.weight)  # (B, T, V)


# ---------------------------------------------------------------- sampling

SIGMAS = 6  # a correct sampler's frequencies stay this many standard deviations from the probabilities


def expect_token(value, *, what: str) -> int:
    """A token id returned as a Python int (a NumPy integer passes too); the int."""
    if isinstance(value, torch.Tensor):
        raise CheckFailed(
            f"{what} returned a tensor ({value.dtype}, shape {shape_text(value.shape)}), not an int",
            ("Return a Python int: `.item()` turns a one-element tensor into one.",),
        )
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise CheckFailed(
            f"{what} returned {type(value).__name__} {value!r}, not an int token id",
            ("Return the token id as an int (`int(...)` or `.item()` of an integer tensor).",),
        )
    return int(value.__index__())


def draw_tokens(learner, name: str, args: tuple, n: int, seed: int) -> list[int]:
    """n draws of `learner.<name>(*args)`, after seeding every random generator a sampler may use.

    The first call goes through the learner object (stub detection, call recording, the
    guard); the other n - 1 call the function directly, because tracking costs more than a
    draw itself (~0.2 ms). Inputs changed in place are caught once, after the last draw;
    anything the learner's code replaced is still caught when the check ends.
    """
    import random

    import numpy

    what = f"{name}({', '.join(_arg_text(a) for a in args)})"
    before = [a.clone() for a in args if isinstance(a, torch.Tensor)]
    torch.manual_seed(seed)
    numpy.random.seed(seed)
    random.seed(seed)
    tokens = [expect_token(getattr(learner, name)(*args), what=what)]
    raw = getattr(learner, name)._fn
    tokens += [expect_token(raw(*args), what=what) for _ in range(n - 1)]
    after = [a for a in args if isinstance(a, torch.Tensor)]
    if any(not torch.equal(a, b) for a, b in zip(after, before)):
        raise CheckFailed(f"{name} changed its input logits in place",
                          ("Work on a copy (or out-of-place operations): the caller's logits must not change.",))
    return tokens


def _arg_text(value) -> str:
    return "logits" if isinstance(value, torch.Tensor) else repr(value)


def expect_distribution(
    tokens: list[int],
    probs: torch.Tensor,
    *,
    what: str,
    mistakes: list[tuple[str, torch.Tensor, str]] = (),
    support: str = "",
) -> None:
    """Tokens drawn from probs: never a token of probability 0, frequencies within 6σ.

    `mistakes` are (headline, the distribution that mistake samples from, advice): when
    the draws fit one of them and not probs, the failure names it. `support` says which
    tokens may be drawn, for the message.
    """
    probs = probs.double()
    V = len(probs)
    n = len(tokens)
    for token in tokens:
        if not 0 <= token < V:
            raise CheckFailed(f"{what} returned {token}, which is not a token id (the vocabulary has ids 0 to {V - 1})")
    counts = torch.bincount(torch.tensor(tokens, dtype=torch.int64), minlength=V).double()
    if _fits(counts, probs):
        return
    for headline, wrong, advice in mistakes:
        if _fits(counts, wrong.double()):
            raise CheckFailed(f"{what}: {headline}", (advice, f"{n} draws, seeded."), _frequency_table(counts, probs))
    table = _frequency_table(counts, probs)
    impossible = [token for token in range(V) if probs[token] == 0 and counts[token] > 0]
    if impossible:
        token = impossible[0]
        raise CheckFailed(
            f"{what} drew token {token} {int(counts[token])} times in {n} draws, but its probability is 0",
            tuple(line for line in (support, "The table shows the expected probability of every token.") if line),
            table,
        )
    frequencies = counts / n
    allowed = _allowed(probs, n)
    worst = int(torch.argmax((frequencies - probs).abs() - allowed))
    raise CheckFailed(
        f"{what} drew token {worst} in {frequencies[worst]:.1%} of {n} draws; its probability is {probs[worst]:.1%}",
        (
            f"A correct sampler stays within ±{allowed[worst]:.1%} of it ({SIGMAS} standard deviations, seeded draws).",
            *((support,) if support else ()),
        ),
        table,
    )


def _allowed(probs: torch.Tensor, n: int) -> torch.Tensor:
    return SIGMAS * (probs * (1 - probs) / n).sqrt()


def _fits(counts: torch.Tensor, probs: torch.Tensor) -> bool:
    n = float(counts.sum())
    if bool(((probs == 0) & (counts > 0)).any()):
        return False
    return bool(((counts / n - probs).abs() <= _allowed(probs, n) + 1e-12).all())


def _frequency_table(counts: torch.Tensor, probs: torch.Tensor) -> list[list[str]]:
    n = float(counts.sum())
    rows = [["token", "probability", "drawn", "allowed"]]
    for token, (count, p) in enumerate(zip(counts.tolist(), probs.tolist())):
        allowed = SIGMAS * math.sqrt(p * (1 - p) / n)
        rows.append([str(token), f"{p:.3f}", f"{count / n:.3f} ({int(count)})", "never" if p == 0 else f"±{allowed:.3f}"])
    return rows


def seeded(reference: nn.Module, seed: int) -> nn.Module:
    """`reference` with seeded values in every parameter (see modules.seeded_state).

    Built normally, not on the meta device: nn.Embedding on the meta device imports
    torch._dynamo (seconds), which replaces torch.manual_seed.
    """
    reference.load_state_dict(seeded_state(reference, seed))
    return reference
