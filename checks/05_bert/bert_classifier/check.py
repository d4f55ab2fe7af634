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
             mask_as_types=False):
    """BertClassifier with the reference's submodules, and its usual mistakes."""
    if mask_as_types:  # common(input_ids, one_zero_attention_mask): the second parameter is token_type_ids
        x = ref.common(input_ids, one_zero_attention_mask)
    else:
        x = ref.common(input_ids, one_zero_attention_mask=one_zero_attention_mask)  # (B, T, C)
    if pooling == "first":
        pooled = x[:, 0]
    elif pooling == "mean":
        pooled = x.mean(dim=1)
    else:  # the mean over the real tokens
        weights = one_zero_attention_mask.to(x.dtype).unsqueeze(-1)
        pooled = (x * weights).sum(dim=1) / weights.sum(dim=1)
    pooled = ref.dropout(pooled) if head_dropout else pooled
    y = ref.star_linear(pooled)  # (B, 1)
    stars = 5 * y + 5 if star == "scaled" else y
    return ref.pos_linear(pooled), stars.squeeze(-1) if flat else stars


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
    ]
    if output == "star_rating":
        found += [
            Mistake("it keeps the star head's last axis: shape (batch, 1), not (batch,)", variant(flat=False),
                    "Flatten it to (batch,): star_linear(x).squeeze(-1), or rearrange \"b 1 -> b\"."),
            Mistake("it is star_linear's raw output, without 5 * y + 5", variant(star="raw"),
                    "Scale and shift it: 5 * star_linear(x) + 5."),
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


def check(learner):
    config = tiny_config()
    label, ref, model = built(learner, "BertClassifier", reference.BertClassifier, config, 0, fields=FIELDS)
    input_ids, _ = token_batch(config, len(LENGTHS), SEQ, 1)
    one_zero = one_zero_mask(LENGTHS, SEQ)
    with context(f"{label} with copied weights, eval mode, a batch of 3 padded to {SEQ} (real lengths {list(LENGTHS)})"):
        expect_outputs(learner, model, ref, input_ids, one_zero, mode="eval", mistakes_of=lambda output: mistakes(ref, output))

    label, ref, model = built(learner, "BertClassifier", reference.BertClassifier, with_dropout(config, 1.0), 2, fields=FIELDS, mode="train")
    with context(f"{label} with copied weights, training mode: the pooled vector is dropped, leaving the heads' biases"):
        expect_outputs(learner, model, ref, input_ids, one_zero, mode="training", mistakes_of=lambda output: [
            Mistake("no dropout on the pooled vector in training mode",
                    lambda *args: classify(ref, *args, head_dropout=False)[OUTPUTS.index(output)],
                    "Apply nn.Dropout(config.dropout) to x[:, 0] before the two heads.")])

    label, ref, model = built(learner, "BertClassifier", reference.BertClassifier, with_dropout(config, 0.5), 3, fields=FIELDS)
    expect_dropout_modes(learner, model, ref, input_ids, one_zero, label="BertClassifier", where=f"{label} with copied weights",
                         compare=lambda: expect_outputs(learner, model, ref, input_ids, one_zero, mode="eval"))
