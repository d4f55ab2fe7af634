import copy

import torch
import torch.nn.functional as F

from mlkata.checking import CheckFailed, Mistake, context, expect, expect_close, load_reference, part
from mlkata.checking.bert import (
    TIGHT,
    additive_mask,
    built,
    expect_dropout_modes,
    expect_module_matches,
    one_zero_mask,
    tiny_config,
    token_batch,
    with_dropout,
)
from mlkata.checking.inputs import generator

reference = load_reference(__file__)

FIELDS = ("hidden_size", "num_heads", "head_size", "num_layers", "vocab_size", "max_position_embeddings", "dropout")
LENGTHS = (5, 3, 2)  # a batch of 3 padded to 5: batch * seq = 15 < max_position_embeddings = 16
SEQ = max(LENGTHS)


def common(ref, input_ids, token_type_ids=None, one_zero_attention_mask=None, *,
           positions="row", default_type="zeros", use_mask=True, embedding_norm=True):
    """BertCommon in eval mode with the reference's submodules, and its usual mistakes."""
    B, T = input_ids.shape
    pos = {"row": torch.arange(T), "batch": torch.arange(B * T).view(B, T), "one": torch.arange(1, T + 1)}[positions]
    x = ref.token_embedding(input_ids) + ref.pos_embedding(pos)
    if token_type_ids is not None:
        x = x + ref.token_type_embedding(token_type_ids)
    elif default_type != "none":
        x = x + ref.token_type_embedding((torch.ones_like if default_type == "ones" else torch.zeros_like)(input_ids))
    x = ref.layer_norm(x) if embedding_norm else x
    mask = additive_mask(one_zero_attention_mask) if use_mask and one_zero_attention_mask is not None else None
    for block in ref.blocks:
        x = block(x, additive_attention_mask=mask)
    return x


def common_mistakes(ref):
    def variant(**how):
        return lambda *args, **kwargs: common(ref, *args, **kwargs, **how)

    return [
        Mistake("the positions run on across the batch: row 1 starts where row 0 ended", variant(positions="batch"),
                "Every row has positions 0, 1, ..., seq - 1: torch.arange(seq), broadcast over the batch."),
        Mistake("the positions start at 1", variant(positions="one"), "The first token has position 0: torch.arange(seq)."),
        Mistake("the padding mask is not used: real tokens attend to padding",
                lambda *args, **kwargs: common(ref, *args, **kwargs, use_mask=False),
                "Build make_additive_attention_mask(one_zero_attention_mask) once and pass it to every block."),
        Mistake("without token_type_ids, every token is given type 1", variant(default_type="ones"),
                "The default token type is 0: torch.zeros_like(input_ids)."),
        Mistake("without token_type_ids, the token type embedding is left out", variant(default_type="none"),
                "Default token_type_ids to zeros and still add token_type_embedding(token_type_ids): type 0 has its own vector."),
        Mistake("the embeddings' LayerNorm is missing", variant(embedding_norm=False),
                "Apply layer_norm (then dropout) to the sum of the three embeddings, before the blocks."),
    ]


def lm_head(ref, x, *, gelu=True, norm_first=False):
    W_E = ref.common.token_embedding.weight
    h = ref.lm_linear(x)
    if norm_first:
        h = F.gelu(ref.lm_layer_norm(h))
    else:
        h = ref.lm_layer_norm(F.gelu(h) if gelu else h)
    return h @ W_E.T + ref.unembed_bias


def lm_mistakes(ref):
    def variant(**how):
        return lambda *args, **kwargs: lm_head(ref, ref.common(*args, **kwargs), **how)

    return [
        Mistake("the GELU between lm_linear and lm_layer_norm is missing", variant(gelu=False),
                "The head is lm_layer_norm(gelu(lm_linear(x))), then the tied unembedding."),
        Mistake("the head applies lm_layer_norm before the GELU", variant(norm_first=True),
                "The head is lm_layer_norm(gelu(lm_linear(x))): GELU first."),
    ]


def unembedding_advice(name, problem):
    if problem == "extra" and "embed" in name:
        return ("MLAB's BertLanguageModel has no separate unembedding: the logits are "
                "lm_layer_norm(...) @ common.token_embedding.weight.T + unembed_bias, with the embedding matrix itself (tied).")
    if name == "unembed_bias" and problem == "missing":
        return "Register unembed_bias = nn.Parameter(torch.zeros(config.vocab_size)) on BertLanguageModel itself."
    return ""


def batch(config, seed):
    input_ids, token_type_ids = token_batch(config, len(LENGTHS), SEQ, seed)
    return input_ids, token_type_ids, one_zero_mask(LENGTHS, SEQ)


def described(label):
    return f"{label} with copied weights, eval mode, a batch of 3 padded to {SEQ} (real lengths {list(LENGTHS)})"


@part("BertCommon")
def check_common(learner):
    config = tiny_config()
    label, ref, model = built(learner, "BertCommon", reference.BertCommon, config, 0, fields=FIELDS)
    input_ids, token_type_ids, one_zero = batch(config, 1)
    mistakes = common_mistakes(ref)
    with context(f"{described(label)}, token types given"):
        expect_module_matches(learner, model, ref, input_ids, token_type_ids=token_type_ids,
                              one_zero_attention_mask=one_zero, label="BertCommon", mistakes=mistakes)
    with context(f"{described(label)}, token_type_ids left out (type 0 for every token)"):
        expect_module_matches(learner, model, ref, input_ids, one_zero_attention_mask=one_zero,
                              label="BertCommon", mistakes=mistakes)
    full = token_batch(config, 1, config.max_position_embeddings, 2)[0]
    with context(f"{label} with copied weights, eval mode, one row of max_position_embeddings = "
                 f"{config.max_position_embeddings} tokens, no mask"):
        expect_module_matches(learner, model, ref, full, label="BertCommon", mistakes=mistakes)

    label, ref, model = built(learner, "BertCommon", reference.BertCommon, with_dropout(config, 1.0), 3, fields=FIELDS, mode="train")
    with context(f"{described(label).replace('eval mode', 'training mode')}: every dropout zeroes its input"):
        expect_module_matches(learner, model, ref, input_ids, token_type_ids=token_type_ids,
                              one_zero_attention_mask=one_zero, label="BertCommon", what="the output in training mode")

    label, ref, model = built(learner, "BertCommon", reference.BertCommon, with_dropout(config, 0.5), 4, fields=FIELDS)
    expect_dropout_modes(learner, model, ref, input_ids, one_zero_attention_mask=one_zero, label="BertCommon",
                         where=described(label).replace(", eval mode", ""))


@part("BertLanguageModel")
def check_language_model(learner):
    config = tiny_config()
    label, ref, model = built(learner, "BertLanguageModel", reference.BertLanguageModel, config, 5, fields=FIELDS,
                              advice=unembedding_advice)
    input_ids, token_type_ids, one_zero = batch(config, 6)
    with context(f"{described(label)}, token types given"):
        expect_module_matches(learner, model, ref, input_ids, token_type_ids=token_type_ids,
                              one_zero_attention_mask=one_zero, label="BertLanguageModel", what="the logits",
                              mistakes=lm_mistakes(ref))

    with context(f"{described(label)}: gradients of the logits"):
        upstream = torch.randn(len(LENGTHS), SEQ, config.vocab_size, generator=generator(7), dtype=torch.float64)
        logits = learner.call(model, input_ids, one_zero_attention_mask=one_zero, name="BertLanguageModel")
        expect(logits.requires_grad, "the logits do not track gradients",
               "Compute them with torch operations on the parameters: no .detach(), .data or torch.no_grad().")
        logits.backward(upstream)
        ref(input_ids, one_zero_attention_mask=one_zero).backward(upstream)
        got = model.common.token_embedding.weight.grad
        expected = ref.common.token_embedding.weight.grad
        expect(got is not None, "common.token_embedding.weight.grad is None after backward")
        if not torch.allclose(got, expected, **TIGHT) and torch.allclose(
                got, embedding_path_gradient(ref, input_ids, one_zero, upstream), **TIGHT):
            raise CheckFailed(
                "common.token_embedding.weight.grad misses the unembedding's contribution",
                ("The embedding matrix is used twice, to embed and to unembed; its gradient is the sum of both. "
                 "Use common.token_embedding.weight itself in the unembedding: no .detach(), .data or copy.",),
            )
        expect_close(got, expected, what="common.token_embedding.weight.grad", **TIGHT)
        expect_close(model.unembed_bias.grad, ref.unembed_bias.grad, what="unembed_bias.grad", **TIGHT)
        expect_close(model.lm_linear.weight.grad, ref.lm_linear.weight.grad, what="lm_linear.weight.grad", **TIGHT)

    label, ref, model = built(learner, "BertLanguageModel", reference.BertLanguageModel, with_dropout(config, 1.0), 8,
                              fields=FIELDS, mode="train")
    with context(f"{described(label).replace('eval mode', 'training mode')}: every dropout zeroes its input"):
        expect_module_matches(learner, model, ref, input_ids, one_zero_attention_mask=one_zero,
                              label="BertLanguageModel", what="the logits in training mode")


def embedding_path_gradient(ref, input_ids, one_zero, upstream):
    """The embedding's gradient without the unembedding's term (a detached unembedding)."""
    twin = copy.deepcopy(ref)
    twin.zero_grad()
    W_E = twin.common.token_embedding.weight
    h = twin.lm_layer_norm(F.gelu(twin.lm_linear(twin.common(input_ids, one_zero_attention_mask=one_zero))))
    (h @ W_E.detach().T + twin.unembed_bias).backward(upstream)
    return W_E.grad
