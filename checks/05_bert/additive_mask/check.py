import torch
import torch.nn.functional as F

from mlkata.checking import CheckFailed, Mistake, context, expect_matches, load_reference
from mlkata.checking.bert import one_zero_mask
from mlkata.checking.inputs import generator

reference = load_reference(__file__)

# (real lengths, seq, dtype of the 1/0 mask, big_negative_number or None for the default)
CASES = [
    ((5, 3, 1), 5, torch.int64, None),
    ((5, 3, 1), 5, torch.int64, -1e9),
    ((4, 2), 4, torch.float32, -5.0),
    ((3,), 3, torch.int64, None),
    ((1,), 1, torch.int64, -7.0),
]
HEADS, HEAD_SIZE = 2, 3


def mistakes(big):
    return [
        Mistake("the mask is inverted: big_negative_number at the real tokens, 0 at the padding",
                lambda m, *big_arg: (m.double() * big).view(m.shape[0], 1, 1, m.shape[1]),
                "Padding is where the 1/0 mask is 0: (1 - mask) * big_negative_number."),
        Mistake("big_negative_number is ignored: the padding gets -10000",
                lambda m, *big_arg: ((1 - m.double()) * -10000).view(m.shape[0], 1, 1, m.shape[1]),
                "Multiply by the big_negative_number argument; -10000 is only its default."),
        Mistake("the result keeps the shape (batch, seq)",
                lambda m, *big_arg: (1 - m.double()) * big,
                "Add two axes of size 1: (batch, 1, 1, seq) broadcasts over heads and queries, while (batch, seq) "
                "would line up with (seq_q, seq_k) of the scores."),
    ]


def learner_mask(learner):
    """The learner's function; a (batch, 1, seq, seq) result with identical query rows reads as (batch, 1, 1, seq)."""
    def call(one_zero, *big):
        got = learner.make_additive_attention_mask(one_zero, *big)
        if not isinstance(got, torch.Tensor):
            return got
        if got.dtype == torch.bool:
            raise CheckFailed(f"make_additive_attention_mask returned a boolean tensor {tuple(got.shape)}",
                              ("An additive mask holds numbers to add to the scores: 0 for real tokens, "
                               "big_negative_number for padding.",))
        B, T = one_zero.shape
        if got.dim() == 4 and tuple(got.shape) == (B, 1, T, 1) and T > 1:
            raise CheckFailed(
                f"make_additive_attention_mask returned shape {tuple(got.shape)}, (batch, 1, seq, 1): it masks queries, not keys",
                ("Added to (batch, head, seq_q, seq_k) scores it shifts each query's whole row by one constant, which "
                 "softmax cancels: padding keys stay visible. Return (batch, 1, 1, seq), the keys on the last axis.",),
            )
        if got.dim() == 4 and tuple(got.shape) == (B, 1, T, T):
            if not torch.equal(got, got[:, :, :1, :].expand_as(got)):
                raise CheckFailed(
                    f"make_additive_attention_mask returned a (batch, 1, seq, seq) mask whose rows differ between queries",
                    ("Every query sees the same keys: mask only the padding keys, the same for each query "
                     "(return (batch, 1, 1, seq) and let broadcasting repeat it).",),
                )
            return got[:, :, :1, :]
        return got

    return call


def attend(mask, q, k, v):
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask.to(q.dtype))


def check(learner):
    call = learner_mask(learner)
    for seed, (lengths, seq, dtype, big) in enumerate(CASES):
        one_zero = one_zero_mask(lengths, seq).to(dtype)
        args = (one_zero,) if big is None else (one_zero, big)
        shown = "default big_negative_number" if big is None else f"big_negative_number={big:g}"
        with context(f"{str(dtype).removeprefix('torch.')} 1/0 mask of shape {tuple(one_zero.shape)}, "
                     f"real lengths {list(lengths)}, {shown}"):
            expect_matches(call, reference.make_additive_attention_mask, *args, what="the additive mask",
                           mistakes=mistakes(-10000.0 if big is None else big), check_dtype=False, rtol=1e-6, atol=1e-6)

    lengths, seq = (5, 3, 1), 5
    one_zero = one_zero_mask(lengths, seq)
    mask = call(one_zero)
    gen = generator(9)
    q, k, v = (torch.randn(3, HEADS, seq, HEAD_SIZE, generator=gen, dtype=torch.float64) for _ in range(3))
    padding = (one_zero == 0).view(3, 1, seq, 1)
    k2 = torch.where(padding, 5 * torch.randn(k.shape, generator=gen, dtype=torch.float64), k)
    v2 = torch.where(padding, 5 * torch.randn(v.shape, generator=gen, dtype=torch.float64), v)
    with context(f"attention with your mask for real lengths {list(lengths)}: new contents at the padding tokens"):
        before, after = attend(mask, q, k, v), attend(mask, q, k2, v2)
        if not torch.allclose(before, after, rtol=0, atol=1e-12):
            raise CheckFailed("with your mask, the attention output changes when the padding tokens change",
                              ("Padding keys must get no weight: big_negative_number at the padding, 0 at real tokens.",))
