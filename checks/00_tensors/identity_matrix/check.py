import torch

from mlkata.checking import expect_close


def check(learner):
    for n in (0, 1, 2, 5, 17):
        expect_close(learner.identity_matrix(n), torch.eye(n), what=f"identity_matrix({n})")
