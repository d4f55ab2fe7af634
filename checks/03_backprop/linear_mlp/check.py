import numpy as np
import torch
from torch import nn

from mlkata.checking import CheckFailed, context, expect, expect_close, expect_equal, part
from mlkata.checking.autograd import given, twin_leaf
from mlkata.checking.backfuncs import rand_array
from mlkata.checking.modules import expect_uniform_init

F64 = torch.float64
LAYERS = [(3, 4, True), (5, 2, False), (1, 1, True)]


def expect_registered(layer, label, in_features, out_features, bias):
    A = given()
    expect(isinstance(layer, A.Module), f"{label} is not a Module", "class Linear(Module): keep the stub's base class.")
    for name, shape in [("weight", (out_features, in_features)), ("bias", (out_features,))]:
        value = getattr(layer, name, None)
        if name == "bias" and not bias:
            expect(value is None, f"{label}.bias should be None", "With bias=False assign self.bias = None.")
            continue
        expect(isinstance(value, A.Parameter), f"{label}.{name} is a {type(value).__name__}, not a Parameter",
               "Wrap it in Parameter(...): a plain Tensor is not registered, so parameters() and an optimizer miss it.")
        expect(value.shape == shape, f"{label}.{name} has shape {value.shape}; expected {shape}",
               "weight is (out_features, in_features), as nn.Linear's; bias is (out_features,).")
    registered = list(layer.parameters())
    expected = [layer.weight] + ([layer.bias] if bias else [])
    expect(len(registered) == len(expected) and all(a is b for a, b in zip(registered, expected)),
           f"{label}.parameters() yields {len(registered)} parameters; expected {'weight, bias' if bias else 'weight'} in that order",
           "Assign self.weight, then self.bias (only when bias=True), as Parameters.")


def torch_copy(layer, in_features, out_features, bias):
    ref = nn.Linear(in_features, out_features, bias=bias, dtype=F64)
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(np.asarray(layer.weight.array, dtype=np.float64)))
        if bias:
            ref.bias.copy_(torch.tensor(np.asarray(layer.bias.array, dtype=np.float64)))
    return ref


def expect_graph_output(out, expected, what):
    A = given()
    if not isinstance(out, A.Tensor):
        raise CheckFailed(f"{what} returned a {type(out).__name__}; it should return a Tensor",
                          ("Compute with Tensors (the framework's @, .T and +), not on their arrays.",))
    expect_close(np.asarray(out.array), expected.detach().numpy(), what=what, rtol=1e-10, atol=1e-12, check_dtype=False)
    if out.recipe is None:
        raise CheckFailed(f"{what} has no recipe: backprop cannot reach the weights through it",
                          ("Computing on .array leaves the graph: use x @ self.weight.T + self.bias on Tensors.",))


def expect_param_grads(pairs, what):
    for name, mine, ref in pairs:
        if mine.grad is None:
            raise CheckFailed(f"{what}: {name}.grad is None after backprop",
                              ("The output must be computed from the Parameters themselves with Tensor operations.",))
        expect_close(np.asarray(mine.grad.array), ref.grad.numpy(), what=f"{name}.grad", rtol=1e-9, atol=1e-12, check_dtype=False)


@part("Linear")
def check_linear(learner):
    A = given()
    for in_features, out_features, bias in LAYERS:
        label = f"Linear({in_features}, {out_features}, bias={bias})"
        with context(f"{label}: parameters"):
            layer = learner.Linear(in_features, out_features, bias=bias)
            expect_registered(layer, label, in_features, out_features, bias)
        with context(f"{label}.extra_repr()"):
            expected = nn.Linear(in_features, out_features, bias=bias).extra_repr()
            expect_equal(learner.call(layer.extra_repr, name=f"{label}.extra_repr"), expected, what=f"{label}.extra_repr()")
    for in_features, out_features in [(400, 300), (300, 400)]:
        label = f"Linear({in_features}, {out_features})"
        with context(f"{label}: initialisation"):
            layer = learner.Linear(in_features, out_features)
            bound = 1 / in_features**0.5
            expect_uniform_init(torch.tensor(np.asarray(layer.weight.array, dtype=np.float64)), bound, what=f"{label}.weight")
            expect_uniform_init(torch.tensor(np.asarray(layer.bias.array, dtype=np.float64)), bound, what=f"{label}.bias")
    for seed, (in_features, out_features, bias) in enumerate(LAYERS):
        label = f"Linear({in_features}, {out_features}, bias={bias})"
        with context(f"{label} on x of shape (6, {in_features}) requiring grad, random end_grad; torch's nn.Linear with your weights"):
            layer = learner.Linear(in_features, out_features, bias=bias)
            ref = torch_copy(layer, in_features, out_features, bias)
            x = twin_leaf("x", rand_array((6, in_features), seed))
            out = learner.call(layer, x.mine, name=label)
            ref_out = ref(x.ref)
            expect_graph_output(out, ref_out, f"{label}(x)")
            end_grad = rand_array((6, out_features), 10 + seed, shift=0.5)
            A.backprop(out, A.Tensor(end_grad.copy()))
            ref_out.backward(torch.tensor(end_grad))
            pairs = [("weight", layer.weight, ref.weight), ("x", x.mine, x.ref)] + ([("bias", layer.bias, ref.bias)] if bias else [])
            expect_param_grads(pairs, label)


class TorchMLP(nn.Module):
    def __init__(self, relu_after=(True, True, False)):
        super().__init__()
        self.linear1 = nn.Linear(784, 64, dtype=F64)
        self.linear2 = nn.Linear(64, 64, dtype=F64)
        self.output = nn.Linear(64, 10, dtype=F64)
        self.relu_after = relu_after

    def forward(self, x):
        x = x.reshape(x.shape[0], 784)
        for layer, relu in zip((self.linear1, self.linear2, self.output), self.relu_after):
            x = layer(x)
            x = torch.maximum(x, torch.zeros((), dtype=F64)) if relu else x
        return x


def copied_mlp(model, relu_after=(True, True, False)):
    ref = TorchMLP(relu_after)
    with torch.no_grad():
        for name in ("linear1", "linear2", "output"):
            for attr in ("weight", "bias"):
                getattr(getattr(ref, name), attr).copy_(torch.tensor(np.asarray(getattr(getattr(model, name), attr).array, dtype=np.float64)))
    return ref


@part("MLP")
def check_mlp(learner):
    A = given()
    with context("MLP(): layers and parameters"):
        model = learner.MLP()
        for name, (n_in, n_out) in [("linear1", (784, 64)), ("linear2", (64, 64)), ("output", (64, 10))]:
            layer = getattr(model, name, None)
            expect(layer is not None and type(layer).__name__ == "Linear",
                   f"MLP().{name} should be a Linear({n_in}, {n_out}), got {type(layer).__name__}",
                   "Assign self.linear1, self.linear2 and self.output, your Linear layers, in that order.")
            expect(layer.weight.shape == (n_out, n_in), f"MLP().{name}.weight has shape {layer.weight.shape}; expected {(n_out, n_in)}",
                   f"{name} is Linear({n_in}, {n_out}).")
        registered = list(model.parameters())
        expected = [p for name in ("linear1", "linear2", "output") for p in (getattr(model, name).weight, getattr(model, name).bias)]
        expect(len(registered) == 6 and all(a is b for a, b in zip(registered, expected)),
               f"MLP().parameters() yields {len(registered)} parameters; expected 6: linear1's weight and bias, then linear2's, then output's",
               "Register the three layers as attributes, in order.")
    for seed, shape in enumerate([(5, 28, 28), (3, 784)]):
        with context(f"MLP() on x of shape {shape}, random end_grad; a torch MLP with your weights"):
            model = learner.MLP()
            ref = copied_mlp(model)
            x = twin_leaf("x", rand_array(shape, 20 + seed), requires_grad=False)
            out = learner.call(model, x.mine, name="MLP()")
            ref_out = ref(x.ref)
            if isinstance(out, A.Tensor) and np.shape(out.array) == tuple(ref_out.shape) and not np.allclose(out.array, ref_out.detach().numpy()):
                for relu_after, mistake in [((False, False, False), "applies no relu between the layers"),
                                            ((True, True, True), "applies relu after the output layer too"),
                                            ((True, False, False), "applies relu after linear1 only")]:
                    if np.allclose(out.array, copied_mlp(model, relu_after)(x.ref).detach().numpy(), rtol=1e-10, atol=1e-12):
                        raise CheckFailed(f"MLP() {mistake}",
                                          ("forward is linear1, relu, linear2, relu, output: logits are not passed through relu.",))
            expect_graph_output(out, ref_out, "MLP()(x)")
            end_grad = rand_array((shape[0], 10), 30 + seed, shift=0.5)
            A.backprop(out, A.Tensor(end_grad.copy()))
            ref_out.backward(torch.tensor(end_grad))
            expect_param_grads([(f"{name}.{attr}", getattr(getattr(model, name), attr), getattr(getattr(ref, name), attr))
                                for name in ("linear1", "linear2", "output") for attr in ("weight", "bias")], "MLP()")
