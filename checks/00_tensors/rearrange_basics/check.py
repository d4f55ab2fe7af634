import torch

from mlkata.checking import context, expect_equal, part

# The targets, written out (the check may build tensors from lists; the learner may not).
TARGETS = {
    "rearrange_1": torch.tensor([[3, 4], [5, 6], [7, 8]]),
    "rearrange_2": torch.tensor([[1, 2, 3], [4, 5, 6]]),
    "rearrange_3": torch.tensor([[[1], [2], [3], [4], [5], [6]]]),
}


def expect_target(learner, name):
    target = TARGETS[name]
    with context(f"{name}() should be {target.tolist()}, int64, shape {tuple(target.shape)}"):
        expect_equal(getattr(learner, name)(), target, what=f"{name}()")


@part("rearrange_1")
def check_rearrange_1(learner):
    expect_target(learner, "rearrange_1")


@part("rearrange_2")
def check_rearrange_2(learner):
    expect_target(learner, "rearrange_2")


@part("rearrange_3")
def check_rearrange_3(learner):
    expect_target(learner, "rearrange_3")
