from mlkata.checking import Mistake, context, expect_matches, load_reference, part
from mlkata.checking.bert import (
    TIGHT,
    additive_mask,
    bert_attention,
    bert_block,
    built,
    encoder_layer,
    expect_dropout_modes,
    expect_module_matches,
    hidden_states,
    one_zero_mask,
    tiny_config,
    with_dropout,
)

reference = load_reference(__file__)

FIELDS = ("hidden_size", "num_heads", "head_size", "dropout")
LENGTHS = (6, 3, 1)  # real lengths of a batch of 3, padded to 6


def batch(hidden_size, seed):
    x = hidden_states(len(LENGTHS), max(LENGTHS), hidden_size, seed=seed, scale=1.5)
    return x, additive_mask(one_zero_mask(LENGTHS, max(LENGTHS)))


def masked(label):
    return f"{label}: float64 x of shape (3, 6, hidden_size), a padding mask with real lengths {list(LENGTHS)}"


def attention_mistakes(state, config):
    def variant(**how):
        return lambda x, additive_attention_mask=None: bert_attention(x, state, config, additive_attention_mask, **how)

    return [
        Mistake("it is pre-LN: x + self_attn(layer_norm(x))", variant(pre_ln=True),
                "BERT is post-LN: layer_norm(x + dropout(self_attn(x, mask)))."),
        Mistake("the mask does not reach self_attn: padding tokens are attended to",
                lambda x, additive_attention_mask=None: bert_attention(x, state, config, None),
                "Pass additive_attention_mask on: self.self_attn(x, additive_attention_mask)."),
        Mistake("the residual connection is missing: layer_norm(self_attn(x))", variant(residual=False),
                "Add the input back before the LayerNorm: layer_norm(x + dropout(self_attn(x, mask)))."),
    ]


def block_mistakes(state, config):
    def variant(**how):
        return lambda x, additive_attention_mask=None: bert_block(x, state, config, additive_attention_mask, **how)

    return [
        Mistake("the mask does not reach the attention: padding tokens are attended to",
                lambda x, additive_attention_mask=None: bert_block(x, state, config, None),
                "Pass additive_attention_mask on: self.attention(x, additive_attention_mask)."),
        Mistake("its LayerNorms come first (pre-LN): h = x + attention(layer_norm(x)), then h + mlp(layer_norm(h))",
                variant(pre_ln=True),
                "BERT is post-LN: each sublayer computes layer_norm(x + sublayer(x)); BertAttention and BertMLP do it already."),
        Mistake("it adds a residual around the whole block: mlp(attention(x)) + x", variant(outer_residual=True),
                "Each sublayer has its own residual inside it; the block only chains them: mlp(attention(x, mask))."),
        Mistake("it runs the MLP before the attention", variant(mlp_first=True),
                "Attention first, then the MLP on its output."),
    ]


@part("BertAttention")
def check_attention(learner):
    config = tiny_config()
    label, ref, model = built(learner, "BertAttention", reference.BertAttention, config, 0, fields=FIELDS)
    mistakes = attention_mistakes(ref.state_dict(), config)
    x, mask = batch(config.hidden_size, 1)
    with context(masked(f"{label} with copied weights, eval mode")):
        expect_module_matches(learner, model, ref, x, additive_attention_mask=mask, label="BertAttention", mistakes=mistakes)
    with context(f"{label} with copied weights, eval mode, no mask"):
        expect_module_matches(learner, model, ref, x, label="BertAttention", mistakes=mistakes)

    config = with_dropout(tiny_config(), 1.0)
    label, ref, model = built(learner, "BertAttention", reference.BertAttention, config, 2, fields=FIELDS, mode="train")
    with context(masked(f"{label} with copied weights, training mode: the attention is dropped, leaving layer_norm(x)")):
        expect_module_matches(learner, model, ref, x, additive_attention_mask=mask, label="BertAttention",
                              what="the output in training mode", mistakes=[Mistake(
                                  "no dropout in training mode: with dropout = 1 the attention's output should vanish",
                                  lambda x, additive_attention_mask: bert_attention(x, ref.state_dict(), config, additive_attention_mask),
                                  "Add nn.Dropout(config.dropout) on self_attn's output, before the residual sum.")])

    label, ref, model = built(learner, "BertAttention", reference.BertAttention, with_dropout(tiny_config(), 0.5), 3, fields=FIELDS)
    expect_dropout_modes(learner, model, ref, x, additive_attention_mask=mask, label="BertAttention",
                         where=masked(f"{label} with copied weights"))


@part("BertBlock")
def check_block(learner):
    config = tiny_config()
    label, ref, model = built(learner, "BertBlock", reference.BertBlock, config, 4, fields=FIELDS)
    x, mask = batch(config.hidden_size, 5)
    with context(masked(f"{label} with copied weights, eval mode")):
        expect_module_matches(learner, model, ref, x, additive_attention_mask=mask, label="BertBlock",
                              mistakes=block_mistakes(ref.state_dict(), config))

    # head_size = hidden_size / num_heads: torch's own post-LN encoder layer is the reference.
    config = tiny_config(head_size=8)
    label, ref, model = built(learner, "BertBlock", reference.BertBlock, config, 6, fields=FIELDS)
    layer = encoder_layer(ref.state_dict(), config)
    B, T = len(LENGTHS), max(LENGTHS)
    with context(masked(f"{label} with copied weights, eval mode, against nn.TransformerEncoderLayer(norm_first=False, "
                        f"activation=\"gelu\") holding the same weights")):
        expect_matches(lambda x, additive_attention_mask: learner.call(model, x, additive_attention_mask=additive_attention_mask, name="BertBlock"),
                       lambda x, additive_attention_mask: layer(x, src_key_padding_mask=additive_attention_mask.view(B, T)),
                       x, additive_attention_mask=mask, what="the output",
                       mistakes=block_mistakes(ref.state_dict(), config), **TIGHT)

    config = with_dropout(tiny_config(), 1.0)
    label, ref, model = built(learner, "BertBlock", reference.BertBlock, config, 8, fields=FIELDS, mode="train")
    with context(masked(f"{label} with copied weights, training mode: both sublayers are dropped, "
                        "leaving mlp.layer_norm(attention.layer_norm(x))")):
        expect_module_matches(learner, model, ref, x, additive_attention_mask=mask, label="BertBlock",
                              what="the output in training mode")
