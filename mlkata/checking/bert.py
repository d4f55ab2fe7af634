"""Checks for BERT (05_bert): tiny seeded models, state that lines up by name, padding
masks, and torch's own attention and encoder layer as references.

Every model check follows one pattern::

    config = tiny_config()                                    # hidden 16, 2 heads of size 6
    label, ref, model = built(learner, "BertMLP", reference.BertMLP, config, seed=0)  # float64, eval mode
    with context(f"{label} with copied weights, ..."):
        expect_module_matches(learner, model, ref, x, label="BertMLP", mistakes=[...])
    expect_dropout_modes(learner, model, ref, x, label="BertMLP", where=...)  # with dropout 0.5

`built` seeds the reference, builds the learner's module, insists on MLAB's parameter
names and shapes (a strict `load_state_dict` of the reference's state, explained entry by
entry when it would fail) and copies the reference's seeded values in, so the two compute
the same function when both are right. Mistakes are formulas written out here
(`attention`, `bert_mlp`, `bert_attention`, `bert_block` with keyword switches) from the
same weights. In the main config `num_heads * head_size` (12) is
less than `hidden_size` (16) on purpose: code that assumes `head_size == hidden_size //
num_heads` cannot pass.

Nothing here imports `mlkata.given` at import time: the given package is only
importable once a check process has installed it.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import importlib
from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from mlkata.checking.describe import shape_text
from mlkata.checking.failure import CheckFailed, context
from mlkata.checking.inputs import generator
from mlkata.checking.learner import Learner
from mlkata.checking.modules import _attribute, seeded_state
from mlkata.checking.spec import Mistake, expect_matches

# The main tiny config: num_heads * head_size = 12 < hidden_size = 16 on purpose.
TINY = {
    "vocab_size": 50,
    "intermediate_size": 64,
    "hidden_size": 16,
    "num_layers": 2,
    "num_heads": 2,
    "head_size": 6,
    "max_position_embeddings": 16,
    "dropout": 0.0,
    "type_vocab_size": 2,
    "layer_norm_epsilon": 1e-12,
}
# float64 models: any correct arrangement of the arithmetic agrees to ~1e-15.
TIGHT = {"rtol": 1e-10, "atol": 1e-10}
BIG_NEGATIVE = -10000.0
# The fields a check's context line shows, in this order.
SHOWN_FIELDS = (
    "hidden_size", "num_heads", "head_size", "intermediate_size", "num_layers",
    "vocab_size", "max_position_embeddings", "dropout", "layer_norm_epsilon",
)


def tiny_config(**changes: Any):
    """The main tiny BertConfig, with `changes` applied."""
    from mlkata.given.bert import BertConfig

    return BertConfig(**{**TINY, **changes})


def config_text(config: Any, fields: Sequence[str] = SHOWN_FIELDS) -> str:
    """`BertConfig(hidden_size=16, num_heads=2, head_size=6, ...)` with the fields that matter."""
    shown = ", ".join(f"{name}={getattr(config, name)}" for name in fields)
    return f"BertConfig({shown})"


def with_dropout(config: Any, p: float):
    return dataclasses.replace(config, dropout=p)


def seeded(factory: Callable[[], nn.Module], seed: int) -> nn.Module:
    """The reference module `factory()` builds, every entry of its state seeded, in float64.

    Built for real, not on the meta device: the models are tiny, and arithmetic on meta
    tensors (MLAB's `torch.randn(...) * 0.02`) imports torch._dynamo, which takes seconds
    and rebinds torch.manual_seed.
    """
    module = factory()
    module.load_state_dict(seeded_state(module, seed))
    return module.double()


# ---------------------------------------------------------------- registration


def learner_module(
    learner: Learner,
    class_name: str,
    config: Any,
    reference: nn.Module,
    *,
    label: str,
    advice: Callable[[str, str], str] | None = None,
) -> nn.Module:
    """The learner's `class_name(config)` in float64, holding the reference's state.

    Fails, naming the entry, unless its parameters have MLAB's names and shapes.
    `advice(name, problem)` may add a sentence for a known mistake ("shape", "missing",
    "extra" problems).
    """
    model = getattr(learner, class_name)(config)
    if not isinstance(model, nn.Module):
        raise CheckFailed(f"{class_name}(config) built a {type(model).__name__}, not an nn.Module",
                          ("Subclass nn.Module and call super().__init__() first.",))
    model = model.double()
    expect_same_state(model, reference, what=label, reference_name=f"MLAB's {class_name}", advice=advice)
    return model


def built(
    learner: Learner,
    class_name: str,
    factory: Callable[[Any], nn.Module],
    config: Any,
    seed: int,
    *,
    fields: Sequence[str] = SHOWN_FIELDS,
    advice: Callable[[str, str], str] | None = None,
    mode: str = "eval",
) -> tuple[str, nn.Module, nn.Module]:
    """(label, reference, model): `factory(config)` seeded, and the learner's module holding its state.

    Both are put in `mode` ("eval" or "train").
    """
    label = f"{class_name}({config_text(config, fields)})"
    reference = seeded(lambda: factory(config), seed)
    with context(f"{label}: its parameters"):
        model = learner_module(learner, class_name, config, reference, label=class_name, advice=advice)
    model.train(mode == "train")
    reference.train(mode == "train")
    return label, reference, model


def head_size_advice(config: Any) -> Callable[[str, str], str]:
    """Advice for BertSelfAttention's projections when their shapes are wrong."""
    H, nh, hs = config.hidden_size, config.num_heads, config.head_size

    def advice(name: str, problem: str) -> str:
        if problem != "shape" or "project_" not in name:
            return ""
        guess = f" (not hidden_size // num_heads = {H // nh})" if H // nh != hs else ""
        return (
            f"project_query, project_key and project_value map hidden_size = {H} to num_heads * head_size = "
            f"{nh} * {hs} = {nh * hs}, and project_output maps {nh * hs} back to {H}. Take head_size from "
            f"config.head_size{guess}: it need not divide hidden_size evenly."
        )

    return advice


def expect_same_state(
    model: nn.Module,
    reference: nn.Module,
    *,
    what: str,
    reference_name: str,
    advice: Callable[[str, str], str] | None = None,
) -> None:
    """`model` has `reference`'s state_dict entries, by name and shape; then it takes their values.

    The order of registration is free (a state dict loads by name). Parameters must be
    nn.Parameters that require grad; a tensor registered under two names (a tie made by
    assignment) is named as such.
    """
    extra_advice = advice or (lambda name, problem: "")
    expected = reference.state_dict()
    got = model.state_dict()
    parameters = dict(model.named_parameters(remove_duplicate=False))
    missing = [name for name in expected if name not in got]

    for name, value in got.items():
        if name in expected:
            continue
        twin = _same_tensor_as(value, name, got)
        if twin is not None and twin in expected:
            raise CheckFailed(
                f"{what}.state_dict() has an extra entry `{name}`: it is `{twin}` registered a second time",
                (
                    f"{reference_name} keeps each tensor once. Use `{twin}` directly where you need it "
                    "instead of storing it again on another module or attribute.",
                    *_lines(extra_advice(name, "extra")),
                ),
            )
        kind = "parameter" if name in parameters else "buffer"
        close = difflib.get_close_matches(name, missing, n=1, cutoff=0.6)
        raise CheckFailed(
            f"{what} has a {kind} `{name}` of shape {shape_text(value.shape)} that {reference_name} does not have",
            (
                *_lines(extra_advice(name, "extra")),
                f"Did you mean `{close[0]}`? Keep MLAB's names: state dicts and the checks find entries by name."
                if close else f"{reference_name} has exactly these entries: {_listing(list(expected))}.",
                *(["A buffer that should not be saved is registered with persistent=False."] if kind == "buffer" else []),
            ),
        )

    for name, value in expected.items():
        if name not in got:
            plain = _attribute(model, name)
            if isinstance(plain, torch.Tensor):
                raise CheckFailed(
                    f"{what}.{name} is a plain tensor, not a parameter, so parameters() and state_dict() leave it out",
                    ("Wrap it in nn.Parameter(...) and assign it to self: then optimizers train it and state dicts carry it.",),
                )
            owner, _, leaf = name.rpartition(".")
            holder = _attribute(model, owner) if owner else model
            if leaf == "bias" and isinstance(holder, nn.Linear):
                headline = f"{what}.{owner} has no bias; {reference_name}'s {owner} has one of shape {shape_text(value.shape)}"
                detail = "Keep nn.Linear's default bias=True: BERT's linear layers all have biases."
            else:
                headline = f"{what} has no parameter `{name}`; {reference_name} has one of shape {shape_text(value.shape)}"
                detail = f"Keep the name `{name}`: state dicts and the checks find entries by name."
            raise CheckFailed(headline, (*_lines(extra_advice(name, "missing")), detail))
        if got[name].shape != value.shape:
            raise CheckFailed(
                f"{what}.{name} has shape {shape_text(got[name].shape)}; expected {shape_text(value.shape)}",
                (*_lines(extra_advice(name, "shape")), f"{reference_name}.{name} has shape {shape_text(value.shape)}."),
            )
        parameter = parameters.get(name)
        if parameter is None:
            raise CheckFailed(
                f"{what}.{name} is registered as a buffer, not a parameter",
                ("Make it an nn.Parameter: buffers are saved but never trained.",),
            )
        if not parameter.requires_grad:
            raise CheckFailed(
                f"{what}.{name} does not require grad",
                ("A parameter is trained: leave requires_grad at its default (True).",),
            )
    model.load_state_dict(expected)


def _same_tensor_as(value: torch.Tensor, name: str, state: dict[str, torch.Tensor]) -> str | None:
    """Another state_dict key whose tensor is `value` itself (same storage, shape and offset)."""
    for other, tensor in state.items():
        if other != name and tensor.shape == value.shape and tensor.data_ptr() == value.data_ptr():
            return other
    return None


def _listing(names: list[str], shown: int = 8) -> str:
    """`[a, b, c]`, or the first `shown` names and how many more."""
    more = f", ... ({len(names)} in all)" if len(names) > shown else ""
    return "[" + ", ".join(names[:shown]) + more + "]"


def _lines(text: str) -> list[str]:
    return [text] if text else []


# ---------------------------------------------------------------- outputs


def expect_module_matches(
    learner: Learner,
    model: nn.Module,
    reference: Callable[..., Any],
    *args: Any,
    label: str,
    what: str = "the output",
    mistakes: Sequence[Mistake] = (),
    **kwargs: Any,
) -> Any:
    """The learner's module and `reference` agree on the same inputs, to float64 precision."""
    call = functools.partial(learner.call, model, name=label)
    return expect_matches(call, reference, *args, what=what, mistakes=mistakes, **TIGHT, **kwargs)


def expect_eval_repeatable(learner: Learner, model: nn.Module, *args: Any, label: str, **kwargs: Any) -> None:
    """With dropout 0.5 in eval mode: the same output on every call."""
    model.eval()
    first = _main_tensor(learner.call(model, *args, name=label, **kwargs))
    second = _main_tensor(learner.call(model, *args, name=label, **kwargs))
    if first.shape == second.shape and not torch.equal(first, second):
        raise CheckFailed(
            f"{label} in eval mode gives a different output on every call (dropout = 0.5)",
            ("Dropout must be off after .eval(). nn.Dropout does that by itself; F.dropout(x, p) is always on "
             "unless you pass training=self.training.",),
        )


def expect_dropout_active(learner: Learner, model: nn.Module, *args: Any, label: str, **kwargs: Any) -> None:
    """With dropout 0.5, training mode's output differs from eval mode's."""
    model.eval()
    evaluated = _main_tensor(learner.call(model, *args, name=label, **kwargs))
    model.train()
    trained = _main_tensor(learner.call(model, *args, name=label, **kwargs))
    model.eval()
    if trained.shape == evaluated.shape and torch.allclose(trained, evaluated, rtol=1e-12, atol=1e-12):
        raise CheckFailed(
            f"{label} gives the same output in training mode as in eval mode, with dropout = 0.5",
            ("Apply nn.Dropout(config.dropout) where the diagram has it: in training mode it zeroes about half "
             "the values (and doubles the rest); .eval() turns it off.",),
        )


def expect_dropout_modes(
    learner: Learner,
    model: nn.Module,
    reference: nn.Module,
    *args: Any,
    label: str,
    where: str,
    compare: Callable[[], None] | None = None,
    **kwargs: Any,
) -> None:
    """With dropout 0.5: eval mode is repeatable and matches the reference; training mode differs from it.

    `compare()` replaces the comparison with the reference in eval mode (for outputs that are not tensors).
    """
    with context(f"{where}: dropout is off in eval mode"):
        model.eval()
        reference.eval()
        expect_eval_repeatable(learner, model, *args, label=label, **kwargs)
        if compare is None:
            expect_module_matches(learner, model, reference, *args, label=label, what="the output in eval mode", **kwargs)
        else:
            compare()
    with context(f"{where}: dropout is on in training mode"):
        expect_dropout_active(learner, model, *args, label=label, **kwargs)


def _main_tensor(value: Any) -> torch.Tensor:
    """The tensor to compare: the output itself, or a classifier output's is_positive."""
    tensor = value if isinstance(value, torch.Tensor) else getattr(value, "is_positive", None)
    if not isinstance(tensor, torch.Tensor):
        raise CheckFailed(f"the output should be a torch.Tensor, got {type(value).__name__}")
    return tensor.detach()


# ---------------------------------------------------------------- masks and batches


def one_zero_mask(lengths: Sequence[int], seq: int) -> torch.Tensor:
    """(batch, seq) int64: 1 for the first `length` tokens of each row, 0 for the padding after."""
    return torch.tensor([[1] * n + [0] * (seq - n) for n in lengths], dtype=torch.int64)


def additive_mask(one_zero: torch.Tensor, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """(batch, 1, 1, seq): 0 at real tokens, -10000 at padding."""
    B, T = one_zero.shape
    return ((1 - one_zero.to(dtype)) * BIG_NEGATIVE).view(B, 1, 1, T)


def token_batch(config: Any, batch: int, seq: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(input_ids, token_type_ids), both (batch, seq) int64, seeded."""
    gen = generator(seed)
    input_ids = torch.randint(0, config.vocab_size, (batch, seq), generator=gen)
    token_type_ids = torch.randint(0, config.type_vocab_size, (batch, seq), generator=gen)
    return input_ids, token_type_ids


def hidden_states(batch: int, seq: int, hidden: int, seed: int, scale: float = 1.0) -> torch.Tensor:
    """(batch, seq, hidden) float64 inputs of a block or attention layer."""
    return scale * torch.randn(batch, seq, hidden, generator=generator(seed), dtype=torch.float64)


# ---------------------------------------------------------------- attention, written out


def attention(
    x: torch.Tensor,
    state: dict[str, torch.Tensor],
    num_heads: int,
    mask: torch.Tensor | None = None,
    *,
    prefix: str = "",
    softmax_dim: int = -1,
    mask_after_softmax: bool = False,
    mask_on_queries: bool = False,
    merge: str = "head head_size",
    use_sdpa: bool = True,
) -> torch.Tensor:
    """BertSelfAttention.forward from the projections in `state`, and its usual mistakes.

    The right computation (all keyword defaults) uses F.scaled_dot_product_attention on
    the split heads with the additive mask; the keywords give the wrong variants.
    """
    q, k, v = (_heads(x, state, f"{prefix}project_{name}", num_heads) for name in ("query", "key", "value"))
    B, nh, T, hs = q.shape
    right = softmax_dim == -1 and not mask_after_softmax and not mask_on_queries
    if right and use_sdpa:
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)  # (B, nh, T, hs)
    else:
        scores = q @ k.transpose(-2, -1) / hs**0.5  # (B, nh, T, T)
        if mask is not None and not mask_after_softmax:
            scores = scores + (mask.transpose(-2, -1) if mask_on_queries else mask)
        weights = scores.softmax(dim=softmax_dim)
        if mask is not None and mask_after_softmax:
            weights = weights + mask
        y = weights @ v
    if merge == "head head_size":
        y = y.transpose(1, 2).reshape(B, T, nh * hs)
    else:  # "head_size head": the heads interleaved
        y = y.permute(0, 2, 3, 1).reshape(B, T, nh * hs)
    out = f"{prefix}project_output"
    return F.linear(y, state[f"{out}.weight"], state[f"{out}.bias"])


def attention_pattern(
    x: torch.Tensor,
    state: dict[str, torch.Tensor],
    num_heads: int,
    *,
    split: str = "head head_size",
    transpose: bool = False,
    scale: float | None = None,
) -> torch.Tensor:
    """(batch, head, seq_q, seq_k) scores q·k / sqrt(head_size), and its usual mistakes."""
    q = _heads(x, state, "project_query", num_heads, split)
    k = _heads(x, state, "project_key", num_heads, split)
    scores = q @ k.transpose(-2, -1) / (q.shape[-1] ** 0.5 if scale is None else scale)
    return scores.transpose(-2, -1) if transpose else scores


def _heads(x: torch.Tensor, state: dict[str, torch.Tensor], name: str, num_heads: int, split: str = "head head_size") -> torch.Tensor:
    """(batch, head, seq, head_size) from one projection."""
    B, T, _ = x.shape
    y = F.linear(x, state[f"{name}.weight"], state[f"{name}.bias"])  # (B, T, nh * hs)
    hs = y.shape[-1] // num_heads
    if split == "head head_size":
        return y.view(B, T, num_heads, hs).transpose(1, 2)
    return y.view(B, T, hs, num_heads).permute(0, 3, 1, 2)  # "(head_size head)": heads interleaved


def layer_norm(x: torch.Tensor, state: dict[str, torch.Tensor], name: str, eps: float) -> torch.Tensor:
    """torch's layer norm with the weight and bias `state` holds under `name`."""
    return F.layer_norm(x, x.shape[-1:], state[f"{name}.weight"], state[f"{name}.bias"], eps)


def bert_mlp(
    x: torch.Tensor,
    state: dict[str, torch.Tensor],
    eps: float,
    *,
    prefix: str = "",
    activation: str = "erf",
    pre_ln: bool = False,
    residual: bool = True,
) -> torch.Tensor:
    """BertMLP in eval mode from the weights in `state`, and its usual mistakes."""
    h = layer_norm(x, state, f"{prefix}layer_norm", eps) if pre_ln else x
    h = F.linear(h, state[f"{prefix}first_linear.weight"], state[f"{prefix}first_linear.bias"])
    h = F.relu(h) if activation == "relu" else F.gelu(h, approximate="tanh" if activation == "tanh" else "none")
    h = F.linear(h, state[f"{prefix}second_linear.weight"], state[f"{prefix}second_linear.bias"])
    if pre_ln:
        return x + h
    return layer_norm(x + h if residual else h, state, f"{prefix}layer_norm", eps)


def bert_attention(
    x: torch.Tensor,
    state: dict[str, torch.Tensor],
    config: Any,
    mask: torch.Tensor | None = None,
    *,
    prefix: str = "",
    pre_ln: bool = False,
    residual: bool = True,
) -> torch.Tensor:
    """BertAttention in eval mode from the weights in `state`, and its usual mistakes."""
    eps, norm = config.layer_norm_epsilon, f"{prefix}layer_norm"
    if pre_ln:
        return x + attention(layer_norm(x, state, norm, eps), state, config.num_heads, mask, prefix=f"{prefix}self_attn.")
    y = attention(x, state, config.num_heads, mask, prefix=f"{prefix}self_attn.")
    return layer_norm(x + y if residual else y, state, norm, eps)


def bert_block(
    x: torch.Tensor,
    state: dict[str, torch.Tensor],
    config: Any,
    mask: torch.Tensor | None = None,
    *,
    prefix: str = "",
    pre_ln: bool = False,
    mlp_first: bool = False,
    outer_residual: bool = False,
) -> torch.Tensor:
    """BertBlock in eval mode from the weights in `state`, and its usual mistakes."""
    def attend(h):
        return bert_attention(h, state, config, mask, prefix=f"{prefix}attention.", pre_ln=pre_ln)

    def mlp(h):
        return bert_mlp(h, state, config.layer_norm_epsilon, prefix=f"{prefix}mlp.", pre_ln=pre_ln)

    y = attend(mlp(x)) if mlp_first else mlp(attend(x))
    return y + x if outer_residual else y


def encoder_layer(block_state: dict[str, torch.Tensor], config: Any) -> nn.TransformerEncoderLayer:
    """torch's post-LN encoder layer holding a BertBlock's state (head_size must be hidden / heads).

    project_query/key/value pack into in_proj_weight and in_proj_bias, [q | k | v].
    """
    a, m = "attention.self_attn.", "mlp."
    layer = nn.TransformerEncoderLayer(
        config.hidden_size, config.num_heads, config.intermediate_size, dropout=0.0, activation="gelu",
        layer_norm_eps=config.layer_norm_epsilon, batch_first=True, norm_first=False, dtype=torch.float64,
    )
    packed = {
        "self_attn.in_proj_weight": torch.cat([block_state[f"{a}project_{n}.weight"] for n in ("query", "key", "value")]),
        "self_attn.in_proj_bias": torch.cat([block_state[f"{a}project_{n}.bias"] for n in ("query", "key", "value")]),
        "self_attn.out_proj.weight": block_state[f"{a}project_output.weight"],
        "self_attn.out_proj.bias": block_state[f"{a}project_output.bias"],
        "linear1.weight": block_state[f"{m}first_linear.weight"],
        "linear1.bias": block_state[f"{m}first_linear.bias"],
        "linear2.weight": block_state[f"{m}second_linear.weight"],
        "linear2.bias": block_state[f"{m}second_linear.bias"],
        "norm1.weight": block_state["attention.layer_norm.weight"],
        "norm1.bias": block_state["attention.layer_norm.bias"],
        "norm2.weight": block_state[f"{m}layer_norm.weight"],
        "norm2.bias": block_state[f"{m}layer_norm.bias"],
    }
    layer.load_state_dict(packed)
    return layer.eval()



def optimizers_without_dynamo() -> None:
    """Let torch.optim optimizers be built (and used) in this process without importing torch._dynamo.

    Optimizer methods such as add_param_group are wrapped by torch._disable_dynamo, which
    imports torch._dynamo on first use: seconds of work, and it rebinds torch.manual_seed,
    which the guard then reports as replaced by the learner. A check process never
    compiles, so each wrapper is told that its "dynamo-disabled" version is the plain
    method. Call it when the check loads, before any learner code runs. Where torch's
    wrappers look different, torch._dynamo is imported instead (slow, but right).
    """
    wrapped = [getattr(value, "__wrapped__", None) for value in vars(torch.optim.Optimizer).values()]
    methods = [fn for fn in wrapped if callable(fn)]
    inner = getattr(torch.optim.Optimizer.add_param_group, "__code__", None)
    if not methods or inner is None or inner.co_name != "inner":
        importlib.import_module("torch._dynamo")
        return
    for fn in methods:
        setattr(fn, "__dynamo_disable", fn)
