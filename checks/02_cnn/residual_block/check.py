import torch
import torch.nn.functional as F

from mlkata.checking import Mistake, load_reference, randn
from mlkata.checking.modules import build_seeded, expect_same_network

reference = load_reference(__file__)

# (in_feats, out_feats, first_stride): identity shortcut, then each reason for a 1x1 one.
BLOCKS = [(4, 4, 1), (4, 8, 2), (4, 8, 1), (6, 6, 2)]
LAYOUT = (
    "Layout: left = conv 3x3 (stride first_stride, no bias), bn, relu, conv 3x3 (no bias), bn; "
    "right = conv 1x1 (stride first_stride, no bias), bn when first_stride > 1 or in_feats != out_feats, "
    "else nothing; left registered before right."
)


def block_mistakes(block):
    """Blocks wired the usual wrong ways, as formulas of x with the reference block's layers."""

    def left(x):
        return block.bn2(block.conv2(block.relu(block.bn1(block.conv1(x)))))

    def stride_on_second_conv(x):
        stride = block.conv1.stride
        if stride == (1, 1):
            return None
        out = block.relu(block.bn1(F.conv2d(x, block.conv1.weight, padding=1)))
        out = block.bn2(F.conv2d(out, block.conv2.weight, stride=stride, padding=1))
        return block.relu(out + block.downsample(x))

    return [
        Mistake("it applies the ReLU before the add, not after it", lambda x: block.relu(left(x)) + block.downsample(x),
                "The block ends relu(left(x) + right(x)): the last BatchNorm of the left branch is added to the "
                "shortcut first, then the ReLU."),
        Mistake("it applies a ReLU before the add as well as after it",
                lambda x: block.relu(block.relu(left(x)) + block.downsample(x)),
                "The left branch ends with its BatchNorm, no ReLU: relu(left(x) + right(x))."),
        Mistake("it leaves out the ReLU after the sum", lambda x: left(x) + block.downsample(x),
                "The block returns relu(left(x) + right(x))."),
        Mistake("it leaves out the shortcut (the output is relu(left(x)), without right(x))", lambda x: block.relu(left(x)),
                "Add the shortcut before the last ReLU: relu(left(x) + right(x))."),
        Mistake("it puts first_stride on the second 3x3 convolution, not the first", stride_on_second_conv,
                "The first 3x3 convolution (and the 1x1 shortcut) take stride=first_stride; the second has stride 1."),
    ]


def check(learner):
    for seed, (in_feats, out_feats, first_stride) in enumerate(BLOCKS):
        label = f"ResidualBlock({in_feats}, {out_feats}, first_stride={first_stride})"
        model = learner.ResidualBlock(in_feats, out_feats, first_stride=first_stride)
        ref = build_seeded(lambda: reference.ResidualBlock(in_feats, out_feats, first_stride=first_stride), seed)
        x = randn(2, in_feats, 7, 7, seed=seed, dtype=torch.float64)
        expect_same_network(learner, model.double(), ref.double(), x, label=label, advice=LAYOUT, mistakes=block_mistakes)
