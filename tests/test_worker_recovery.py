"""Learner code that attacks the check worker itself (its parent) still gets a verdict."""

import dataclasses
import time

import pytest

from mlkata.curriculum import load_curriculum
from mlkata.protocol import Status
from mlkata.client import WATCHDOG_GRACE_S, WorkerClient
from tests.checking import check_source, explanation

EXERCISE = dataclasses.replace(load_curriculum().get("identity_matrix"), timeout_s=1.0)
RIGHT = EXERCISE.solution_path.read_text()
STOP_PARENT = "import os, signal\n\ndef identity_matrix(n):\n    os.kill(os.getppid(), signal.SIGSTOP)\n"
KILL_PARENT = "import os, signal\n\ndef identity_matrix(n):\n    os.kill(os.getppid(), signal.SIGKILL)\n"


@pytest.fixture
def worker():
    with WorkerClient(parallel=1) as client:
        client.wait_ready()
        yield client


def test_stopping_the_worker_times_out_and_the_next_check_works(worker, tmp_path):
    started = time.monotonic()
    result = check_source(worker, EXERCISE, STOP_PARENT, tmp_path)
    waited = time.monotonic() - started
    assert result.status is Status.TIMED_OUT, explanation(result)
    assert "stopped answering" in result.headline
    assert waited < EXERCISE.timeout_s + WATCHDOG_GRACE_S + 5
    assert check_source(worker, EXERCISE, RIGHT, tmp_path).status is Status.PASSED


def test_killing_the_worker_twice_is_a_crash_verdict_and_the_next_check_works(worker, tmp_path):
    result = check_source(worker, EXERCISE, KILL_PARENT, tmp_path)
    assert result.status is Status.CRASHED, explanation(result)
    assert "died while it ran this code" in result.headline
    assert check_source(worker, EXERCISE, RIGHT, tmp_path).status is Status.PASSED
