import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from mlkata.checking import CheckFailed, context, expect, expect_close, part
from mlkata.checking.autograd import explained_crash, given
from mlkata.checking.backfuncs import rand_array

LR = 0.1
N_BATCHES, BATCH = 20, 8
F64 = torch.float64
LAYERS = ("linear1", "linear2", "output")


def spy_parameter_class():
    """A Parameter that notes whether gradient tracking was on whenever step() computes with it."""
    A = given()

    class Watched(A.Parameter):
        tracked_calls: list

        def _note(self, name):
            self.tracked_calls.append((name, A.grad_tracking_enabled))

    def watching(name):
        original = getattr(A.Tensor, name)

        def method(self, *args, **kwargs):
            self._note(name)
            return original(self, *args, **kwargs)

        return method

    for name in ("add_", "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__neg__"):
        setattr(Watched, name, watching(name))
    return Watched


def make_params():
    A = given()
    Watched = spy_parameter_class()
    params = []
    for seed, shape in enumerate([(3, 4), (4,), (2, 2)]):
        p = Watched(A.Tensor(rand_array(shape, seed)))
        p.tracked_calls = []
        params.append(p)
    return params


def set_grads(params, seed):
    A = given()
    grads = []
    for i, p in enumerate(params[:2]):  # the last parameter has no gradient
        g = rand_array(p.shape, 10 * seed + i, shift=0.5)
        p.grad = A.Tensor(g.copy())
        grads.append(g)
    params[2].grad = None
    return grads


def expect_cleared(params, what):
    for i, p in enumerate(params):
        grad = p.grad
        if grad is not None and np.any(np.asarray(getattr(grad, "array", grad)) != 0):
            raise CheckFailed(f"after {what}, parameter {i}'s grad still holds its old values",
                              ("zero_grad() sets every parameter's grad to None (zeros are accepted too): otherwise "
                               "the next backprop adds to the old gradient.",))


@part("SGD")
def check_sgd(learner):
    A = given()
    with context(f"SGD(a generator of 3 parameters, lr={LR}); zero_grad(); grads set on two of them; step(), twice"):
        params = make_params()
        optimizer = learner.SGD((p for p in params), LR)
        values = [p.array.copy() for p in params]
        arrays = [p.array for p in params]
        for step in (1, 2):
            learner.call(optimizer.zero_grad, name="SGD.zero_grad")
            expect_cleared(params, "zero_grad()")
            grads = set_grads(params, step)
            with explained_crash(learner, "step() raised an exception; the third parameter's grad is None",
                                 "A parameter without a gradient is left alone, as torch.optim.SGD does."):
                learner.call(optimizer.step, name="SGD.step")
            for i, g in enumerate(grads):
                expect(np.array_equal(params[i].grad.array, g), f"step() changed parameter {i}'s grad",
                       "The gradient is read-only for the optimizer: compute lr * grad into a new array, or use add_.")
            expected = [values[0] - LR * grads[0], values[1] - LR * grads[1], values[2]]
            changed = [not np.array_equal(p.array, v) for p, v in zip(params, values)]
            if not any(changed):
                retry = make_params()
                other = type(optimizer)(list(retry), LR)
                other.zero_grad()
                set_grads(retry, step)
                other.step()
                if not np.array_equal(retry[0].array, rand_array((3, 4), 0)):
                    raise CheckFailed(
                        "step() changed no parameter when SGD was given a generator (as model.parameters() is)",
                        ("zero_grad() read the generator to its end, so step() found nothing: keep list(params).",),
                    )
                raise CheckFailed(
                    "step() changed no parameter: the model never learns",
                    ("Update each Parameter object in place, p.add_(p.grad, -lr): `p = p - lr * p.grad` only "
                     "rebinds a local name.",),
                )
            for i, p in enumerate(params):
                if p.array is not arrays[i]:
                    raise CheckFailed(
                        f"step() gave parameter {i} a new array instead of updating it in place",
                        ("Update in place, p.add_(p.grad, -lr), as torch.optim.SGD does: a Parameter shares its array "
                         "with the Tensor it was made from, and everything holding that array must see the step.",),
                    )
                expect_close(p.array, expected[i], what=f"parameter {i} after step {step} (lr={LR})", rtol=1e-12, atol=1e-12)
            values = [p.array.copy() for p in params]
            tracked = [name for p in params for name, on in p.tracked_calls if on]
            if tracked:
                raise CheckFailed(
                    f"step() computes with the parameters ({tracked[0]}) while gradient tracking is on",
                    ("Run the update inside `with NoGrad():`, as torch's optimizers run under torch.no_grad(): "
                     "an update is not part of any graph.",),
                )
            expect(A.grad_tracking_enabled, "gradient tracking is off after step()", "NoGrad must restore the flag.")


def blob_batches():
    """Generated 28×28 images: a blurred blob whose position gives the class (10 positions)."""
    rng = np.random.default_rng(0)
    rows, cols = np.mgrid[0:28, 0:28]
    centers = np.array([(8 + 12 * (c // 5), 4 + 5 * (c % 5)) for c in range(10)], dtype=np.float64)
    batches = []
    for _ in range(N_BATCHES):
        labels = rng.integers(0, 10, size=BATCH)
        center = centers[labels] + rng.normal(0, 1, size=(BATCH, 2))
        distance = (rows[None] - center[:, 0, None, None]) ** 2 + (cols[None] - center[:, 1, None, None]) ** 2
        images = np.exp(-distance / (2 * 2.5**2)) + 0.1 * rng.standard_normal((BATCH, 28, 28))
        batches.append((images, labels.astype(np.int64)))
    return batches


class TorchMLP(nn.Module):
    def __init__(self, weights):
        """weights: {(layer name, "weight" or "bias"): array}, the learner's initial values."""
        super().__init__()
        for name, (n_in, n_out) in zip(LAYERS, [(784, 64), (64, 64), (64, 10)]):
            layer = nn.Linear(n_in, n_out, dtype=F64)
            with torch.no_grad():
                layer.weight.copy_(torch.tensor(weights[name, "weight"]))
                layer.bias.copy_(torch.tensor(weights[name, "bias"]))
            self.add_module(name, layer)

    def forward(self, x):
        zero = torch.zeros((), dtype=F64)
        x = torch.maximum(self.linear1(x.reshape(x.shape[0], 784)), zero)
        return self.output(torch.maximum(self.linear2(x), zero))


def torch_training(weights, batches, reduction="mean", zero_grad=True):
    """torch.optim.SGD's update (no momentum), written out: importing torch.optim loads
    torch._dynamo, which is slow and rebinds torch functions the check's guard watches."""
    reference = TorchMLP(weights)
    losses = []
    for data, target in batches:
        if zero_grad:
            for p in reference.parameters():
                p.grad = None
        loss = F.cross_entropy(reference(torch.tensor(data)), torch.tensor(target), reduction=reduction)
        loss.backward()
        with torch.no_grad():
            for p in reference.parameters():
                p -= LR * p.grad
        losses.append(loss.item())
    return reference, losses


@part("train")
def check_train(learner):
    from mlkata.exercises.linear_mlp import MLP  # the learner's, as the stub imports it

    A = given()
    batches = blob_batches()
    text = (f"train(your MLP, {N_BATCHES} batches of {BATCH} generated 28×28 blob images, your SGD with lr={LR}, 0), "
            "against a torch MLP with copies of your initial weights and SGD in torch")
    with context(text):
        np.random.seed(0)
        model = MLP()
        initial = {(name, attr): np.array(getattr(getattr(model, name), attr).array, dtype=np.float64)
                   for name in LAYERS for attr in ("weight", "bias")}
        reference, expected_losses = torch_training(initial, batches)
        optimizer = learner.SGD(model.parameters(), LR)
        losses = learner.train(model, [(d.copy(), t.copy()) for d, t in batches], optimizer, 0)
        expect(isinstance(losses, (list, tuple)) and len(losses) == N_BATCHES,
               f"train returned {type(losses).__name__}{f' of length {len(losses)}' if isinstance(losses, (list, tuple)) else ''}; "
               f"expected a list of {N_BATCHES} losses", "Append loss.item() for every batch and return the list.")
        losses = [float(v) for v in losses]
        if not np.allclose(losses, expected_losses, rtol=1e-9, atol=1e-12):
            explain_losses(initial, batches, losses, expected_losses)
        for name in LAYERS:
            for attr in ("weight", "bias"):
                param = getattr(getattr(model, name), attr)
                expect(param.recipe is None and param.requires_grad,
                       f"after training, {name}.{attr} is no longer a leaf Parameter",
                       "Update parameters in place under NoGrad; never replace them with computed Tensors.")
                expect_close(np.asarray(param.array), getattr(getattr(reference, name), attr).detach().numpy(),
                             what=f"{name}.{attr} after {N_BATCHES} steps", rtol=1e-9, atol=1e-12, check_dtype=False)


def explain_losses(initial, batches, losses, expected):
    """Name what makes the losses differ from torch's, or say where they part."""
    if np.isclose(losses[0], expected[0] * BATCH, rtol=1e-9):
        raise CheckFailed("train's loss is the sum of the batch's losses, not their mean",
                          (f"Divide cross_entropy(...).sum() by the batch size ({BATCH}), as F.cross_entropy's default mean does.",))
    if not np.isclose(losses[0], expected[0], rtol=1e-9, atol=1e-12):
        raise CheckFailed(
            f"the loss of the first batch is {losses[0]:.6g}; torch's is {expected[0]:.6g}",
            ("Before any step the model is unchanged, so the forward differs: the loss is "
             "cross_entropy(model(Tensor(data)), Tensor(target)).sum() / batch size.",),
        )
    _, accumulated = torch_training(initial, batches, zero_grad=False)
    if np.allclose(losses, accumulated, rtol=1e-9, atol=1e-12):
        raise CheckFailed("the gradients are never cleared: each step adds the new gradient to all the old ones",
                          ("Call optimizer.zero_grad() before each backprop, and make zero_grad set every p.grad to None.",))
    step = next(i for i, (a, b) in enumerate(zip(losses, expected)) if not np.isclose(a, b, rtol=1e-9, atol=1e-12))
    raise CheckFailed(
        f"the losses agree with torch's up to batch {step}, then differ ({losses[step]:.6g} against {expected[step]:.6g})",
        ("The first loss is right, so the updates differ: for each batch, zero_grad, forward, loss, backprop(loss), "
         f"then step with p -= {LR} * p.grad. If this exercise's code is right, an earlier exercise's back function "
         "may be wrong: the notes below name those that have not passed.",),
    )
