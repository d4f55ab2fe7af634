import functools

from mlkata.checking import Mistake, context, expect_matches, load_reference
from mlkata.checking.bert import (
    TIGHT,
    attention_pattern,
    config_text,
    head_size_advice,
    hidden_states,
    learner_module,
    seeded,
    tiny_config,
)

reference = load_reference(__file__)

# The main config first: num_heads * head_size = 12 < hidden_size = 16.
CONFIGS = [tiny_config(), tiny_config(num_heads=4, head_size=3), tiny_config(head_size=8)]
# (batch, seq) of x: a batch, then edge sizes.
SIZES = [(3, 5), (2, 7), (1, 1)]
FIELDS = ("hidden_size", "num_heads", "head_size")


def mistakes(state, config):
    nh, hs, H = config.num_heads, config.head_size, config.hidden_size

    def pattern(**how):
        return lambda x: attention_pattern(x, state, nh, **how)

    return [
        Mistake(
            "the heads are split as \"(head_size head)\": each head gets every num_heads-th feature",
            pattern(split="head_size head"),
            "Head h owns head_size consecutive outputs of the projection: "
            "rearrange(q, \"b s (head head_size) -> b head s head_size\", head=num_heads).",
        ),
        Mistake(
            "the pattern is transposed: the last two dimensions are (key, query)",
            pattern(transpose=True),
            "pattern[b, h, q, k] pairs query q with key k: "
            "einsum(\"b h q d, b h k d -> b h q k\", q, k), queries before keys.",
        ),
        Mistake("the scores are not scaled", pattern(scale=1.0), "Divide q·k by sqrt(head_size)."),
        Mistake(
            "the scores are divided by head_size, not by its square root",
            pattern(scale=float(hs)),
            "Divide by head_size ** 0.5.",
        ),
        Mistake(
            f"the scores are scaled by sqrt(hidden_size // num_heads) = sqrt({H // nh}), not by sqrt(head_size) = sqrt({hs})",
            pattern(scale=(H // nh) ** 0.5),
            "Use self.head_size, from config.head_size: it need not equal hidden_size // num_heads.",
        ),
        Mistake(
            f"the scores are scaled by sqrt(hidden_size) = sqrt({H}), not by sqrt(head_size) = sqrt({hs})",
            pattern(scale=H**0.5),
            "Each score is a dot product over one head's head_size features: divide by sqrt(head_size).",
        ),
    ]


def check(learner):
    for seed, config in enumerate(CONFIGS):
        label = f"BertSelfAttention({config_text(config, FIELDS)})"
        ref = seeded(lambda: reference.BertSelfAttention(config), seed)
        with context(f"{label}: its parameters"):
            model = learner_module(learner, "BertSelfAttention", config, ref, label="BertSelfAttention",
                                   advice=head_size_advice(config))
        state = ref.state_dict()
        method = functools.partial(learner.call, model.attention_pattern_pre_softmax,
                                   name="BertSelfAttention.attention_pattern_pre_softmax")
        for index, (batch, seq) in enumerate(SIZES):
            x = hidden_states(batch, seq, config.hidden_size, seed=10 * seed + index, scale=2.0)
            with context(f"{label} with copied weights, float64, x of shape {tuple(x.shape)}"):
                expect_matches(method, lambda x: attention_pattern(x, state, config.num_heads), x,
                               what="the attention pattern", mistakes=mistakes(state, config), **TIGHT)

    config = CONFIGS[0]
    label = f"BertSelfAttention({config_text(config, FIELDS)}).float()"
    ref = seeded(lambda: reference.BertSelfAttention(config), 7)
    model = learner_module(learner, "BertSelfAttention", config, ref, label="BertSelfAttention").float()
    state = {name: value.float() for name, value in ref.state_dict().items()}
    x = hidden_states(2, 6, config.hidden_size, seed=99, scale=2.0).float()
    with context(f"{label} with copied weights, float32, x of shape {tuple(x.shape)}"):
        expect_matches(functools.partial(learner.call, model.attention_pattern_pre_softmax,
                                         name="BertSelfAttention.attention_pattern_pre_softmax"),
                       lambda x: attention_pattern(x, state, config.num_heads), x,
                       what="the attention pattern", rtol=1e-5, atol=1e-5)
