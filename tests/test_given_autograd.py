"""mlkata's given autograd framework (given/autograd.py) against torch autograd, in float64.

The exercises of 03_backprop check a learner's piece inside this framework, so it must
be right everywhere a check can reach: random graphs with reuse, diamonds, broadcasting,
reductions over negative and tuple dims, repeated indices, two backward calls, and a
chain longer than Python's recursion limit. The regressions of MLAB's reference
(`1 / a`, read-only accumulation, negative sum dims, hasattr on modules, deep graphs)
are pinned here.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mlkata.checking.autograd import chain_graph, expect_leaf_grads, random_graph, twin_leaf
from mlkata.given import autograd as A

F64 = torch.float64


def backward_both(graph, times=1):
    for _ in range(times):
        A.backprop(graph.end.mine, graph.end_grad_tensor())
    graph.torch_backward(times)


@pytest.mark.parametrize("seed", range(300))
def test_random_graphs_match_torch(seed):
    graph = random_graph(seed, n_ops=4 + seed % 13, n_leaves=2 + seed % 3)
    for node in graph.nodes:
        np.testing.assert_allclose(node.mine.array, node.ref.detach().numpy(), rtol=1e-12, atol=1e-12)
    backward_both(graph)
    expect_leaf_grads(graph)


@pytest.mark.parametrize("seed", range(40))
def test_two_backward_calls_accumulate(seed):
    graph = random_graph(1000 + seed, n_ops=8)
    backward_both(graph, times=2)
    expect_leaf_grads(graph, times=2)


def test_chain_of_2000_ops():
    graph = chain_graph(2000)
    backward_both(graph)
    expect_leaf_grads(graph)


def test_a_times_a_and_diamond():
    a = twin_leaf("a", np.array([1.5, -2.0, 0.5]))
    b = twin_leaf("b", np.array([[0.3], [2.0]]))
    square = a.mine * a.mine
    d = square * b.mine  # (2, 3): broadcasting both ways
    e = (square + d).sum(-1)
    e.backward(np.array([0.7, -1.3]))
    ref_square = a.ref * a.ref
    ((ref_square + ref_square * b.ref).sum(-1)).backward(torch.tensor([0.7, -1.3], dtype=F64))
    np.testing.assert_allclose(a.mine.grad.array, a.ref.grad.numpy())
    np.testing.assert_allclose(b.mine.grad.array, b.ref.grad.numpy())


def test_reflected_operators():
    a = twin_leaf("a", np.array([2.0, 4.0, -0.5]))
    grad = np.array([1.0, -2.0, 0.5])
    for mine, ref in [
        (1 / a.mine, 1 / a.ref),
        (2 - a.mine, 2 - a.ref),
        (3 * a.mine, 3 * a.ref),
        (1 + a.mine, 1 + a.ref),
        (np.float64(2.0) / a.mine, 2.0 / a.ref),
    ]:
        np.testing.assert_allclose(mine.array, ref.detach().numpy())
        mine.backward(grad)
        ref.backward(torch.tensor(grad))
    np.testing.assert_allclose(a.mine.grad.array, a.ref.grad.numpy())


def test_sum_twice_of_one_tensor():
    # MLAB's reference: "output array is read-only" (sum_back returned a broadcast view, then +=).
    a = A.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    (a.sum() + a.sum()).backward()
    np.testing.assert_array_equal(a.grad.array, np.full((2, 3), 2.0))


@pytest.mark.parametrize("dim", [-1, -2, (0, -1), (-1, 1), None, 1, (2, 0)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_sum_dims(dim, keepdim):
    values = np.random.default_rng(0).standard_normal((2, 3, 4))
    a = twin_leaf("a", values)
    out = a.mine.sum(dim=dim, keepdim=keepdim)
    ref = a.ref.sum(dim=(0, 1, 2) if dim is None else dim, keepdim=keepdim)
    grad = np.random.default_rng(1).standard_normal(ref.shape)
    out.backward(grad)
    ref.backward(torch.tensor(grad))
    np.testing.assert_allclose(a.mine.grad.array, a.ref.grad.numpy())


def test_getitem_repeated_negative_and_tensor_indices():
    a = twin_leaf("a", np.random.default_rng(2).standard_normal((3, 4)))
    rows, cols = np.array([0, -1, 0, 2, 0]), np.array([1, 1, 1, -4, 3])
    grad = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    a.mine[A.Tensor(rows), cols].backward(grad)
    a.ref[torch.tensor(rows), torch.tensor(cols)].backward(torch.tensor(grad))
    a.mine[1].backward(np.array([1.0, -1.0, 2.0, 0.5]))
    a.ref[1].backward(torch.tensor([1.0, -1.0, 2.0, 0.5], dtype=F64))
    a.mine[(2, 3)].backward(np.array(4.0))
    a.ref[2, 3].backward(torch.tensor(4.0, dtype=F64))
    np.testing.assert_allclose(a.mine.grad.array, a.ref.grad.numpy())


def test_maximum_ties_and_relu_at_zero():
    x = twin_leaf("x", np.array([0.0, 1.0, 2.0, -1.0]))
    y = twin_leaf("y", np.array([[-1.0], [1.0], [3.0]]))
    out = x.mine.maximum(y.mine)
    grad = np.arange(12.0).reshape(3, 4) + 1
    out.backward(grad)
    torch.maximum(x.ref, y.ref).backward(torch.tensor(grad))
    np.testing.assert_allclose(x.mine.grad.array, x.ref.grad.numpy())
    np.testing.assert_allclose(y.mine.grad.array, y.ref.grad.numpy())
    z = A.Tensor([-1.0, 0.0, 1.0], requires_grad=True)
    A.relu(z).backward(np.ones(3))
    np.testing.assert_array_equal(z.grad.array, [0.0, 0.5, 1.0])  # maximum's tie rule, not torch.relu's 0


def test_matmul_and_transpose():
    rng = np.random.default_rng(3)
    x, y = twin_leaf("x", rng.standard_normal((2, 3))), twin_leaf("y", rng.standard_normal((4, 3)))
    grad = rng.standard_normal((2, 4))
    (x.mine @ y.mine.T).backward(grad)
    (x.ref @ y.ref.T).backward(torch.tensor(grad))
    np.testing.assert_allclose(x.mine.grad.array, x.ref.grad.numpy())
    np.testing.assert_allclose(y.mine.grad.array, y.ref.grad.numpy())


def test_expand_with_minus_one_and_permute():
    rng = np.random.default_rng(4)
    a = twin_leaf("a", rng.standard_normal((2, 1, 3)))
    out, ref = a.mine.expand((4, -1, 5, -1)).permute((3, 0, 2, 1)), a.ref.expand(4, -1, 5, -1).permute(3, 0, 2, 1)
    grad = rng.standard_normal(ref.shape)
    out.backward(grad)
    ref.backward(torch.tensor(grad))
    np.testing.assert_allclose(a.mine.grad.array, a.ref.grad.numpy())


def test_end_grad_rules():
    a = A.Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="needs end_grad"):
        (a * 2).backward()
    with pytest.raises(ValueError, match="shape"):
        (a * 2).backward(np.ones(3))
    end_grad = np.array([1.0, 3.0])
    a.backward(end_grad)  # a leaf as its own end: its grad must be a copy
    a.grad.array[0] = 99.0
    assert end_grad[0] == 1.0
    scalar = A.Tensor(np.array(2.0), requires_grad=True)
    (scalar * scalar).backward()
    assert scalar.grad.array.shape == () and scalar.grad.item() == 4.0


def test_grads_only_on_leaves_that_require_grad():
    a = A.Tensor([1.0, 2.0], requires_grad=True)
    b = A.Tensor([3.0, 4.0])
    c = a * b
    d = c.log()
    d.backward(np.array([1.0, 1.0]))
    assert b.grad is None and c.grad is None and d.grad is None
    # A Recipe may list a parent that does not require grad: it gets no gradient.
    out = A.Tensor(a.array * b.array, requires_grad=True)
    out.recipe = A.Recipe(np.multiply, (a.array, b.array), {}, {0: a, 1: b})
    out.backward(np.array([1.0, 1.0]))
    assert b.grad is None
    np.testing.assert_allclose(a.grad.array, [1 / 1.0 + 3.0, 1 / 2.0 + 4.0])  # d log(a b)/da = 1/a, then + b


def test_no_grad_records_nothing_and_restores():
    a = A.Tensor([1.0], requires_grad=True)
    with A.NoGrad():
        with A.NoGrad():
            inner = a + a
        still_off = a + a
    after = a + a
    assert inner.recipe is None and not inner.requires_grad
    assert still_off.recipe is None
    assert after.recipe is not None and after.requires_grad
    with pytest.raises(ZeroDivisionError):
        with A.NoGrad():
            1 / 0
    assert A.grad_tracking_enabled


def test_non_differentiable_ops():
    a = A.Tensor([1.0, 5.0, 3.0], requires_grad=True)
    assert a.argmax().item() == 1 and a.argmax().recipe is None
    equal = a == A.Tensor([1.0, 0.0, 3.0])
    assert equal.array.tolist() == [True, False, True] and equal.recipe is None


def test_wrap_forward_fn_reads_the_flag_at_call_time_and_refuses_keyword_tensors():
    log = A.wrap_forward_fn(np.log)
    a = A.Tensor([2.0], requires_grad=True)
    with A.NoGrad():
        assert log(a).recipe is None
    out = log(a)
    assert out.recipe.func is np.log and out.recipe.args[0] is a.array and out.recipe.parents == {0: a}
    with pytest.raises(TypeError):
        log(x=a)
    scaled = A.multiply(2.0, a)
    assert list(scaled.recipe.parents) == [1] and scaled.recipe.parents[1] is a


def test_topological_sort():
    class Node:
        def __init__(self, *children):
            self.children = list(children)

    def children(node):
        return node.children

    z = Node()
    y = Node(z)
    x = Node(y, z)
    w = Node(x, z)
    order = A.topological_sort(w, children)
    assert order[-1] is w and len(order) == 4
    position = {id(node): i for i, node in enumerate(order)}
    for node in order:
        assert all(position[id(child)] < position[id(node)] for child in node.children)
    z.children = [w]
    with pytest.raises(ValueError, match="cycle"):
        A.topological_sort(w, children)
    deep = Node()
    for _ in range(5000):
        deep = Node(deep)
    assert len(A.topological_sort(deep, children)) == 5001


def test_sorted_graph_tells_equal_valued_tensors_apart():
    leaves = [A.Tensor([1.0], requires_grad=True) for _ in range(4)]
    total = leaves[0]
    for leaf in leaves[1:]:
        total = total + leaf
    nodes = A.sorted_computational_graph(total)
    assert nodes[0] is total and len(nodes) == 7
    assert {id(leaf) for leaf in leaves} <= {id(node) for node in nodes}


def test_back_functions_return_new_writable_arrays():
    rng = np.random.default_rng(5)
    x, y = rng.uniform(0.5, 2.0, (3, 4)), rng.uniform(0.5, 2.0, (3, 4))
    for forward_fn, by_position in A.BACK_FUNCS.back_funcs.items():
        for position, back_fn in by_position.items():
            args = {
                A._sum: (x,), A._getitem: (x, (np.array([0, 0]),)), A._expand: (x, (3, 4)),
                np.reshape: (x, (12,)), np.transpose: (x, (1, 0)), A._matmul2d: (x, y.T),
            }.get(forward_fn, (x, y)[: 1 if forward_fn in (np.log, np.exp, np.negative) else 2])
            out = np.asarray(forward_fn(*args))
            g = rng.standard_normal(out.shape)
            result = np.asarray(back_fn(g, out, *args))
            assert result.flags.writeable, back_fn.__name__
            for array in (g, out, *args):
                if isinstance(array, np.ndarray):
                    assert not np.shares_memory(result, array), back_fn.__name__


def test_module_registration():
    class Inner(A.Module):
        def __init__(self):
            super().__init__()
            self.param1 = A.Parameter(A.Tensor([1.0]))
            self.param2 = A.Parameter(A.Tensor([2.0]))

    class Outer(A.Module):
        def __init__(self):
            super().__init__()
            self.inner = Inner()
            self.param3 = A.Parameter(A.Tensor([3.0]))

    outer = Outer()
    assert list(outer.modules()) == [outer.inner]
    assert [p.item() for p in outer.parameters()] == [3.0, 1.0, 2.0]
    assert [p.item() for p in outer.parameters(recurse=False)] == [3.0]
    assert not hasattr(outer, "missing") and getattr(outer, "missing", 7) == 7
    outer.param3 = None
    assert outer.param3 is None and [p.item() for p in outer.parameters()] == [1.0, 2.0]
    shared = outer.inner.param1
    outer.again = shared
    assert [p.item() for p in outer.parameters()] == [1.0, 2.0]  # a shared parameter is yielded once
    blank = Outer.__new__(Outer)
    assert not hasattr(blank, "inner")  # before __init__: AttributeError, not recursion
    assert "Inner(" in repr(outer) and "(inner):" in repr(outer)


def test_parameter_shares_the_array():
    x = A.Tensor([1.0, 2.0, 3.0])
    p = A.Parameter(x)
    assert p.requires_grad and p.array is x.array
    assert repr(p) == "Parameter containing:\nTensor(array([1., 2., 3.]), requires_grad=True)"


def test_linear_matches_torch_and_initialises_in_bounds():
    np.random.seed(0)
    layer = A.Linear(5, 3)
    bound = 5**-0.5
    assert layer.weight.shape == (3, 5) and layer.bias.shape == (3,)
    assert np.abs(layer.weight.array).max() <= bound and np.abs(layer.weight.array).max() > 0.8 * bound
    assert A.Linear(5, 3, bias=False).bias is None
    reference = torch.nn.Linear(5, 3, dtype=F64)
    with torch.no_grad():
        reference.weight.copy_(torch.tensor(layer.weight.array))
        reference.bias.copy_(torch.tensor(layer.bias.array))
    x = np.random.default_rng(6).standard_normal((4, 5))
    out = layer(A.Tensor(x))
    expected = reference(torch.tensor(x))
    np.testing.assert_allclose(out.array, expected.detach().numpy())
    grad = np.random.default_rng(7).standard_normal((4, 3))
    out.backward(grad)
    expected.backward(torch.tensor(grad))
    np.testing.assert_allclose(layer.weight.grad.array, reference.weight.grad.numpy())
    np.testing.assert_allclose(layer.bias.grad.array, reference.bias.grad.numpy())
    assert repr(layer) == "Linear(in_features=5, out_features=3, bias=True)"


@pytest.mark.parametrize("scale", [1.0, 50.0, 1000.0])
def test_cross_entropy_matches_torch(scale):
    rng = np.random.default_rng(8)
    logits = twin_leaf("logits", rng.standard_normal((5, 4)) * scale)
    labels = np.array([0, 3, 3, 1, 2])
    loss = A.cross_entropy(logits.mine, A.Tensor(labels))
    expected = F.cross_entropy(logits.ref, torch.tensor(labels), reduction="none")
    np.testing.assert_allclose(loss.array, expected.detach().numpy(), rtol=1e-12)
    grad = rng.standard_normal(5)
    loss.backward(grad)
    expected.backward(torch.tensor(grad))
    np.testing.assert_allclose(logits.mine.grad.array, logits.ref.grad.numpy(), atol=1e-12)


def test_cross_entropy_with_minus_infinity():
    inf = float("inf")
    logits = A.Tensor([[-inf, -inf, 0.0], [1 / 3, 1 / 3, 1 / 3], [-inf, 0.0, 0.0]])
    loss = A.cross_entropy(logits, A.Tensor([2, 0, 0]))
    np.testing.assert_allclose(loss.array, [0.0, np.log(3), inf])


def test_sgd_trains_like_torch():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((16, 784))
    labels = rng.integers(0, 10, size=16)
    np.random.seed(1)
    model = A.MLP()
    reference = torch.nn.Sequential(
        torch.nn.Linear(784, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)
    ).double()
    with torch.no_grad():
        for mine, ref in zip(model.parameters(), reference.parameters()):
            ref.copy_(torch.tensor(mine.array))
    optimizer = A.SGD(model.parameters(), lr=0.1)
    reference_optimizer = torch.optim.SGD(reference.parameters(), lr=0.1)
    for _ in range(5):
        optimizer.zero_grad()
        loss = A.cross_entropy(model(A.Tensor(x)), A.Tensor(labels)).sum() / 16
        loss.backward()
        optimizer.step()
        reference_optimizer.zero_grad()
        F.cross_entropy(reference(torch.tensor(x)), torch.tensor(labels)).backward()
        reference_optimizer.step()
    for mine, ref in zip(model.parameters(), reference.parameters()):
        np.testing.assert_allclose(mine.array, ref.detach().numpy(), rtol=1e-9, atol=1e-12)
