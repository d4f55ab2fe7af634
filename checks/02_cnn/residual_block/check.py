import torch

from mlkata.checking import load_reference, randn
from mlkata.checking.modules import build_seeded, expect_same_network

reference = load_reference(__file__)

# (in_feats, out_feats, first_stride): identity shortcut, then each reason for a 1x1 one.
BLOCKS = [(4, 4, 1), (4, 8, 2), (4, 8, 1), (6, 6, 2)]
LAYOUT = (
    "Layout: left = conv 3x3 (stride first_stride, no bias), bn, relu, conv 3x3 (no bias), bn; "
    "right = conv 1x1 (stride first_stride, no bias), bn when first_stride > 1 or in_feats != out_feats, "
    "else nothing; left registered before right."
)


def check(learner):
    for seed, (in_feats, out_feats, first_stride) in enumerate(BLOCKS):
        label = f"ResidualBlock({in_feats}, {out_feats}, first_stride={first_stride})"
        model = learner.ResidualBlock(in_feats, out_feats, first_stride=first_stride)
        ref = build_seeded(lambda: reference.ResidualBlock(in_feats, out_feats, first_stride=first_stride), seed)
        x = randn(2, in_feats, 7, 7, seed=seed, dtype=torch.float64)
        expect_same_network(learner, model.double(), ref.double(), x, label=label, advice=LAYOUT)
