from mlkata.checking import Mistake, context, load_reference
from mlkata.checking.bert import (
    bert_mlp,
    built,
    expect_dropout_modes,
    expect_module_matches,
    hidden_states,
    layer_norm,
    tiny_config,
    with_dropout,
)

reference = load_reference(__file__)

FIELDS = ("hidden_size", "intermediate_size", "dropout", "layer_norm_epsilon")
# BERT's eps first; then an eps large enough that every eps mistake shows.
CONFIGS = [tiny_config(), tiny_config(intermediate_size=40, layer_norm_epsilon=0.1)]
SIZES = [(3, 5), (1, 1)]


def mistakes(state, eps):
    def variant(**how):
        return lambda x: bert_mlp(x, state, eps, **how)

    return [
        Mistake("it uses the tanh approximation of GELU", variant(activation="tanh"),
                "BERT's GELU is the exact one: F.gelu(h), without approximate=\"tanh\"."),
        Mistake("it is pre-LN: x + mlp(layer_norm(x))", variant(pre_ln=True),
                "BERT is post-LN: add the MLP's output to x first, then apply layer_norm to the sum."),
        Mistake(f"its LayerNorm uses eps = 1e-05 (the default), not config.layer_norm_epsilon = {eps:g}",
                lambda x: bert_mlp(x, state, 1e-5),
                "Pass eps=config.layer_norm_epsilon when you build the LayerNorm."),
        Mistake("it uses ReLU instead of GELU", variant(activation="relu"), "Use F.gelu between the two linear layers."),
        Mistake("the residual connection is missing: layer_norm(mlp(x))", variant(residual=False),
                "Add the input back before the LayerNorm: layer_norm(x + mlp(x))."),
    ]


def dropout_one_mistakes(state, eps):
    return [
        Mistake("the dropout acts before second_linear, so its bias survives dropout = 1",
                lambda x: layer_norm(x + state["second_linear.bias"], state, "layer_norm", eps),
                "Apply the dropout to second_linear's output, just before adding x."),
        Mistake("no dropout in training mode: with dropout = 1 the MLP's output should vanish",
                lambda x: bert_mlp(x, state, eps),
                "Add nn.Dropout(config.dropout) on second_linear's output; in training mode with p = 1 it zeroes everything."),
    ]


def check(learner):
    for seed, config in enumerate(CONFIGS):
        label, ref, model = built(learner, "BertMLP", reference.BertMLP, config, seed, fields=FIELDS)
        state = ref.state_dict()
        for index, (batch, seq) in enumerate(SIZES):
            x = hidden_states(batch, seq, config.hidden_size, seed=10 * seed + index, scale=1.5)
            with context(f"{label} with copied weights, eval mode, float64 x of shape {tuple(x.shape)}"):
                expect_module_matches(learner, model, ref, x, label="BertMLP",
                                      mistakes=mistakes(state, config.layer_norm_epsilon))

    config = with_dropout(tiny_config(), 1.0)
    label, ref, model = built(learner, "BertMLP", reference.BertMLP, config, 5, fields=FIELDS, mode="train")
    x = hidden_states(2, 4, config.hidden_size, seed=50, scale=1.5)
    with context(f"{label} with copied weights, training mode: the MLP's output is dropped, leaving layer_norm(x)"):
        expect_module_matches(learner, model, ref, x, label="BertMLP", what="the output in training mode",
                              mistakes=dropout_one_mistakes(ref.state_dict(), config.layer_norm_epsilon))

    config = with_dropout(tiny_config(), 0.5)
    label, ref, model = built(learner, "BertMLP", reference.BertMLP, config, 6, fields=FIELDS)
    expect_dropout_modes(learner, model, ref, x, label="BertMLP", where=f"{label} with copied weights")
