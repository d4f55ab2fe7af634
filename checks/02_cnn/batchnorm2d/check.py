import torch
import torch.nn.functional as F
from torch import nn

from mlkata.checking import context, expect, expect_close, expect_equal, randn, transposed
from mlkata.checking.modules import expect_same_registration, seeded_state

# (num_features, eps, momentum, dtype): defaults first, then settings that must be used.
SETTINGS = [(3, 1e-5, 0.1, torch.float32), (4, 1e-3, 0.3, torch.float64)]
EVAL_SHAPE = (3, 5, 2)  # batch, height, width of the eval-mode input


def batch_shapes(channels: int) -> list[tuple[int, ...]]:
    """Training batches: n = batch * height * width differs, and is small in the last two."""
    return [(4, channels, 5, 6), (2, channels, 3, 3), (8, channels, 1, 1), (1, channels, 4, 2)]


def tolerance(dtype: torch.dtype) -> dict:
    return {"rtol": 1e-5, "atol": 1e-5} if dtype == torch.float32 else {"rtol": 1e-9, "atol": 1e-9}


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
        tol = tolerance(dtype)
        model = learner.BatchNorm2d(channels, eps=eps, momentum=momentum).to(dtype)
        reference = nn.BatchNorm2d(channels, eps=eps, momentum=momentum, dtype=dtype)
        # Random weight, bias and running statistics, the same in both.
        state = seeded_state(reference, seed)
        reference.load_state_dict(state)
        model.load_state_dict(state)
        model.train()
        reference.train()
        shapes = batch_shapes(channels)
        for step, shape in enumerate(shapes, start=1):
            # As inside a network, x requires grad: the running statistics must not.
            x = (randn(*shape, seed=10 * seed + step, dtype=dtype) * 2 + 0.5).requires_grad_()
            x_in = transposed(x) if step == 1 else x
            before = {name: value.clone() for name, value in reference.named_buffers()}
            with context(f"{label}.to({dtype}), training step {step} of {len(shapes)}, x of shape {shape}"):
                got = learner.call(model.forward, x_in, name=label)
                expected = reference(x)
                if not close(got, expected, tol):
                    for stats in (before, dict(reference.named_buffers())):
                        running = F.batch_norm(
                            x, stats["running_mean"], stats["running_var"], reference.weight, reference.bias, eps=eps
                        )
                        expect(
                            not close(got, running, tol),
                            "in training mode your BatchNorm2d normalises with the running statistics",
                            "While training, normalise with this batch's mean and biased variance per channel; "
                            "running_mean and running_var are for eval mode.",
                        )
                expect_close(got, expected, what="the output in training mode", **tol)
                expect_running_stats(model, reference, before, x, momentum, tol)

        with context(f"{label}.to({dtype}) after {len(shapes)} training steps, in eval mode"):
            model.eval()
            reference.eval()
            x = randn(EVAL_SHAPE[0], channels, *EVAL_SHAPE[1:], seed=10 * seed + 9, dtype=dtype) * 2 + 0.5
            got = learner.call(model.forward, x, name=label)
            expected = reference(x)
            batch = F.batch_norm(x, None, None, reference.weight, reference.bias, training=True, eps=eps)
            expect(
                close(got, expected, tol) or not close(got, batch, tol),
                "in eval mode your BatchNorm2d normalises with the batch's statistics",
                "After .eval() (self.training is False) normalise with running_mean and running_var.",
            )
            expect_close(got, expected, what="the output in eval mode", **tol)
            buffers = dict(model.named_buffers())
            for name in ("running_mean", "running_var"):
                expect_close(buffers[name], getattr(reference, name), what=f"{name} after a forward pass in eval mode (it must not change)", **tol)
            expect_batches_tracked(buffers, reference)

    with context("BatchNorm2d(4).to(torch.float64) in training mode: gradients"):
        model = learner.BatchNorm2d(4).double()
        reference = nn.BatchNorm2d(4, dtype=torch.float64)
        state = seeded_state(reference, 5)
        reference.load_state_dict(state)
        model.load_state_dict(state)
        x = (randn(3, 4, 2, 5, seed=6, dtype=torch.float64) * 2 + 0.5).requires_grad_()
        x_ref = x.detach().clone().requires_grad_()
        upstream = randn(3, 4, 2, 5, seed=7, dtype=torch.float64)
        learner.call(model.forward, x, name="BatchNorm2d(4)").backward(upstream)
        reference(x_ref).backward(upstream)
        expect_close(model.weight.grad, reference.weight.grad, what="weight.grad")
        expect_close(model.bias.grad, reference.bias.grad, what="bias.grad")
        expect_close(x.grad, x_ref.grad, what="the gradient of x")


def close(got: torch.Tensor, expected: torch.Tensor, tol: dict) -> bool:
    return got.shape == expected.shape and torch.allclose(got.detach().to(expected.dtype), expected, **tol)


def expect_running_stats(model, reference, before, x, momentum, tol) -> None:
    """The buffers after one training step, naming the usual mistake when one matches."""
    m = momentum
    x = x.detach()
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
            expect(close(got, expected, tol) or not close(got, value, tol), f"{name} {mistake}", advice)
        expect_close(got, expected, what=name, **tol)
    expect_batches_tracked(buffers, reference)


def expect_batches_tracked(buffers: dict, reference: nn.Module) -> None:
    got, expected = int(buffers["num_batches_tracked"]), int(reference.num_batches_tracked)
    expect(
        got == expected,
        f"num_batches_tracked is {got}; after {expected} training step{'' if expected == 1 else 's'} it should be {expected}",
        "Add 1 to it in every forward pass in training mode (`self.num_batches_tracked += 1`), never in eval mode.",
    )
