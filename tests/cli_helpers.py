"""Driving the real command line: in-process through Typer's runner, or as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from mlkata.cli import cli
from mlkata.curriculum import load_curriculum
from mlkata.mistakes import load_mistakes

CURRICULUM = load_curriculum()
SUBPROCESS_TIMEOUT_S = 300


def invoke(*args: str):
    """Run a command in this process (fast commands that never start the worker)."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def mlkata(*args: str, cwd: Path, timeout: float = SUBPROCESS_TIMEOUT_S) -> subprocess.CompletedProcess:
    """Run `python -m mlkata ARGS` as a real subprocess."""
    env = dict(os.environ, COLUMNS="160", NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "mlkata", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def state_of(workspace: Path) -> dict:
    return json.loads((workspace / ".mlkata" / "state.json").read_text())


def a_wrong_solution(name: str):
    """A known mistake of `name` (from its mistakes.toml) that fails with phrases to look for."""
    for mistake in load_mistakes(CURRICULUM.get(name)):
        if mistake.status.value == "failed" and mistake.expect:
            return mistake
    raise LookupError(f"no known mistake for {name}")


def solve(workspace: Path, name: str) -> None:
    """Put the reference solution in the learner's file."""
    exercise = CURRICULUM.get(name)
    (workspace / exercise.relative_path).write_text(exercise.solution_path.read_text())
