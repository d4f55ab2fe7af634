import numpy as np

from mlkata.checking import CheckFailed, context, expect, part
from mlkata.checking.autograd import given

GLOBAL_ADVICE = (
    "The framework reads mlkata.given.autograd.grad_tracking_enabled. `global grad_tracking_enabled`, or an import of "
    "the name, makes a variable of your own file, which the framework never reads: set the module's attribute, "
    "`autograd.grad_tracking_enabled = False`."
)


def flag():
    return given().grad_tracking_enabled


def expect_tracking(expected, where):
    A = given()
    a = A.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = a + a
    records = b.recipe is not None
    if flag() != expected or records != expected:
        state = "on" if expected else "off"
        if expected:
            headline = f"{where}, gradient tracking is still off (a + a records no recipe)"
            advice = ("__exit__ must put back the flag __enter__ found (self.was_enabled), and must run even when "
                      "the block raises.")
        else:
            headline = f"{where}, gradient tracking is still on (a + a records a recipe)"
            advice = GLOBAL_ADVICE
        raise CheckFailed(headline, (f"Tracking should be {state} here.", advice))


@part("NoGrad")
def check_no_grad(learner):
    A = given()
    try:
        with context("before, inside and after `with NoGrad():`"):
            expect_tracking(True, "before the block")
            manager = learner.NoGrad()
            learner.call(manager.__enter__, name="NoGrad().__enter__")
            expect_tracking(False, "inside `with NoGrad():`")
            learner.call(manager.__exit__, None, None, None, name="NoGrad().__exit__")
            expect_tracking(True, "after `with NoGrad():`")
        with context("nested: with NoGrad(): with NoGrad(): ...  then code after the inner block, inside the outer"):
            with learner.NoGrad():
                with learner.NoGrad():
                    expect_tracking(False, "inside two nested NoGrad blocks")
                if flag():
                    raise CheckFailed(
                        "after an inner NoGrad block ends inside an outer one, tracking is back on",
                        ("__exit__ sets the flag to True unconditionally. Restore the value __enter__ found "
                         "(self.was_enabled): inside the outer block, that was False.",),
                    )
                expect_tracking(False, "inside the outer NoGrad block, after the inner one")
            expect_tracking(True, "after both nested blocks")
        with context("NoGrad() made while tracking is on, then tracking turned off, then `with` that NoGrad"):
            manager = learner.NoGrad()
            A.grad_tracking_enabled = False
            with manager:
                expect_tracking(False, "inside the block")
            expect_tracking(False, "after a NoGrad block entered with tracking off (__enter__ must read the flag when the block starts)")
            A.grad_tracking_enabled = True
        with context("a block that raises: with NoGrad(): raise ValueError"):
            raised = False
            try:
                with learner.NoGrad():
                    raise ValueError("raised inside the block by the check")
            except ValueError:
                raised = True
            expect(raised, "an exception raised inside `with NoGrad():` disappeared",
                   "__exit__ returns a true value, which tells Python to swallow the exception: return None.")
            expect_tracking(True, "after a NoGrad block that raised")
        with context("one NoGrad object used for two blocks, one after the other"):
            manager = learner.NoGrad()
            for _ in range(2):
                with manager:
                    expect_tracking(False, "inside the block")
                expect_tracking(True, "after the block")
    finally:
        A.grad_tracking_enabled = True
