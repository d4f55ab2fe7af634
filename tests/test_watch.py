"""Watch mode in a real pseudo-terminal: save, see the verdict, move on; keys work."""

import os

import pytest

import re

from tests.cli_helpers import CURRICULUM, a_wrong_solution, invoke, solve, state_of
from benchmarks.ptydriver import watch as start_watch

FIRST = CURRICULUM.exercises[0]
SECOND = CURRICULUM.exercises[1] if len(CURRICULUM.exercises) > 1 else None


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "ws"
    assert invoke("init", str(root)).exit_code == 0
    return root


@pytest.fixture
def watch(workspace):
    session = start_watch(workspace, rows=50, columns=120)
    yield session
    session.close()


def write(workspace, exercise, source):
    (workspace / exercise.relative_path).write_text(source)


def test_shows_the_first_exercise_and_its_status(watch):
    watch.expect(FIRST.name)
    watch.expect(FIRST.relative_path.as_posix())
    watch.expect(r"0/\d+ done")
    watch.expect("NOT STARTED")


def test_a_wrong_save_is_explained_and_a_right_one_moves_on(watch, workspace):
    watch.expect("NOT STARTED")
    wrong = a_wrong_solution(FIRST.name)
    write(workspace, FIRST, wrong.source)
    watch.expect("FAILED")
    watch.expect(re.escape(wrong.expect[0]))
    solve(workspace, FIRST.name)
    watch.expect(f"{FIRST.name} passed")
    if SECOND is not None:
        watch.expect(f"Next: {SECOND.name}")
        watch.expect(SECOND.relative_path.as_posix())
        assert state_of(workspace)["current"] == SECOND.name
    assert FIRST.name in state_of(workspace)["done"]


def test_keys_hint_list_next_rerun_quit(watch, workspace):
    watch.expect("NOT STARTED")
    watch.send("h")
    watch.expect(f"hint 1 of {len(FIRST.hints)}")
    watch.send("h")
    watch.expect(f"hint 2 of {len(FIRST.hints)}")
    watch.send("l")
    watch.expect(CURRICULUM.sections[0].title)
    watch.send("l")  # and closed again
    watch.send("r")
    watch.expect("NOT STARTED")
    if SECOND is not None:
        watch.send("n")
        watch.expect(f"Exercise 2/{len(CURRICULUM.exercises)}")
        watch.expect(SECOND.name)
        assert state_of(workspace)["current"] == SECOND.name
    watch.send("q")
    assert watch.wait_exit() == 0
    watch.expect("progress is saved")
    assert state_of(workspace)["hint_levels"][FIRST.name] == 2


def test_manual_run_checks_only_when_asked(workspace):
    session = start_watch(workspace, "--manual-run", rows=50, columns=120)
    try:
        session.expect("NOT STARTED")
        session.expect("manual run")
        session.skip_to_end()
        write(workspace, FIRST, a_wrong_solution(FIRST.name).source)
        assert "FAILED" not in session.settle(quiet=1.0)
        session.send("r")
        session.expect("FAILED")
    finally:
        session.close()


def test_poll_mode_sees_saves(workspace):
    session = start_watch(workspace, "--poll", rows=50, columns=120)
    try:
        session.expect("NOT STARTED")
        wrong = a_wrong_solution(FIRST.name)
        write(workspace, FIRST, wrong.source)
        session.expect(re.escape(wrong.expect[0]))
    finally:
        session.close()
