"""Every exercise is proven the way `mlkata dev check` proves it, one test per exercise.

Its stub reports "not started", its reference solution passes, and every known mistake in
its mistakes.toml (at least two) gets its verdict and every phrase it expects.
"""

import pytest

from mlkata.curriculum import load_curriculum
from mlkata.devcheck import prove, static_problems

CURRICULUM = load_curriculum()


def test_manifest_and_files_agree():
    problems = static_problems(CURRICULUM)
    assert not problems, "\n".join(f"{p.where}: {p.what}" for p in problems)


@pytest.mark.parametrize("exercise", CURRICULUM.exercises, ids=lambda e: e.name)
def test_exercise_is_proven(worker, exercise):
    [proof] = prove([exercise], CURRICULUM, worker.submit, worker.messages)
    assert not proof.problems, "\n".join(p.what for p in proof.problems)
    assert proof.mistakes >= 2
