import torch

from mlkata.checking import CheckFailed, Mistake, context, expect_matches, load_reference
from mlkata.checking.bert import (
    TIGHT,
    built,
    expect_dropout_modes,
    one_zero_mask,
    tiny_config,
    token_batch,
    with_dropout,
)

reference = load_reference(__file__)

FIELDS = ("hidden_size", "num_heads", "head_size", "num_layers", "vocab_size", "dropout")
LENGTHS = (6, 4, 2)
SEQ = max(LENGTHS)
OUTPUTS = ("is_positive", "star_rating")


def classify(ref, input_ids, one_zero_attention_mask, *, pooling="first", star="scaled", flat=True, head_dropout=True,
             mask_as_types=False, use_mask=True, softmax=False):
    """BertClassifier with the reference's submodules, and its usual mistakes."""
    if mask_as_types:  # common(input_ids, one_zero_attention_mask): the second parameter is token_type_ids
        x = ref.common(input_ids, one_zero_attention_mask)
    elif not use_mask:
        x = ref.common(input_ids)
    else:
        x = ref.common(input_ids, one_zero_attention_mask=one_zero_attention_mask)  # (B, T, C)
    if pooling == "first":
        pooled = x[:, 0]
    elif pooling == "last":
        pooled = x[:, -1]
    elif pooling == "mean":
        pooled = x.mean(dim=1)
    else:  # the mean over the real tokens
        weights = one_zero_attention_mask.to(x.dtype).unsqueeze(-1)
        pooled = (x * weights).sum(dim=1) / weights.sum(dim=1)
    pooled = ref.dropout(pooled) if head_dropout else pooled
    y = ref.star_linear(pooled)  # (B, 1)
    stars = {"scaled": lambda: 5 * y + 5, "raw": lambda: y, "shift first": lambda: 5 * (y + 5)}[star]()
    positive = ref.pos_linear(pooled)
    return positive.softmax(-1) if softmax else positive, stars.squeeze(-1) if flat else stars


def mistakes(ref, output):
    index = OUTPUTS.index(output)

    def variant(**how):
        return lambda *args: classify(ref, *args, **how)[index]

    found = [
        Mistake("it pools with the mean over positions, not the first position",
                variant(pooling="mean"), "Keep only the first token's vector: x[:, 0]."),
        Mistake("it pools with the mean over the real tokens, not the first position",
                variant(pooling="masked mean"), "Keep only the first token's vector: x[:, 0]."),
        Mistake("the 1/0 mask reaches common as token_type_ids: common(input_ids, one_zero_attention_mask)",
                variant(mask_as_types=True),
                "BertCommon's second parameter is token_type_ids: pass the mask by name, "
                "self.common(input_ids, one_zero_attention_mask=one_zero_attention_mask)."),
        Mistake("it pools the last position, not the first", variant(pooling="last"),
                "BERT's [CLS] token is the first one: x[:, 0]. (With padding, the last position is often a pad token.)"),
        Mistake("the 1/0 mask does not reach common: real tokens attend to padding", variant(use_mask=False),
                "Pass it on: self.common(input_ids, one_zero_attention_mask=one_zero_attention_mask)."),
    ]
    if output == "is_positive":
        found.append(Mistake("is_positive has been through a softmax: it should be the logits", variant(softmax=True),
                             "Return pos_linear(x) as it is; the loss (cross-entropy) takes logits."))
    if output == "star_rating":
        found += [
            Mistake("it keeps the star head's last axis: shape (batch, 1), not (batch,)", variant(flat=False),
                    "Flatten it to (batch,): star_linear(x).squeeze(-1), or rearrange \"b 1 -> b\"."),
            Mistake("it is star_linear's raw output, without 5 * y + 5", variant(star="raw"),
                    "Scale and shift it: 5 * star_linear(x) + 5."),
            Mistake("it is 5 * (y + 5), not 5 * y + 5", variant(star="shift first"),
                    "Multiply first, then add: 5 * star_linear(x) + 5."),
        ]
    return found


def fields(value):
    missing = [name for name in OUTPUTS if not hasattr(value, name)]
    if missing:
        raise CheckFailed(f"BertClassifier returned a {type(value).__name__} without {' and '.join(missing)}",
                          ("Return BertClassifierOutput(is_positive, star_rating) (from mlkata.given.bert).",))
    return tuple(getattr(value, name) for name in OUTPUTS)


def expect_outputs(learner, model, ref, input_ids, one_zero, *, mode, mistakes_of=None):
    model.train(mode == "training")
    ref.train(mode == "training")
    for index, output in enumerate(OUTPUTS):
        expect_matches(
            lambda *args: fields(learner.call(model, *args, name="BertClassifier"))[index],
            lambda *args: getattr(ref(*args), output),
            input_ids, one_zero, what=f"{output} in {mode} mode",
            mistakes=mistakes_of(output) if mistakes_of else (), **TIGHT,
        )


def expect_one_dropout_draw(learner, model, input_ids, one_zero):
    """model.dropout runs once per forward: both heads read the same dropped vector."""
    dropout = getattr(model, "dropout", None)
    if not isinstance(dropout, torch.nn.Module):
        return
    calls = []
    handle = dropout.register_forward_hook(lambda module, args, out: calls.append(1))
    try:
        model.train()
        learner.call(model, input_ids, one_zero, name="BertClassifier")
    finally:
        handle.remove()
        model.eval()
    if len(calls) > 1:
        raise CheckFailed(
            f"self.dropout runs {len(calls)} times in one forward: the two heads see different dropout masks",
            ("Drop the pooled vector once, x = self.dropout(x[:, 0]), and give that same x to pos_linear and star_linear.",),
        )


def check(learner):
    config = tiny_config()
    label, ref, model = built(learner, "BertClassifier", reference.BertClassifier, config, 0, fields=FIELDS)
    input_ids, _ = token_batch(config, len(LENGTHS), SEQ, 1)
    one_zero = one_zero_mask(LENGTHS, SEQ)
    with context(f"{label} with copied weights, eval mode, a batch of 3 padded to {SEQ} (real lengths {list(LENGTHS)})"):
        expect_outputs(learner, model, ref, input_ids, one_zero, mode="eval", mistakes_of=lambda output: mistakes(ref, output))

    input_one, _ = token_batch(config, 1, 4, 4)
    with context(f"{label} with copied weights, eval mode, a batch of 1 without padding"):
        expect_outputs(learner, model, ref, input_one, one_zero_mask((4,), 4), mode="eval",
                       mistakes_of=lambda output: mistakes(ref, output) + [
                           Mistake("for a batch of 1, star_rating is 0-d: .squeeze() removed the batch axis too",
                                   lambda *args: classify(ref, *args)[1].squeeze(),
                                   "Remove only the last axis: .squeeze(-1) (or .flatten(), or rearrange \"b 1 -> b\").")]
                       if output == "star_rating" else mistakes(ref, output))

    label, ref, model = built(learner, "BertClassifier", reference.BertClassifier, with_dropout(config, 1.0), 2, fields=FIELDS, mode="train")
    with context(f"{label} with copied weights, training mode: the pooled vector is dropped, leaving the heads' biases"):
        expect_outputs(learner, model, ref, input_ids, one_zero, mode="training", mistakes_of=lambda output: [
            Mistake("no dropout on the pooled vector in training mode",
                    lambda *args: classify(ref, *args, head_dropout=False)[OUTPUTS.index(output)],
                    "Apply nn.Dropout(config.dropout) to x[:, 0] before the two heads.")])

    label, ref, model = built(learner, "BertClassifier", reference.BertClassifier, with_dropout(config, 0.5), 3, fields=FIELDS)
    with context(f"{label} with copied weights, training mode: one dropout mask for both heads"):
        expect_one_dropout_draw(learner, model, input_ids, one_zero)
    expect_dropout_modes(learner, model, ref, input_ids, one_zero, label="BertClassifier", where=f"{label} with copied weights",
                         compare=lambda: expect_outputs(learner, model, ref, input_ids, one_zero, mode="eval"))
