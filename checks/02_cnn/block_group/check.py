import torch

from mlkata.checking import load_reference, randn
from mlkata.checking.modules import build_seeded, expect_same_network

reference = load_reference(__file__)

# (n_blocks, in_feats, out_feats, first_stride)
GROUPS = [(1, 4, 4, 1), (3, 4, 8, 2), (2, 6, 6, 1), (2, 4, 6, 1)]
LAYOUT = (
    "Layout: ResidualBlock(in_feats, out_feats, first_stride) first, then n_blocks - 1 "
    "ResidualBlock(out_feats, out_feats), registered in that order (an nn.Sequential keeps it)."
)


def check(learner):
    for seed, (n_blocks, in_feats, out_feats, first_stride) in enumerate(GROUPS):
        label = f"BlockGroup({n_blocks}, {in_feats}, {out_feats}, first_stride={first_stride})"
        model = learner.BlockGroup(n_blocks, in_feats, out_feats, first_stride=first_stride)
        ref = build_seeded(lambda: reference.BlockGroup(n_blocks, in_feats, out_feats, first_stride=first_stride), seed)
        x = randn(2, in_feats, 8, 8, seed=seed, dtype=torch.float64)
        expect_same_network(learner, model.double(), ref.double(), x, label=label, advice=LAYOUT)
