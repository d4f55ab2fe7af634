"""The commands as a learner uses them: init, list, hint, run, reset, solution, verify."""

import json
import os
import shutil

import pytest

from mlkata.curriculum import load_curriculum
from tests.cli_helpers import CURRICULUM, a_wrong_solution, invoke, mlkata, solve, state_of

FIRST = CURRICULUM.exercises[0]
SECOND = CURRICULUM.exercises[1] if len(CURRICULUM.exercises) > 1 else None


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    root = tmp_path / "ws"
    result = invoke("init", str(root))
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(root)
    return root


def test_init_creates_every_stub_and_fresh_state(workspace):
    for exercise in CURRICULUM.exercises:
        copied = workspace / exercise.relative_path
        assert copied.read_bytes() == exercise.stub_path.read_bytes()
    state = state_of(workspace)
    assert state["current"] == FIRST.name
    assert state["done"] == []


def test_init_default_folder_is_created_in_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mlkata-workspace" / FIRST.relative_path).is_file()


def test_init_refuses_an_existing_workspace_and_changes_nothing(workspace):
    learner_file = workspace / FIRST.relative_path
    learner_file.write_text("# my work\n")
    result = invoke("init", str(workspace))
    assert result.exit_code == 1
    assert "already an mlkata workspace" in result.output
    assert learner_file.read_text() == "# my work\n"


def test_init_refuses_a_non_empty_folder(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("keep me")
    result = invoke("init", str(folder))
    assert result.exit_code == 1
    assert "not empty" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["todo.txt"]


def test_commands_outside_a_workspace_say_how_to_start(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for command in (["list"], ["hint"], ["reset", FIRST.name]):
        result = invoke(*command)
        assert result.exit_code == 1
        assert "mlkata init" in result.output


def test_list_json_has_every_exercise_in_order(workspace):
    result = invoke("list", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [row["name"] for row in rows] == [e.name for e in CURRICULUM.exercises]
    for row, exercise in zip(rows, CURRICULUM.exercises):
        assert row["section"] == exercise.section
        assert (workspace / row["path"]).is_file()
        assert row["done"] is False
    assert [row["current"] for row in rows].count(True) == 1


def test_list_table_groups_by_section_and_marks_the_current(workspace):
    result = invoke("list")
    assert result.exit_code == 0
    for section in CURRICULUM.sections:
        assert section.name in result.output
    assert f"▶ {FIRST.name}" in result.output
    assert f"0/{len(CURRICULUM.exercises)} done" in result.output


def test_hint_goes_one_level_further_each_time_and_remembers(workspace):
    total = len(FIRST.hints)
    first = invoke("hint")
    assert f"hint 1 of {total}" in first.output
    assert FIRST.hints[0].split()[0] in first.output
    second = invoke("hint", FIRST.name)
    assert f"hint 2 of {total}" in second.output
    assert state_of(workspace)["hint_levels"][FIRST.name] == 2
    for _ in range(total):
        last = invoke("hint")
    assert f"hint {total} of {total}" in last.output
    assert "last hint" in last.output


def test_hint_all_shows_every_level(workspace):
    result = invoke("hint", "--all")
    for level in range(1, len(FIRST.hints) + 1):
        assert f"hint {level} of {len(FIRST.hints)}" in result.output


def test_unknown_exercise_is_a_clean_error(workspace):
    result = invoke("hint", "no_such_exercise")
    assert result.exit_code == 1
    assert "no exercise called 'no_such_exercise'" in result.output


def test_reset_keeps_a_backup_with_the_learners_content(workspace):
    learner_file = workspace / FIRST.relative_path
    learner_file.write_text("def identity_matrix(n):\n    return 'my attempt'\n")
    result = invoke("reset", FIRST.name)
    assert result.exit_code == 0, result.output
    backups = list((workspace / ".mlkata" / "backups").iterdir())
    assert len(backups) == 1
    assert backups[0].read_text() == "def identity_matrix(n):\n    return 'my attempt'\n"
    assert backups[0].name in result.output.replace("\n", "")
    assert learner_file.read_bytes() == FIRST.stub_path.read_bytes()


def test_solution_is_locked_until_the_exercise_is_done(workspace):
    result = invoke("solution", FIRST.name)
    assert result.exit_code == 1
    assert "unlocks once the exercise passes" in result.output


def test_every_command_has_help():
    for command in ("init", "watch", "run", "hint", "list", "reset", "verify", "solution", "dev"):
        result = invoke(command, "--help")
        assert result.exit_code == 0, command
        assert "Usage" in result.output


# ---- real subprocesses: the commands that start the check worker ---------------------


def test_run_reports_not_started_then_passes_and_moves_on(workspace):
    stub = mlkata("run", cwd=workspace)
    assert stub.returncode == 1
    assert "NOT STARTED" in stub.stdout
    assert str(FIRST.relative_path) in stub.stdout.replace("\n", "")

    solve(workspace, FIRST.name)
    subfolder = workspace / FIRST.relative_path.parent
    passed = mlkata("run", FIRST.name, cwd=subfolder)  # works from inside the workspace
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "PASSED" in passed.stdout
    state = state_of(workspace)
    assert FIRST.name in state["done"]
    assert state["attempts"][FIRST.name] == 2
    if SECOND is not None:
        assert state["current"] == SECOND.name
        assert f"Next: {SECOND.name}" in passed.stdout

    shown = invoke("solution", FIRST.name)
    assert shown.exit_code == 0
    assert "reference solution" in shown.output


def test_run_explains_a_wrong_answer(workspace):
    wrong = a_wrong_solution(FIRST.name)
    (workspace / FIRST.relative_path).write_text(wrong.source)
    result = mlkata("run", FIRST.name, cwd=workspace)
    assert result.returncode == 1
    assert "FAILED" in result.stdout
    for phrase in wrong.expect:
        assert phrase in result.stdout, phrase


def test_verify_fails_on_stubs_and_passes_on_every_reference(workspace):
    failing = mlkata("verify", cwd=workspace)
    assert failing.returncode == 1
    assert f"0 passed, {len(CURRICULUM.exercises)} failed" in failing.stdout

    for exercise in CURRICULUM.exercises:
        solve(workspace, exercise.name)
    passing = mlkata("verify", cwd=workspace)
    assert passing.returncode == 0, passing.stdout[-3000:]
    assert f"{len(CURRICULUM.exercises)} passed, 0 failed" in passing.stdout
    assert set(state_of(workspace)["done"]) == {e.name for e in CURRICULUM.exercises}


def test_damaged_state_is_set_aside_and_rebuilt_from_the_files(workspace):
    solve(workspace, FIRST.name)
    (workspace / ".mlkata" / "state.json").write_text("{ not json")
    result = mlkata("list", "--json", cwd=workspace)
    assert result.returncode == 0, result.stderr
    assert "damaged" in result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows[FIRST.name]["done"] is True
    kept = [p.name for p in (workspace / ".mlkata").iterdir() if p.name.startswith("state.json.damaged")]
    assert len(kept) == 1


def test_dev_check_proves_an_exercise(tmp_path):
    # The whole pack is proven exercise by exercise in test_exercises.py; this is the command.
    result = mlkata("dev", "check", "--exercise", "identity_matrix", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 exercise, 5 known mistakes" in result.stdout and "every reference passes" in result.stdout
