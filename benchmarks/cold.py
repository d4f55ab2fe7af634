"""The cold baseline: a fresh `python -m pytest` per save, as exercise runners without a warm worker do.

Each run is a new interpreter that imports pytest, collects a one-test file, reads the
learner's file, imports torch and runs the very same check through the same code
(`mlkata.sandbox.harness.run`), so the only difference from watch mode is the cold start.
Watching the file is left out, which flatters the baseline slightly.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.saves import FailingVersion, with_token
from mlkata.curriculum import Exercise

TEST_FILE = '''\
import sys
from pathlib import Path

from mlkata.sandbox.harness import run
from mlkata.curriculum import load_curriculum
from mlkata.requests import build_request

LEARNER_FILE = Path({learner!r})


def test_exercise():
    exercise = load_curriculum().get({name!r})
    request = build_request(exercise, LEARNER_FILE, {display!r})
    streams = sys.stdout, sys.stderr
    try:
        result = run(request)
    finally:
        sys.stdout, sys.stderr = streams  # the check process takes them over
    assert result.status.value == "passed", result.headline
'''


@dataclass
class ColdRuns:
    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def measure_cold(exercises: list[Exercise], versions: dict[str, list[FailingVersion]], runs: int, timeout: float) -> ColdRuns:
    """`runs` fresh pytest runs, taking the exercises and their failing versions in turn."""
    cold = ColdRuns()
    with tempfile.TemporaryDirectory(prefix="mlkata-cold-") as folder:
        root = Path(folder)
        tests = []
        for exercise in exercises:
            learner = root / exercise.relative_path
            learner.parent.mkdir(parents=True, exist_ok=True)
            test = root / f"test_{exercise.name}.py"
            test.write_text(TEST_FILE.format(learner=str(learner), name=exercise.name, display=exercise.relative_path.as_posix()))
            tests.append((exercise, learner, test))
        for run in range(runs):
            exercise, learner, test = tests[run % len(tests)]
            version = versions[exercise.name][(run // len(tests)) % 2]
            started = time.perf_counter()
            learner.write_text(with_token(version.source, f"cold-{run}"), encoding="utf-8")
            try:
                done = subprocess.run(
                    [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test.name],
                    cwd=root, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                )
            except subprocess.TimeoutExpired:
                cold.failures.append(f"timed out after {timeout:g} s")
                continue
            elapsed = time.perf_counter() - started
            if done.returncode == 1 and b"1 failed" in done.stdout:
                cold.seconds.append(elapsed)  # the verdict the learner waits for: a failure
            else:
                tail = done.stdout.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
                cold.failures.append(f"pytest exit code {done.returncode}: {tail[0]}")
    return cold
