import torch

from mlkata.checking import Mistake, load_reference, randn
from mlkata.checking.modules import build_seeded, chained, earlier_class, expect_same_network, from_earlier_exercise

reference = load_reference(__file__)

# (n_blocks, in_feats, out_feats, first_stride)
GROUPS = [(1, 4, 4, 1), (3, 4, 8, 2), (2, 6, 6, 1), (2, 4, 6, 1)]
LAYOUT = (
    "Layout: ResidualBlock(in_feats, out_feats, first_stride) first, then n_blocks - 1 "
    "ResidualBlock(out_feats, out_feats), registered in that order (an nn.Sequential keeps it)."
)


def group_mistakes(group):
    """Groups wired the usual wrong ways, as formulas of x with the reference group's blocks."""
    blocks = list(group.blocks)
    found = []
    if len(blocks) > 1:
        found += [
            Mistake("it runs only the first block", chained(blocks[:1]),
                    "forward passes x through every block in turn: return self.blocks(x)."),
            Mistake("it runs the first block n_blocks times (the same block object repeated)", chained(blocks[:1] * len(blocks)),
                    "Each block is its own ResidualBlock(...) with its own weights: build them in a loop or a "
                    "list comprehension, and run each once."),
        ]
    return found


def check(learner):
    n_blocks, in_feats, out_feats, first_stride = GROUPS[0]
    learner.BlockGroup(n_blocks, in_feats, out_feats, first_stride=first_stride)  # a stub stops here: not started

    # The blocks come from the learner's residual_block: a wrong one is named before any group.
    block = earlier_class(learner, "ResidualBlock", "residual_block")
    if block is not None:
        with from_earlier_exercise("residual_block", "ResidualBlock", learner):
            label = "ResidualBlock(4, 8, first_stride=2)"
            ref = build_seeded(lambda: reference.ResidualBlock(4, 8, 2), seed=9)
            x = randn(2, 4, 8, 8, seed=9, dtype=torch.float64)
            expect_same_network(learner, block(4, 8, 2).double(), ref.double(), x, label=label)

    for seed, (n_blocks, in_feats, out_feats, first_stride) in enumerate(GROUPS):
        label = f"BlockGroup({n_blocks}, {in_feats}, {out_feats}, first_stride={first_stride})"
        model = learner.BlockGroup(n_blocks, in_feats, out_feats, first_stride=first_stride)
        ref = build_seeded(lambda: reference.BlockGroup(n_blocks, in_feats, out_feats, first_stride=first_stride), seed)
        x = randn(2, in_feats, 8, 8, seed=seed, dtype=torch.float64)
        expect_same_network(learner, model.double(), ref.double(), x, label=label, advice=LAYOUT, mistakes=group_mistakes)
