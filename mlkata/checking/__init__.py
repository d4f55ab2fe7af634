"""What checks import: comparisons that explain, seeded inputs, tracked learner calls.

A check is a module in `checks/<section>/<name>.py` with one function::

    def check(learner):
        for n in (0, 1, 5):
            expect_close(learner.identity_matrix(n), torch.eye(n), what=f"identity_matrix({n})")

`learner` is the learner's module, seen through `Learner`. Raise `CheckFailed` (or let
an `expect_*` raise it) to fail; return normally to pass. Nothing here imports Rich or
knows about the command line.
"""

from mlkata.checking.compare import expect, expect_close, expect_equal, expect_shape
from mlkata.checking.describe import describe
from mlkata.checking.failure import CheckFailed, context
from mlkata.checking.inputs import (
    expanded,
    generator,
    layouts,
    rand,
    randint,
    randn,
    strided,
    transposed,
)
from mlkata.checking.learner import Learner
from mlkata.checking.reference import load_reference
from mlkata.checking.spec import Mistake, expect_matches, expect_same, part

__all__ = [
    "CheckFailed",
    "Learner",
    "Mistake",
    "context",
    "describe",
    "expanded",
    "expect",
    "expect_close",
    "expect_equal",
    "expect_matches",
    "expect_same",
    "expect_shape",
    "generator",
    "layouts",
    "load_reference",
    "part",
    "rand",
    "randint",
    "randn",
    "strided",
    "transposed",
]
