import torch
import torch.nn.functional as F

from mlkata.checking import CheckFailed, Mistake, context, expect_matches, load_reference
from mlkata.checking.inputs import generator

reference = load_reference(__file__)

F64 = torch.float64
# (batch, seq, vocab, which tokens are selected, dtype of was_selected, dtype of pred)
CASES = [
    (3, 4, 10, "some", torch.int64, F64),
    (2, 5, 7, "some", torch.bool, F64),
    (3, 4, 10, "all", torch.int64, F64),
    (4, 6, 5, "some", torch.int64, torch.float32),
    (1, 1, 3, "all", torch.int64, F64),
    (3, 4, 10, "none", torch.int64, F64),
]


def inputs(batch, seq, vocab, selection, flag_dtype, dtype, seed):
    gen = generator(seed)
    pred = 2 * torch.randn(batch, seq, vocab, generator=gen, dtype=dtype)
    target = torch.randint(0, vocab, (batch, seq), generator=gen)
    chosen = {"some": torch.rand(batch, seq, generator=gen) < 0.4, "all": torch.ones(batch, seq, dtype=torch.bool),
              "none": torch.zeros(batch, seq, dtype=torch.bool)}[selection]
    if selection == "some":
        chosen[0, 0], chosen[-1, -1] = True, False  # at least one of each
    return pred, target, chosen.to(flag_dtype)


def flat(pred, target):
    return pred.reshape(-1, pred.shape[-1]), target.flatten()


def as_index(pred, target, was_selected):
    logits, labels = flat(pred, target)
    rows = was_selected.flatten().long()  # 0s and 1s: rows 0 and 1, repeated
    return F.cross_entropy(logits[rows], labels[rows])


def mean_over_all(pred, target, was_selected):
    return F.cross_entropy(*flat(pred, target))


def sum_selected(pred, target, was_selected):
    logits, labels = flat(pred, target)
    keep = was_selected.flatten().bool()
    return F.cross_entropy(logits[keep], labels[keep], reduction="sum")


def zeros_in_mean(pred, target, was_selected):
    losses = F.cross_entropy(*flat(pred, target), reduction="none")
    return (losses * was_selected.flatten().to(losses.dtype)).mean()


MISTAKES = [
    Mistake("the 1/0 int tensor was used as an index: it picks rows 0 and 1 over and over", as_index,
            "Turn was_selected into a boolean mask first (was_selected.bool()), or index with was_selected.nonzero()."),
    Mistake("it is the mean over all tokens, selected or not", mean_over_all,
            "Only the selected tokens count: cross-entropy of pred[selected] against target[selected]."),
    Mistake("it is the sum over the selected tokens, not their mean", sum_selected,
            "Divide by the number of selected tokens: F.cross_entropy's default reduction=\"mean\" on the selected rows does it."),
    Mistake("it zeroes the unselected losses but divides by all tokens", zeros_in_mean,
            "Divide by the number of selected tokens, not by batch * seq."),
]


def check(learner):
    for seed, (batch, seq, vocab, selection, flag_dtype, dtype) in enumerate(CASES):
        pred, target, was_selected = inputs(batch, seq, vocab, selection, flag_dtype, dtype, seed)
        with context(f"pred {str(dtype).removeprefix('torch.')} of shape {(batch, seq, vocab)}, {selection} tokens selected "
                     f"({str(flag_dtype).removeprefix('torch.')} was_selected)"):
            expect_matches(learner.cross_entropy_selected, reference.cross_entropy_selected, pred, target, was_selected,
                           what="the loss", mistakes=MISTAKES, equal_nan=True,
                           **({"rtol": 1e-10, "atol": 1e-10} if dtype == F64 else {}))

    pred, target, was_selected = inputs(3, 4, 10, "some", torch.int64, F64, 10)
    with context("pred float64 of shape (3, 4, 10), some tokens selected: the gradient of the loss with respect to pred"):
        expect_matches(lambda *args: gradient(learner.cross_entropy_selected, *args),
                       lambda *args: gradient(reference.cross_entropy_selected, *args),
                       pred, target, was_selected, what="the gradient of pred", rtol=1e-10, atol=1e-10)


def gradient(function, pred, target, was_selected):
    pred = pred.detach().clone().requires_grad_()
    loss = function(pred, target, was_selected)
    if not isinstance(loss, torch.Tensor) or not loss.requires_grad:
        raise CheckFailed("the loss does not track gradients, so training could not use it",
                          ("Return the tensor F.cross_entropy gives, not .item() or a detached copy.",))
    loss.backward()
    return pred.grad
