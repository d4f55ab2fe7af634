"""How checks teach, through `mlkata run`, `list` and watch in a real pseudo-terminal.

- the simplest failing case: a wrong convolution found on x of shape (2, 3, 10) is also
  shown on the smallest input that still fails the same way, written out in full;
- shrinking never turns a failure into a pass, and stays within its time;
- partial progress: "1 of 3 parts pass", the first failing part explained, in `run`,
  `list` and watch.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from mlkata.protocol import CheckResult, Status
from mlkata.requests import build_request
from tests.cli_helpers import CURRICULUM, invoke, mlkata
from benchmarks.ptydriver import watch as start_watch

CONV1D = CURRICULUM.get("conv1d_minimal")
REARRANGE = CURRICULUM.get("rearrange_basics")
CONV1D_REFERENCE = CONV1D.solution_path.read_text()
FLIPPED = CONV1D_REFERENCE.replace('torch.einsum("bcik,ock->boi", windows, weights)', 'torch.einsum("bcik,ock->boi", windows.flip(-1), weights)')
# Right for one example, wrong as soon as the batch has two: the first example's
# output is repeated for every example.
FIRST_EXAMPLE_ONLY = CONV1D_REFERENCE.replace(
    'return torch.einsum("bcik,ock->boi", windows, weights)',
    'out = torch.einsum("bcik,ock->boi", windows, weights)\n    return out[:1].expand_as(out).clone()',
)
# Wrong everywhere, and hangs on any input narrower than the original ones.
HANGS_WHEN_SMALL = FLIPPED.replace(
    "    batch, in_channels, width = x.shape\n",
    "    batch, in_channels, width = x.shape\n    while width < 10:\n        pass\n",
)


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "ws"
    assert invoke("init", str(root)).exit_code == 0
    return root


def write(workspace, exercise, source):
    (workspace / exercise.relative_path).write_text(source)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_run_shows_the_simplest_failing_case(workspace):
    write(workspace, CONV1D, FLIPPED)
    result = mlkata("run", CONV1D.name, cwd=workspace)
    text = flat(result.stdout)
    assert result.returncode == 1
    assert "conv1d_minimal(x, weights): it flips the kernel" in text  # a known mistake, named
    assert "in conv1d_minimal(x=float32[2, 3, 10], weights=float32[4, 3, 3])" in text  # the original call
    assert "the simplest failing case" in text
    # one example, one channel, the narrowest input whose flipped kernel still differs
    simplest = re.search(r"conv1d_minimal\(x=float32\[(\d+), (\d+), (\d+)\], weights=float32\[(\d+), (\d+), (\d+)\]\)", text[text.index("the simplest failing case"):])
    assert simplest is not None, text
    batch, channels, width, out_channels, _, kernel = map(int, simplest.groups())
    assert (batch, channels, out_channels) == (1, 1, 1)
    assert kernel >= 2 and width < 10  # a flip only shows with two or more taps
    assert re.search(r"expected float32\[1, 1, \d+\] \[\[\[", text) and re.search(r"got float32\[1, 1, \d+\] \[\[\[", text)


def test_shrinking_keeps_what_makes_the_case_fail(workspace):
    write(workspace, CONV1D, FIRST_EXAMPLE_ONLY)
    result = mlkata("run", CONV1D.name, cwd=workspace)
    text = flat(result.stdout)
    assert result.returncode == 1 and "FAILED" in text
    simplest = text[text.index("the simplest failing case"):]
    assert "x=float32[2, 1," in simplest  # batch 1 would pass: two examples are the simplest case


def test_a_hang_while_shrinking_costs_only_the_simplest_case(worker, tmp_path):
    """Learner code that loops forever on small inputs: the failure stands, the search is cut short."""
    file = tmp_path / CONV1D.relative_path
    file.parent.mkdir(parents=True)
    file.write_text(HANGS_WHEN_SMALL)
    check_id = worker.submit(build_request(CONV1D, file, CONV1D.relative_path.as_posix()))
    verdict, verdict_at = None, None
    while True:
        message = worker.messages.get(timeout=120)
        if message.get("id") != check_id:
            continue
        if message["type"] == "result":
            verdict, verdict_at = CheckResult.from_json(message["result"]), time.monotonic()
            assert verdict.status is Status.FAILED and verdict.seeking_simplest, verdict.headline
        elif message["type"] == "detail":
            # Ended by the search's own alarm, well before the worker's time limit would.
            assert time.monotonic() - verdict_at < CONV1D.timeout_s - 2
            break
    assert "it flips the kernel" in verdict.headline


def test_run_and_list_report_partial_progress(workspace):
    reference = REARRANGE.solution_path.read_text()
    stub = REARRANGE.stub_path.read_text()
    # rearrange_1 written, rearrange_2 wrong, rearrange_3 still the stub's
    first = reference.split("\ndef rearrange_2")[0]
    second = "\ndef rearrange_2() -> torch.Tensor:\n    return torch.arange(1, 7)\n"
    third = "\ndef rearrange_3" + stub.split("\ndef rearrange_3")[1]
    write(workspace, REARRANGE, first + second + third)
    result = mlkata("run", REARRANGE.name, cwd=workspace)
    text = flat(result.stdout)
    assert result.returncode == 1
    assert "1 of 3 parts pass ✓ rearrange_1 ✗ rearrange_2 ○ rearrange_3" in text
    assert "rearrange_2() has shape (6,); expected (2, 3)" in text  # the first failing part, explained
    rows = {row["name"]: row for row in json.loads(mlkata("list", "--json", cwd=workspace).stdout)}
    assert rows[REARRANGE.name]["parts"] == [1, 3]
    assert "1/3 parts" in flat(mlkata("list", cwd=workspace).stdout)


def test_watch_shows_parts_as_they_pass(workspace):
    session = start_watch(workspace, rows=50, columns=120)
    try:
        session.expect("NOT STARTED")
        reference = REARRANGE.solution_path.read_text()
        head, tail = reference.split("def rearrange_2", 1)
        write(workspace, REARRANGE, head + "def rearrange_2" + tail.replace("torch.arange(1, 7)", "torch.arange(0, 6)", 1))
        session.expect(r"2 of 3 parts pass\s+✓ rearrange_1\s+✗ rearrange_2\s+✓ rearrange_3")
    finally:
        session.close()


def test_watch_shows_the_verdict_then_the_simplest_case(workspace):
    state = workspace / ".mlkata" / "state.json"
    saved = json.loads(state.read_text())
    saved["current"] = CONV1D.name
    state.write_text(json.dumps(saved))
    session = start_watch(workspace, rows=50, columns=120)
    try:
        session.expect(CONV1D.name)
        session.expect("NOT STARTED")
        write(workspace, CONV1D, FLIPPED)
        session.expect("it flips the kernel")
        session.expect("the simplest failing case", timeout=10)
        session.expect(r"x float32\[1, 1, \d+\]")
    finally:
        session.close()
