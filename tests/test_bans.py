"""Bans hold at every door: the learner's file reaching a banned operation by any route fails.

Each case runs a learner file through the real worker. The doors: torch's operator
namespaces (`torch.ops.aten.*`), its private bindings (`torch._C._nn`,
`torch._C._VariableFunctions`), the legacy typed constructors (`torch.LongTensor([...])`),
the rest of a banned family (a 3-d or transposed convolution where `conv1d` is banned),
NumPy's twins (`numpy.eye`), torch's own Python re-implementations (`torch._refs.eye`),
and calls torch's function modes never see (modes switched off, `redispatch`, a backward
hook). The check itself may use every one of those doors, and the learner may still use
what the exercise allows even where it runs a banned operator inside (`torch.einsum` runs
`bmm`).
"""

from __future__ import annotations

import dataclasses
import queue
from pathlib import Path
from textwrap import dedent

import pytest

from mlkata.protocol import CheckRequest
from mlkata.curriculum import load_curriculum
from mlkata.protocol import CheckResult, Status
from mlkata.client import WorkerClient
from mlkata.requests import build_request
from tests.checking import RESULT_TIMEOUT_S, check_source, explanation

CURRICULUM = load_curriculum()

REARRANGE_REST = """
def rearrange_2():
    return torch.arange(1, 7).reshape(2, 3)


def rearrange_3():
    return torch.arange(1, 7).reshape(1, 6, 1)
"""

CONV1D_AS_STRIDED = """
    batch, channels, width = x.shape
    out_channels, _, kernel = weights.shape
    s_batch, s_channel, s_width = x.stride()
    windows = x.as_strided((batch, channels, width - kernel + 1, kernel), (s_batch, s_channel, s_width, s_width))
    return torch.einsum("bcwk,ock->bow", windows, weights)
"""


def learner(body: str, header: str = "import torch\nimport torch.nn.functional as F\nimport numpy\n") -> str:
    """A learner's file: the imports, a blank line, then `body` (its first line is line 5)."""
    return header + "\n" + dedent(body).strip("\n") + "\n"


def identity(expression: str) -> str:
    return learner(f"def identity_matrix(n):\n    return {expression}")


def conv1d(body: str) -> str:
    lines = dedent(body).strip("\n").splitlines()
    return learner("def conv1d_minimal(x, weights):\n" + "\n".join(f"    {line}" if line else "" for line in lines))


def rearrange(expression: str) -> str:
    return learner(f"def rearrange_1():\n    return {expression}\n" + REARRANGE_REST)


def batched_dot(expression: str) -> str:
    return learner(f"def batched_dot_product_nd(a, b):\n    return {expression}")


# (exercise, door, learner source, phrases the explanation must contain)
BANNED = [
    # torch's operator namespaces: the operator under its own name, with or without overload
    ("identity_matrix", "torch.ops.aten packet", identity("torch.ops.aten.eye(n)"), ["calls torch.ops.aten.eye", "identity_matrix.py:6"]),
    ("identity_matrix", "torch.ops.aten overload", identity("torch.ops.aten.eye.default(n)"), ["calls torch.ops.aten.eye.default"]),
    (
        "conv1d_minimal",
        "torch.ops.aten, an operator below the public name",
        conv1d("return torch.ops.aten.convolution(x, weights, None, [1], [0], [1], False, [0], 1)"),
        ["calls torch.ops.aten.convolution"],
    ),
    (
        "conv1d_minimal",
        "torch.ops.aten, a backend kernel",
        conv1d("return torch.ops.aten._convolution(x, weights, None, [1], [0], [1], False, [0], 1, False, False, True, True)"),
        ["calls torch.ops.aten._convolution"],
    ),
    # private bindings
    (
        "conv1d_minimal",
        "torch._C._nn",
        conv1d("""
            k = weights.shape[-1]
            columns = torch._C._nn.im2col(x[..., None], [k, 1], [1, 1], [0, 0], [1, 1])
            return torch.einsum("bkl,ok->bol", columns, weights.reshape(weights.shape[0], -1))
        """),
        ["calls torch._C._nn.im2col"],
    ),
    ("identity_matrix", "torch._C._VariableFunctions", identity("torch._C._VariableFunctions.eye(n)"), ["calls torch.eye"]),
    (
        "conv1d_minimal",
        "torch._C._VariableFunctions, a kernel with no public name",
        conv1d("return torch._C._VariableFunctions.mkldnn_convolution(x, weights, None, [0], [1], [1], 1)"),
        ["calls torch.mkldnn_convolution"],
    ),
    (
        "maxpool2d",
        "torch._C._nn, the kernel behind F.max_pool2d",
        learner(
            "def maxpool2d(x, kernel_size, stride=None, padding=0):\n"
            "    return torch._C._nn.max_pool2d_with_indices(x, kernel_size, stride or kernel_size, padding)[0]"
        ),
        ["calls torch._C._nn.max_pool2d_with_indices"],
    ),
    (
        "relu_five_ways",
        "torch._C._nn, a relative of a banned function",
        learner(
            "def relu_clone_setitem(x):\n    return torch._C._nn.hardtanh(x, 0.0, float('inf'))\n"
            + "".join(f"\n\ndef relu_{name}(x):\n    return x * (x > 0)\n" for name in ("where", "maximum", "abs", "multiply_bool"))
        ),
        ["calls torch._C._nn.hardtanh"],
    ),
    (
        "softmax_family",
        "a private operator",
        learner("""
            def batched_logsumexp(matrix):
                top = matrix.amax(-1, keepdim=True)
                return (matrix - top).exp().sum(-1).log() + top[..., 0]


            def batched_softmax(matrix):
                return torch._safe_softmax(matrix, -1)


            def batched_logsoftmax(matrix):
                return matrix - batched_logsumexp(matrix)[..., None]
        """),
        ["calls torch._safe_softmax"],
    ),
    # legacy typed constructors, where building from Python values is banned
    ("rearrange_basics", "torch.LongTensor", rearrange("torch.LongTensor([[3, 4], [5, 6], [7, 8]])"), ["calls torch.LongTensor", "rearrange_basics.py:6"]),
    ("rearrange_basics", "torch.FloatTensor", rearrange("torch.FloatTensor([[3, 4], [5, 6], [7, 8]]).long()"), ["calls torch.FloatTensor"]),
    ("rearrange_basics", "Tensor.new", rearrange("torch.arange(1).new([[3, 4], [5, 6], [7, 8]])"), ["calls torch.Tensor.new"]),
    # the rest of the family
    (
        "conv1d_minimal",
        "a transposed 3-d convolution",
        conv1d("""
            flipped = weights.flip(-1).transpose(0, 1)[..., None, None]
            return F.conv_transpose3d(x[..., None, None], flipped, padding=(weights.shape[-1] - 1, 0, 0))[..., 0, 0]
        """),
        ["calls torch.nn.functional.conv_transpose3d"],
    ),
    ("conv1d_minimal", "fold", conv1d("return F.fold(x, (1, x.shape[-1]), 1)"), ["calls torch.nn.functional.fold"]),
    ("batched_dot", "linalg.vecdot", batched_dot("torch.linalg.vecdot(a.flatten(1), b.flatten(1))"), ["calls torch.linalg.vecdot"]),
    (
        "batched_dot",
        "baddbmm",
        batched_dot("torch.baddbmm(torch.zeros(len(a), 1, 1, dtype=a.dtype), a.flatten(1)[:, None], b.flatten(1)[..., None]).flatten()"),
        ["calls torch.baddbmm"],
    ),
    # NumPy's twins, under any module of NumPy's that exposes them
    ("identity_matrix", "numpy.eye", identity("torch.from_numpy(numpy.eye(n, dtype='float32'))"), ["calls numpy.eye"]),
    ("identity_matrix", "numpy.identity", identity("torch.from_numpy(numpy.identity(n, dtype='float32'))"), ["calls numpy.identity"]),
    (
        "identity_matrix",
        "numpy.eye from the module that defines it",
        identity("torch.from_numpy(numpy.lib._twodim_base_impl.eye(n, dtype='float32'))"),
        ["calls numpy.eye"],
    ),
    (
        "conv1d_minimal",
        "numpy.convolve",
        conv1d("return torch.from_numpy(numpy.convolve(x.numpy()[0, 0], weights.numpy()[0, 0], 'valid'))"),
        ["calls numpy.convolve"],
    ),
    (
        "relu_five_ways",
        "numpy.clip",
        learner(
            "def relu_clone_setitem(x):\n    return torch.from_numpy(numpy.clip(x.detach().numpy(), 0, None))\n"
            + "".join(f"\n\ndef relu_{name}(x):\n    return x * (x > 0)\n" for name in ("where", "maximum", "abs", "multiply_bool"))
        ),
        ["calls numpy.clip"],
    ),
    # torch's own Python re-implementations
    ("identity_matrix", "torch._refs", identity("torch._refs.eye(n)"), ["calls torch._refs.eye"]),
    (
        "conv1d_minimal",
        "torch's decomposition table",
        conv1d("""
            import torch._decomp
            im2col = torch._decomp.decomposition_table[torch.ops.aten.im2col.default]
            k = weights.shape[-1]
            columns = im2col(x[..., None], [k, 1], [1, 1], [0, 0], [1, 1])
            return torch.einsum("bkl,ok->bol", columns, weights.reshape(weights.shape[0], -1))
        """),
        ["calls torch._decomp.decompositions.im2col"],
    ),
    # calls torch's function modes never see
    (
        "conv1d_minimal",
        "torch function modes switched off",
        conv1d("""
            with torch._C.DisableTorchFunction():
                return F.conv1d(x, weights)
        """),
        ["calls F.conv1d (a convolution, torch.ops.aten.convolution)", "conv1d_minimal.py:7"],
    ),
    (
        "conv1d_minimal",
        "an operator's redispatch",
        conv1d("""
            below_autograd = torch._C.DispatchKeySet(torch._C.DispatchKey.CPU)
            convolution = torch.ops.aten.convolution.default
            return convolution.redispatch(below_autograd, x, weights, None, [1], [0], [1], False, [0], 1)
        """),
        ["calls convolution.redispatch (a convolution, torch.ops.aten.convolution)"],
    ),
    (
        "conv1d_minimal",
        "a backward hook torch calls from inside Tensor.backward",
        conv1d("""
            found = []
            w = weights.clone().requires_grad_()
            w.register_hook(lambda grad: found.append(F.conv1d(x, weights)))
            (w * 1).sum().backward()
            return found[0]
        """),
        ["calls F.conv1d (a convolution, torch.ops.aten.convolution)"],
    ),
    # library code the exercise allows, reaching a banned operation on the learner's behalf
    ("identity_matrix", "nn.init.eye_", identity("torch.nn.init.eye_(torch.empty(n, n))"), ["calls torch.eye"]),
]


@pytest.mark.parametrize("exercise, door, source, phrases", BANNED, ids=[f"{case[0]}: {case[1]}" for case in BANNED])
def test_banned_operation_fails_through_every_door(worker, tmp_path, exercise, door, source, phrases):
    result = check_source(worker, CURRICULUM.get(exercise), source, tmp_path)
    text = explanation(result)
    assert result.status is Status.FAILED, text
    assert "which this exercise asks you to build yourself" in text, text
    for phrase in phrases:
        assert phrase in text, f"{phrase!r} not in:\n{text}"


# (exercise, what the learner uses, learner source): allowed, though a banned operator runs inside
ALLOWED = [
    ("batched_dot", "torch.einsum, which runs bmm", batched_dot("torch.einsum('b...,b...->b', a, b)")),
    ("batched_dot", "torch.ops.aten.einsum, which runs bmm", batched_dot("torch.ops.aten.einsum('b...,b...->b', [a, b])")),
    ("batched_dot", "NumPy's einsum, the twin of what is allowed", batched_dot("torch.from_numpy(numpy.einsum('bi,bi->b', a.flatten(1).numpy(), b.flatten(1).numpy()))")),
    ("conv1d_minimal", "as_strided and einsum", conv1d(CONV1D_AS_STRIDED)),
    ("rearrange_basics", "torch.from_numpy of a counted array", rearrange("torch.from_numpy(numpy.arange(3, 9)).reshape(3, 2)")),
    ("rearrange_basics", "indexing with a list", rearrange("torch.arange(3, 9)[[0, 1, 2, 3, 4, 5]].reshape(3, 2)")),
    ("rearrange_basics", "printing a tensor", rearrange("(print(torch.arange(3, 9)), torch.arange(3, 9).reshape(3, 2))[1]")),
]


@pytest.mark.parametrize("exercise, what, source", ALLOWED, ids=[f"{case[0]}: {case[1]}" for case in ALLOWED])
def test_allowed_route_passes(worker, tmp_path, exercise, what, source):
    result = check_source(worker, CURRICULUM.get(exercise), source, tmp_path)
    assert result.status is Status.PASSED, explanation(result)


def test_a_guard_gives_no_way_back_to_the_original(worker, tmp_path):
    source = rearrange("torch.from_numpy(numpy.array.__wrapped__([[3, 4], [5, 6], [7, 8]]))")
    result = check_source(worker, CURRICULUM.get("rearrange_basics"), source, tmp_path)
    assert result.status is not Status.PASSED, explanation(result)
    assert "__wrapped__" in explanation(result)


# A check that reaches every banned operation through every door itself: the check and its
# reference are trusted, whatever they call.
DOORS_CHECK = """
import numpy
import torch
import torch._decomp
import torch._refs
import torch.nn.functional as F

from mlkata.checking import expect_close


def check(learner):
    eye = torch.eye(3)
    for got in (
        torch.ops.aten.eye(3),
        torch.ops.aten.eye.default(3),
        torch._C._VariableFunctions.eye(3),
        torch.from_numpy(numpy.eye(3, dtype="float32")),
        torch.from_numpy(numpy.identity(3, dtype="float32")),
        torch._refs.eye(3),
        torch.LongTensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]]).float(),
        torch.tensor(numpy.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1]], dtype="float32")),
    ):
        expect_close(got, eye, what="the check's own identity matrix")
    x, w = torch.randn(1, 2, 5), torch.randn(3, 2, 3)
    expected = F.conv1d(x, w)
    below_autograd = torch._C.DispatchKeySet(torch._C.DispatchKey.CPU)
    with torch._C.DisableTorchFunction():
        unseen = F.conv1d(x, w)
    redispatched = torch.ops.aten.convolution.default.redispatch(below_autograd, x, w, None, [1], [0], [1], False, [0], 1)
    for got in (unseen, redispatched):
        expect_close(got, expected, what="the check's own convolution")
    columns = torch._C._nn.im2col(x[..., None], [3, 1], [1, 1], [0, 0], [1, 1])
    im2col = torch._decomp.decomposition_table[torch.ops.aten.im2col.default]
    expect_close(im2col(x[..., None], [3, 1], [1, 1], [0, 0], [1, 1]), columns, what="the check's own im2col")
    expect_close(torch.from_numpy(numpy.convolve(numpy.ones(3), numpy.ones(2), "valid")), torch.full((2,), 2.0, dtype=torch.float64), what="the check's own numpy.convolve")
    for n in (0, 1, 4):
        expect_close(learner.identity_matrix(n), torch.eye(n), what=f"identity_matrix({n})")
"""


def check_with(worker: WorkerClient, tmp_path: Path, check_source_text: str, learner_source: str, banned: tuple[str, ...]) -> CheckResult:
    exercise = CURRICULUM.get("identity_matrix")
    check_file = tmp_path / "checks" / "doors" / "identity_matrix.py"
    check_file.parent.mkdir(parents=True)
    check_file.write_text(check_source_text, encoding="utf-8")
    learner_file = tmp_path / "work" / "identity_matrix.py"
    learner_file.parent.mkdir(parents=True)
    learner_file.write_text(learner_source, encoding="utf-8")
    request = build_request(exercise, learner_file, "identity_matrix.py")
    assert isinstance(request, CheckRequest)
    request = dataclasses.replace(request, check_file=str(check_file), banned=banned)
    check_id = worker.submit(request)
    held = []
    try:
        while True:
            message = worker.messages.get(timeout=RESULT_TIMEOUT_S)
            if message.get("type") == "result" and message["id"] == check_id:
                return CheckResult.from_json(message["result"])
            held.append(message)
    except queue.Empty:
        raise AssertionError(f"no verdict within {RESULT_TIMEOUT_S} s") from None
    finally:
        for message in held:
            worker.messages.put(message)


DOORS_BANNED = ("eye", "torch.tensor", "conv1d", "unfold")


def test_the_check_may_use_every_door(worker, tmp_path):
    correct = identity("(torch.arange(n)[:, None] == torch.arange(n)[None, :]).float()")
    result = check_with(worker, tmp_path, DOORS_CHECK, correct, DOORS_BANNED)
    assert result.status is Status.PASSED, explanation(result)


def test_the_learner_may_not_where_the_check_may(worker, tmp_path):
    door = identity("torch.LongTensor([[int(i == j) for j in range(n)] for i in range(n)]).float()")
    result = check_with(worker, tmp_path, DOORS_CHECK, door, DOORS_BANNED)
    assert result.status is Status.FAILED, explanation(result)
    assert "identity_matrix.py:6 calls torch.LongTensor" in explanation(result)


# ---- the family table, against the installed torch and NumPy ---------------------------------


def test_every_family_names_what_exists():
    """A family whose members or operator pattern match nothing has a typo (or torch renamed it)."""
    from mlkata.sandbox import bans
    from mlkata.sandbox.ban_families import FAMILIES

    index = bans._index()
    for family in FAMILIES:
        torch_members = [path for path, _ in index.members[family.name] if path.startswith("torch.")]
        assert torch_members, f"no member of {family.name} exists"
        assert index.operators[family.name], f"the operator pattern of {family.name} matches nothing"
        for name in family.includes:
            assert any(other.name == name for other in FAMILIES), f"{family.name} includes an unknown family {name}"


def test_an_operator_is_in_one_family_at_most():
    from mlkata.sandbox import bans
    from mlkata.sandbox.ban_families import FAMILIES

    index = bans._index()
    seen: dict[str, str] = {}
    for family in FAMILIES:
        for operator in index.operators[family.name]:
            assert operator not in seen, f"{operator} is in {seen[operator]} and {family.name}"
            seen[operator] = family.name


def test_every_manifest_ban_of_a_function_brings_its_family():
    """Every torch operation an exercise bans is in a family, so its other doors are closed too.

    (A ban on a Python function of a library or of mlkata's given code, such as
    torch.utils.data.random_split or mlkata.given.autograd.sum_back, has one door only.)
    """
    from mlkata.sandbox import bans

    index = bans._index()
    for exercise in CURRICULUM.exercises:
        for spec in exercise.banned:
            for path, obj in bans.resolve(spec):
                if isinstance(obj, type) or path.startswith("torch.Tensor.__") or not path.startswith("torch.") or bans._plain_python(obj) or "._" in path:
                    continue
                assert id(obj) in index.families_of, f"{exercise.name}: {path} is in no family"
