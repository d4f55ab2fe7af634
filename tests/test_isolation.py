"""Nothing leaks from one check to the next: files written, global state, imports."""

import glob
import os
import tempfile

import pytest

from mlkata.curriculum import load_curriculum
from mlkata.protocol import Status
from mlkata.client import WorkerClient
from tests.checking import check_source, explanation

EXERCISE = load_curriculum().get("identity_matrix")
RIGHT = EXERCISE.solution_path.read_text()

# Passes only if no earlier run left its traces behind, then leaves traces of its own.
LEAVES_TRACES = (
    "import os, sys, torch\n"
    "assert not os.path.exists('written_by_learner.txt'), 'a file from an earlier run is visible'\n"
    "assert 'json.tool' not in sys.modules, 'a module imported by an earlier run is loaded'\n"
    "assert torch.get_default_dtype() == torch.float32, 'the default dtype leaked'\n"
    "open('written_by_learner.txt', 'w').write('x')\n"
    "import json.tool\n"
    "torch.set_default_dtype(torch.float64)\n"
    "torch.manual_seed(1234)\n"
) + RIGHT


@pytest.fixture(scope="module")
def watch_worker():
    with WorkerClient(parallel=1) as client:  # uses prepared check processes
        client.wait_ready()
        yield client


@pytest.mark.parametrize("which", ["fresh processes", "prepared processes"])
def test_a_run_sees_nothing_an_earlier_run_left(worker, watch_worker, tmp_path, monkeypatch, which):
    client = worker if which == "fresh processes" else watch_worker
    monkeypatch.chdir(tmp_path)
    # Scratch folders are named after the worker that made them: count only this one's.
    pattern = os.path.join(tempfile.gettempdir(), f"mlkata-check-{client._process.pid}-*")
    before = set(glob.glob(pattern))
    for _ in range(3):
        result = check_source(client, EXERCISE, LEAVES_TRACES, tmp_path)
        assert result.status is Status.PASSED, explanation(result)
    assert not list(tmp_path.rglob("written_by_learner.txt"))  # not in the workspace either
    left = set(glob.glob(pattern)) - before
    assert len(left) <= 1  # at most the folder of a prepared process still waiting
