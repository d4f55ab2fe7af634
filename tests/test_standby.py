"""Prepared check processes: while watch mode idles, the next check is made ready in advance.

A standby process has loaded the check, installed the bans and taken the snapshot before
the save arrives. Every verdict must be the same as from a freshly forked process,
whatever the learner's code does.
"""

import os
import time

import pytest

from mlkata.curriculum import load_curriculum
from mlkata.protocol import Status
from mlkata.client import WorkerClient
from tests.checking import check_source, explanation

EXERCISE = load_curriculum().get("identity_matrix")
RIGHT = EXERCISE.solution_path.read_text()
CASES = [
    ("right answer", RIGHT, Status.PASSED, "passed"),
    ("wrong values", "import torch\ndef identity_matrix(n):\n    return torch.ones(n, n)\n", Status.FAILED, "differs"),
    ("banned call", "import torch\ndef identity_matrix(n):\n    return torch.eye(n)\n", Status.FAILED, "calls torch.eye"),
    ("stub", EXERCISE.stub_path.read_text(), Status.NOT_STARTED, "not started"),
    ("loop at import", "while True:\n    pass\n", Status.TIMED_OUT, "timed out"),
    ("os._exit at import", "import os\nos._exit(0)\n", Status.ERROR, "ended the check process"),
    ("segfault", "import ctypes\ndef identity_matrix(n):\n    ctypes.string_at(0)\n", Status.CRASHED, "SIGSEGV"),
    ("patched comparison", "import torch\ntorch.allclose = lambda *a, **k: True\n" + "def identity_matrix(n):\n    return torch.ones(n, n)\n", Status.FAILED, "differs"),
    ("right answer again", RIGHT, Status.PASSED, "passed"),
]


def standby_pids(worker: WorkerClient) -> list[int]:
    """The worker's child processes while it is idle: the prepared check process."""
    pid = worker._process.pid
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listing:
            return [int(p) for p in listing.read().split()]
    except OSError:
        pytest.skip("/proc does not list children here")


@pytest.fixture(scope="module")
def watch_worker():
    with WorkerClient(parallel=1) as client:  # as watch mode runs it
        client.wait_ready()
        yield client


@pytest.mark.parametrize("label, source, status, phrase", CASES, ids=[case[0] for case in CASES])
def test_prepared_process_gives_the_same_verdicts(watch_worker, tmp_path, label, source, status, phrase):
    import dataclasses

    exercise = dataclasses.replace(EXERCISE, timeout_s=2.0)
    check_source(watch_worker, exercise, RIGHT, tmp_path)  # leaves a standby for this exercise
    deadline = time.monotonic() + 30
    while not standby_pids(watch_worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert standby_pids(watch_worker), "no prepared check process while idle"
    result = check_source(watch_worker, exercise, source, tmp_path)
    assert result.status is status, explanation(result)
    assert phrase in explanation(result)


def test_a_different_exercise_does_not_use_the_prepared_process(watch_worker, tmp_path):
    other = load_curriculum().get("rearrange_basics")
    check_source(watch_worker, EXERCISE, RIGHT, tmp_path)
    time.sleep(0.5)
    result = check_source(watch_worker, other, other.solution_path.read_text(), tmp_path)
    assert result.status is Status.PASSED, explanation(result)
    assert result.exercise == "rearrange_basics"
