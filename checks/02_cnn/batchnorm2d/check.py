import contextlib

import torch
import torch.nn.functional as F
from torch import nn

from mlkata.checking import CheckFailed, Mistake, context, expect, expect_close, expect_equal, expect_matches, randn, transposed
from mlkata.checking.modules import (
    expect_forward_matches,
    expect_input_gradient,
    expect_same_backward,
    expect_same_registration,
    input_gradient,
    seeded_state,
)
from mlkata.checking.windows import explaining, window_judge
from mlkata.checking.tolerance import input_scale, tolerance

# (num_features, eps, momentum, dtype): defaults first, then settings that must be used.
SETTINGS = [(3, 1e-5, 0.1, torch.float32), (4, 1e-3, 0.3, torch.float64)]
EVAL_SHAPE = (3, 5, 2)  # batch, height, width of the eval-mode input
# Channels whose mean is large next to their spread, in float64: mean(x²) - mean(x)² loses
# about 12 of float64's 16 digits here, (x - mean)² keeps them.
LARGE_MEAN, SPREAD = 1e6, 1.0


def batch_shapes(channels: int) -> list[tuple[int, ...]]:
    """Training batches: n = batch * height * width differs, and is small in the last two."""
    return [(4, channels, 5, 6), (2, channels, 3, 3), (8, channels, 1, 1), (1, channels, 4, 2)]


def per_channel(v):
    return v.view(1, -1, 1, 1)


def normalise(x, mean, var, weight, bias, eps, eps_outside=False):
    scale = var.sqrt() + eps if eps_outside else (var + eps).sqrt()
    return (x - per_channel(mean)) / per_channel(scale) * per_channel(weight) + per_channel(bias)


def training_mistakes(weight, bias, eps, before, after):
    """What the usual wrong training-mode outputs are, for this layer's weight, bias and buffers."""

    def stats(x, dims=(0, 2, 3), correction=0):
        return x.mean(dim=dims, keepdim=True), x.var(dim=dims, keepdim=True, correction=correction)

    def with_stats(dims, correction=0, eps_outside=False, affine=True):
        def formula(x):
            mean, var = stats(x, dims, correction)
            scale = var.sqrt() + eps if eps_outside else (var + eps).sqrt()
            y = (x - mean) / scale
            return y * per_channel(weight) + per_channel(bias) if affine else y
        return formula

    running = "in training mode your BatchNorm2d normalises with the running statistics, not the batch's"
    running_advice = ("While training, normalise with this batch's mean and biased variance per channel; "
                      "running_mean and running_var are for eval mode.")
    return [
        Mistake(running, lambda x: normalise(x, before["running_mean"], before["running_var"], weight, bias, eps), running_advice),
        Mistake(running, lambda x: normalise(x, after["running_mean"], after["running_var"], weight, bias, eps), running_advice),
        Mistake("it normalises with the unbiased variance (divides by n - 1)", with_stats((0, 2, 3), correction=1),
                "Normalise with the biased variance (divide by n): x.var(dim=(0, 2, 3), unbiased=False). "
                "Only the running_var update uses the unbiased one."),
        Mistake("eps is added outside the square root", with_stats((0, 2, 3), eps_outside=True),
                "Divide by sqrt(var + eps), with eps inside."),
        Mistake("it normalises each image on its own (over height and width only), not over the batch",
                with_stats((2, 3)), "The statistics of a channel come from the whole batch: dim=(0, 2, 3)."),
        Mistake("it normalises over the batch only, not over height and width", with_stats((0,)),
                "The statistics of a channel come from every position of every image: dim=(0, 2, 3)."),
        Mistake("it leaves out weight and bias", with_stats((0, 2, 3), affine=False),
                "After normalising, scale by weight and shift by bias, each reshaped to (1, C, 1, 1)."),
    ]


def eval_mistakes(weight, bias, eps, running_mean, running_var):
    return [
        Mistake("in eval mode your BatchNorm2d normalises with the batch's statistics, not the running ones",
                lambda x: F.batch_norm(x, None, None, weight, bias, training=True, eps=eps),
                "After .eval() (self.training is False) normalise with running_mean and running_var."),
        Mistake("it leaves out weight and bias",
                lambda x: F.batch_norm(x, running_mean, running_var, None, None, eps=eps),
                "After normalising, scale by weight and shift by bias, each reshaped to (1, C, 1, 1)."),
    ]


@contextlib.contextmanager
def large_mean_note():
    """A failure on channels whose mean is large next to their spread is about precision."""
    try:
        yield
    except CheckFailed as failure:
        first = failure.headline
        failure.headline = ("in training mode your BatchNorm2d loses precision on channels whose mean is large "
                            "next to their spread")
        failure.details = (*failure.details, first,
                           f"The same layer passed on inputs near 0. Here each channel's mean is about {LARGE_MEAN:g} "
                           f"and its spread {SPREAD:g}: computing the variance as mean(x²) - mean(x)² subtracts two "
                           "nearly equal numbers and loses the digits that matter. Subtract the mean first: "
                           "((x - mean) ** 2).mean(...), or x.var(..., unbiased=False).")
        raise


def check(learner):
    with context("BatchNorm2d(3): parameters and buffers"):
        model = learner.BatchNorm2d(3)
        expect_same_registration(model, nn.BatchNorm2d(3), what="BatchNorm2d(3)", reference_name="nn.BatchNorm2d(3)")
        expect_equal(model.weight.detach(), torch.ones(3), what="weight at initialisation")
        expect_equal(model.bias.detach(), torch.zeros(3), what="bias at initialisation")
        expect_equal(model.running_mean, torch.zeros(3), what="running_mean at initialisation")
        expect_equal(model.running_var, torch.ones(3), what="running_var at initialisation")
        expect_equal(model.num_batches_tracked, torch.tensor(0), what="num_batches_tracked at initialisation")

    for seed, (channels, eps, momentum, dtype) in enumerate(SETTINGS):
        label = f"BatchNorm2d({channels}, eps={eps}, momentum={momentum})"
        model, reference = twins(learner, channels, eps, momentum, dtype, seed)
        shapes = batch_shapes(channels)
        for step, shape in enumerate(shapes, start=1):
            # As inside a network, x requires grad: the running statistics must not.
            x = (randn(*shape, seed=10 * seed + step, dtype=dtype) * 2 + 0.5).requires_grad_()
            x_in = transposed(x) if step == 1 else x
            with context(f"{label}.to({dtype}), training step {step} of {len(shapes)}, x of shape {shape}"):
                training_step(learner, model, reference, x_in, label, eps, momentum)

        with context(f"{label}.to({dtype}) after {len(shapes)} training steps, in eval mode"):
            model.eval()
            reference.eval()
            x = randn(EVAL_SHAPE[0], channels, *EVAL_SHAPE[1:], seed=10 * seed + 9, dtype=dtype) * 2 + 0.5
            buffers = {name: value.detach().clone() for name, value in reference.named_buffers()}
            expect_forward_matches(
                learner, model, reference, x, label=label, what="the output in eval mode",
                mistakes=eval_mistakes(reference.weight.detach(), reference.bias.detach(), eps,
                                       buffers["running_mean"], buffers["running_var"]),
            )
            got = dict(model.named_buffers())
            for name in ("running_mean", "running_var"):
                expect_close(got[name], buffers[name], what=f"{name} after a forward pass in eval mode (it must not change)")
            expect_batches_tracked(got, reference)

    label = "BatchNorm2d(2)"
    with context(f"{label}.to(torch.float64) in training mode, on channels of mean {LARGE_MEAN:g} and spread {SPREAD:g}"):
        model, reference = twins(learner, 2, 1e-5, 0.1, torch.float64, seed=4)
        deviations = randn(4, 2, 3, 3, seed=40, dtype=torch.float64) * SPREAD
        before = {name: value.detach().clone() for name, value in reference.named_buffers()}

        def shifted(deviations, offset):
            return learner.call(model.forward, deviations + offset, name=label)

        call = explaining(shifted, learner=learner)
        call._name = f"{label}(deviations + offset)"
        # The mean is an argument of its own, so the simplest case keeps it and shrinks the deviations.
        with large_mean_note():
            expect_matches(call, lambda deviations, offset: reference(deviations + offset), deviations, LARGE_MEAN,
                           what="the output in training mode", judge=window_judge(condition=deviations[:, 0].numel()))
            expect_running_stats(model, reference, before, deviations + LARGE_MEAN, 0.1)

    label = "BatchNorm2d(4)"
    with context(f"{label}.to(torch.float64) in training mode: gradients"):
        model, reference = twins(learner, 4, 1e-5, 0.1, torch.float64, seed=5)
        x = randn(3, 4, 2, 5, seed=6, dtype=torch.float64) * 2 + 0.5
        upstream = randn(3, 4, 2, 5, seed=7, dtype=torch.float64)
        expect_input_gradient(learner, model, reference, x, upstream, label=label,
                              mistakes=gradient_mistakes(reference.weight.detach(), reference.bias.detach(), 1e-5))
        expect_same_backward(learner, model, reference, x, upstream, label=label)


def twins(learner, channels, eps, momentum, dtype, seed):
    """The learner's layer and nn.BatchNorm2d, with the same random weight, bias and running statistics, training."""
    model = learner.BatchNorm2d(channels, eps=eps, momentum=momentum).to(dtype)
    reference = nn.BatchNorm2d(channels, eps=eps, momentum=momentum, dtype=dtype)
    state = seeded_state(reference, seed)
    reference.load_state_dict(state)
    model.load_state_dict(state)
    model.train()
    reference.train()
    return model, reference


def training_step(learner, model, reference, x, label, eps, momentum):
    """One forward pass in training mode: the output, then the buffers it updated."""
    before = {name: value.detach().clone() for name, value in reference.named_buffers()}
    weight, bias = reference.weight.detach(), reference.bias.detach()
    expect_forward_matches(
        learner, model, reference, x, label=label, what="the output in training mode",
        mistakes=training_mistakes(weight, bias, eps, before, _After(reference)),
        condition=x[:, 0].numel(),
    )
    expect_running_stats(model, reference, before, x, momentum)


class _After(dict):
    """The reference's buffers as they are when read (after its forward pass)."""

    def __init__(self, reference):
        super().__init__()
        self.reference = reference

    def __getitem__(self, name):
        return getattr(self.reference, name).detach()


def gradient_mistakes(weight, bias, eps):
    """Outputs that are right with gradients that are not: a statistic cut out of the graph."""

    def detached(what):
        def formula(x, upstream):
            def forward(x):
                mean = x.mean(dim=(0, 2, 3), keepdim=True)
                var = x.var(dim=(0, 2, 3), keepdim=True, unbiased=False)
                mean = mean.detach() if "mean" in what else mean
                var = var.detach() if "var" in what else var
                return (x - mean) / (var + eps).sqrt() * per_channel(weight) + per_channel(bias)
            return input_gradient(forward, x, upstream, label="")
        return formula

    advice = ("Gradients flow through the batch statistics too: compute the mean and variance from x itself, "
              "without .detach(), .data or torch.no_grad() (only the running-statistics update goes without).")
    return [
        Mistake("the mean and variance are detached: the output is right but its gradient is not", detached("mean var"), advice),
        Mistake("the mean is detached: the output is right but its gradient is not", detached("mean"), advice),
        Mistake("the variance is detached: the output is right but its gradient is not", detached("var"), advice),
    ]


def close(got, expected, scale, n) -> bool:
    rtol, atol = tolerance(expected.dtype, scale, n)
    return got.shape == expected.shape and torch.allclose(got.detach().to(expected.dtype), expected, rtol=rtol, atol=atol)


def expect_running_stats(model, reference, before, x, momentum) -> None:
    """The buffers after one training step, naming the usual mistake when one matches."""
    m = momentum
    x = x.detach()
    n = x[:, 0].numel()
    scale = input_scale(x)
    mean = x.mean(dim=(0, 2, 3))
    var_biased = x.var(dim=(0, 2, 3), unbiased=False)
    var_unbiased = x.var(dim=(0, 2, 3), unbiased=True)
    wrong_way = (
        "was updated with the momentum the wrong way round",
        "nn.BatchNorm2d keeps (1 - momentum) of the old value: new = (1 - momentum) * old + momentum * batch statistic.",
    )
    # name -> [(what the mistake gives, headline, advice)]
    mistakes = {
        "running_mean": [
            (m * before["running_mean"] + (1 - m) * mean, *wrong_way),
            (before["running_mean"], "did not change in a training step",
             "In training mode, update it: running_mean = (1 - momentum) * running_mean + momentum * batch mean."),
        ],
        "running_var": [
            ((1 - m) * before["running_var"] + m * var_biased, "was updated with the biased batch variance",
             "Normalise with the biased variance (divide by n), but update running_var with the unbiased one "
             "(divide by n - 1, n = batch * height * width), as nn.BatchNorm2d does."),
            (m * before["running_var"] + (1 - m) * var_unbiased, *wrong_way),
            (before["running_var"], "did not change in a training step",
             "In training mode, update it: running_var = (1 - momentum) * running_var + momentum * unbiased batch variance."),
        ],
    }
    buffers = dict(model.named_buffers())
    for name, candidates in mistakes.items():
        got, expected = buffers[name], getattr(reference, name)
        expect(
            not got.requires_grad,
            f"{name} requires grad after a training step",
            "Update the running statistics under torch.no_grad() (or from .detach()ed batch statistics): "
            "otherwise every step's autograd graph stays attached to the buffer.",
        )
        for value, mistake, advice in candidates:
            expect(close(got, expected, scale, n) or not close(got, value, scale, n), f"{name} {mistake}", advice)
        expect_close(got, expected, what=name, scale=scale, condition=n)
    expect_batches_tracked(buffers, reference)


def expect_batches_tracked(buffers: dict, reference: nn.Module) -> None:
    got, expected = int(buffers["num_batches_tracked"]), int(reference.num_batches_tracked)
    expect(
        got == expected,
        f"num_batches_tracked is {got}; after {expected} training step{'' if expected == 1 else 's'} it should be {expected}",
        "Add 1 to it in every forward pass in training mode (`self.num_batches_tracked += 1`), never in eval mode.",
    )
