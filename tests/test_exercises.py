"""Every exercise: the stub is not started, the reference passes, wrong solutions fail right."""

import importlib
import pkgutil

import pytest

import tests.wrong_solutions
from mlkata.curriculum import load_curriculum
from mlkata.protocol import Status
from tests.checking import check_file, check_source, explanation

CURRICULUM = load_curriculum()
EXERCISES = CURRICULUM.exercises


def _wrong_solutions():
    cases = []
    for info in pkgutil.iter_modules(tests.wrong_solutions.__path__):
        module = importlib.import_module(f"tests.wrong_solutions.{info.name}")
        cases.extend(module.CASES)
    return cases


WRONG = _wrong_solutions()


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_stub_is_not_started(worker, exercise):
    result = check_file(worker, exercise, exercise.stub_path, str(exercise.relative_path))
    assert result.status is Status.NOT_STARTED, explanation(result)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_reference_solution_passes(worker, exercise):
    result = check_file(worker, exercise, exercise.solution_path, str(exercise.relative_path))
    assert result.status is Status.PASSED, explanation(result)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_every_exercise_has_two_wrong_solutions(exercise):
    assert sum(case.exercise == exercise.name for case in WRONG) >= 2


@pytest.mark.parametrize("case", WRONG, ids=lambda c: c.id)
def test_wrong_solution_fails_with_explanation(worker, tmp_path, case):
    exercise = CURRICULUM.get(case.exercise)
    result = check_source(worker, exercise, case.source, tmp_path)
    text = explanation(result)
    assert result.status is Status(case.status), text
    for phrase in case.expect:
        assert phrase in text, f"{phrase!r} not in:\n{text}"
