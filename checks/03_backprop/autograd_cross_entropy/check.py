import numpy as np
import torch
import torch.nn.functional as F

from mlkata.checking import CheckFailed, Mistake, context, expect, expect_close, part
from mlkata.checking.autograd import given
from mlkata.checking.backfuncs import expect_unchanged, rand_array, tensor_arrays

INF = float("inf")
# (batch, classes, scale, dtype): logits = scale * standard normal, within ±50.
CASES = [(4, 4, 3.0, np.float64), (5, 4, 3.0, np.float64), (8, 10, 12.0, np.float64), (6, 3, 3.0, np.float32), (1, 3, 1.0, np.float64),
         (4, 1, 1.0, np.float64)]


def reference(logits, labels):
    return F.cross_entropy(torch.tensor(logits), torch.tensor(labels), reduction="none").numpy()


def mistakes():
    return [
        Mistake("averages the losses: reduction='none' keeps one loss per example",
                lambda lg, lb: np.asarray(reference(lg, lb).mean())),
        Mistake("sums the losses: reduction='none' keeps one loss per example",
                lambda lg, lb: np.asarray(reference(lg, lb).sum())),
        Mistake("returns the probability of the true class, not minus its log",
                lambda lg, lb: np.exp(-reference(lg, lb))),
    ]


def learner_loss(learner, logits_array, labels_array):
    A = given()
    logits = A.Tensor(logits_array.copy(), requires_grad=True)
    labels = A.Tensor(labels_array.copy())
    before = tensor_arrays(logits, labels)
    out = learner.cross_entropy(logits, labels)
    expect_unchanged([logits, labels], before, ["logits", "true_labels"], "cross_entropy")
    expect(isinstance(out, A.Tensor), f"cross_entropy returned a {type(out).__name__}; it should return a Tensor",
           "Build the loss with the framework's Tensor operations.")
    return logits, out


@part("cross_entropy")
def check_cross_entropy(learner):
    A = given()
    for seed, (batch, classes, scale, dtype) in enumerate(CASES):
        logits_array = rand_array((batch, classes), seed, dtype) * dtype(scale)
        labels_array = np.random.default_rng(100 + seed).integers(0, classes, size=batch)
        text = f"logits of shape ({batch}, {classes}) ({np.dtype(dtype)}, within ±{int(scale * 4)}), labels {labels_array.tolist()}"
        with context(text):
            logits, out = learner_loss(learner, logits_array, labels_array)
            expected = reference(logits_array, labels_array)
            got = np.asarray(out.array)
            tol = 1e-5 if dtype == np.float32 else 1e-10
            if got.shape != expected.shape:
                if got.shape == (batch, classes):
                    raise CheckFailed(
                        f"cross_entropy returns shape {got.shape}: it picked whole rows, logits[true_labels], "
                        "instead of one logit per example",
                        ("Index with two arrays, logits[arange(0, n_batch), true_labels]: the pairs (i, label_i).",),
                    )
                for mistake in mistakes():
                    if np.shape(mistake.formula(logits_array, labels_array)) == got.shape and np.allclose(
                            got, mistake.formula(logits_array, labels_array), rtol=tol, atol=tol):
                        raise CheckFailed(f"cross_entropy {mistake.headline}", (f"The result should have shape ({batch},).",))
            for mistake in mistakes():
                wrong = mistake.formula(logits_array, labels_array)
                if got.shape == np.shape(wrong) and not np.allclose(got, expected, rtol=tol, atol=tol) and np.allclose(got, wrong, rtol=tol, atol=tol):
                    raise CheckFailed(f"cross_entropy {mistake.headline}")
            expect_close(got, expected, what="cross_entropy(logits, true_labels)", rtol=tol, atol=tol, check_dtype=False)
            if out.recipe is None:
                raise CheckFailed("cross_entropy's result has no recipe: backprop cannot reach the logits",
                                  ("Compute with Tensor operations, not on logits.array.",))
            end_grad = rand_array((batch,), 200 + seed, dtype, shift=0.5)
            A.backprop(out, A.Tensor(end_grad.copy()))
            ref_logits = torch.tensor(logits_array, requires_grad=True)
            F.cross_entropy(ref_logits, torch.tensor(labels_array), reduction="none").backward(torch.tensor(end_grad))
            expect(logits.grad is not None, "logits.grad is None after backprop", "Compute from the logits Tensor itself.")
            expect_close(np.asarray(logits.grad.array), ref_logits.grad.numpy(), what="the gradient of the logits",
                         rtol=tol, atol=tol, check_dtype=False)
    text = "MLAB's -inf rows: logits [[-inf, -inf, 0], [1/3, 1/3, 1/3], [-inf, 0, 0]], labels [2, 0, 0]"
    with context(text), np.errstate(all="ignore"):
        logits_array = np.array([[-INF, -INF, 0.0], [1 / 3, 1 / 3, 1 / 3], [-INF, 0.0, 0.0]])
        labels_array = np.array([2, 0, 0])
        _, out = learner_loss(learner, logits_array, labels_array)
        expect_close(np.asarray(out.array), np.array([0.0, np.log(3), INF]), what="cross_entropy on rows with -inf logits",
                     rtol=1e-10, atol=1e-12, check_dtype=False)
