"""The commands as a learner uses them: init, list, hint, run, reset, solution, verify."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlkata.curriculum import load_curriculum
from mlkata.mistakes import load_mistakes
from tests.cli_helpers import CURRICULUM, SUBPROCESS_TIMEOUT_S, a_wrong_solution, invoke, mlkata, solve, state_of

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
    assert shown.output == FIRST.solution_path.read_text()  # piped: the plain file


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
    assert f"0 passed, 0 failed, {len(CURRICULUM.exercises)} not started" in failing.stdout

    for exercise in CURRICULUM.exercises:
        solve(workspace, exercise.name)
    passing = mlkata("verify", cwd=workspace)
    assert passing.returncode == 0, passing.stdout[-3000:]
    assert f"{len(CURRICULUM.exercises)} passed, 0 failed, 0 not started" in passing.stdout
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


# ---- the learner's day: moving around, seeing a pass, never misled ----------------------

LAST = CURRICULUM.exercises[-1]


def write_state(workspace, **changes):
    state = state_of(workspace)
    state.update(changes)
    (workspace / ".mlkata" / "state.json").write_text(json.dumps(state))


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    from mlkata import __version__

    assert result.output.strip() == f"mlkata {__version__}"


def test_bare_mlkata_outside_a_workspace_says_how_to_start(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke()
    assert result.exit_code == 0
    assert "not inside an mlkata workspace" in result.output
    assert "init mlkata-workspace" in result.output


@pytest.mark.parametrize("where", ["under a file", "a file itself", "a name too long"])
def test_init_on_a_bad_path_says_one_line_and_creates_nothing(tmp_path, where):
    (tmp_path / "some_file").write_text("x")
    target = {
        "under a file": tmp_path / "some_file" / "ws",
        "a file itself": tmp_path / "some_file",
        "a name too long": tmp_path / ("w" * 300) / "ws",
    }[where]
    before = sorted(p.name for p in tmp_path.iterdir())
    result = mlkata("init", str(target), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "some_file").read_text() == "x"


def test_an_exercise_by_number_file_or_name_and_typos_get_suggestions(workspace):
    fourth = CURRICULUM.exercises[3]
    assert f"hint 1 of {len(fourth.hints)} · {fourth.name}" in invoke("hint", "4").output
    by_path = invoke("hint", fourth.relative_path.as_posix())
    assert f"hint 2 of {len(fourth.hints)} · {fourth.name}" in by_path.output
    typo = invoke("hint", fourth.name[:-2] + fourth.name[-1])  # one letter dropped
    assert typo.exit_code == 1
    assert f"Did you mean {fourth.name}" in typo.output
    too_far = invoke("hint", str(len(CURRICULUM.exercises) + 1))
    assert too_far.exit_code == 1 and "no exercise number" in too_far.output


def test_a_file_path_works_from_a_subfolder(workspace, monkeypatch):
    monkeypatch.chdir(workspace / FIRST.relative_path.parent)
    result = invoke("hint", FIRST.relative_path.name)
    assert f"· {FIRST.name}" in result.output


def test_reset_and_solution_default_to_the_current_exercise(workspace):
    learner_file = workspace / FIRST.relative_path
    learner_file.write_text("# my attempt\n")
    result = invoke("reset")
    assert result.exit_code == 0, result.output
    assert learner_file.read_bytes() == FIRST.stub_path.read_bytes()
    assert FIRST.name in result.output
    locked = invoke("solution")
    assert locked.exit_code == 1 and FIRST.name in locked.output


def test_hint_after_a_pass_does_not_ask_to_try_again(workspace):
    write_state(workspace, done=[FIRST.name])
    result = invoke("hint", FIRST.name)
    assert "Still stuck" not in result.output
    assert "passes already" in result.output


def test_shell_completion_offers_exercise_names(workspace):
    prefix = FIRST.name[:3]
    env = dict(os.environ, _MLKATA_COMPLETE="complete_bash", COMP_WORDS=f"mlkata run {prefix}", COMP_CWORD="2")
    done = subprocess.run([sys.executable, "-m", "mlkata"], cwd=workspace, env=env, capture_output=True, text=True, timeout=60)
    offered = done.stdout.split()
    assert FIRST.name in offered
    assert offered == [e.name for e in CURRICULUM.exercises if e.name.startswith(prefix)]


def test_passing_another_exercise_names_what_is_really_next(workspace):
    """`mlkata run SECOND` passing while FIRST is current and pending: next is FIRST, not "the last one"."""
    if SECOND is None:
        pytest.skip("one exercise")
    solve(workspace, SECOND.name)
    result = mlkata("run", SECOND.name, cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "last" not in result.stdout
    assert f"Next: {FIRST.name}" in result.stdout
    assert state_of(workspace)["current"] == FIRST.name


def test_a_pass_unlocks_the_solution_in_the_workspace_as_runnable_python(workspace):
    solve(workspace, FIRST.name)
    result = mlkata("run", cwd=workspace)
    assert result.returncode == 0
    written = workspace / "solutions" / FIRST.section / f"{FIRST.name}.py"
    assert written.read_text() == FIRST.solution_path.read_text()
    assert f"solutions/{FIRST.section}/{FIRST.name}.py" in result.stdout.replace("\n", "")
    assert "passed on attempt 1" in result.stdout
    piped = mlkata("solution", FIRST.name, cwd=workspace)
    assert piped.returncode == 0
    compile(piped.stdout, "solution.py", "exec")  # plain Python, no panel or line numbers
    assert piped.stdout == FIRST.solution_path.read_text()


def test_the_last_pass_shows_what_was_built(workspace):
    others = [e.name for e in CURRICULUM.exercises if e is not LAST]
    write_state(workspace, done=others, current=LAST.name, attempts={name: 2 for name in others})
    for exercise in CURRICULUM.exercises:  # later exercises import the earlier ones
        solve(workspace, exercise.name)
    result = mlkata("run", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Every exercise passes" in result.stdout
    for section in CURRICULUM.sections:
        assert section.name in result.stdout
    assert "Next:" not in result.stdout


def test_verify_counts_not_started_apart_and_keeps_one_row_per_exercise_when_piped(workspace):
    wrong = a_wrong_solution(FIRST.name)
    (workspace / FIRST.relative_path).write_text(wrong.source)
    env_columns = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    done = subprocess.run([sys.executable, "-m", "mlkata", "verify"], cwd=workspace, capture_output=True, text=True,
                          timeout=SUBPROCESS_TIMEOUT_S, env=dict(env_columns, NO_COLOR="1"))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    for exercise in CURRICULUM.exercises:
        rows = [line for line in lines if line.split()[:1] == [exercise.name]]
        assert len(rows) == 1, (exercise.name, rows)
    assert f"0 passed, 1 failed, {len(CURRICULUM.exercises) - 1} not started" in done.stdout


# ---- failure text -----------------------------------------------------------------------

IDENTITY = CURRICULUM.find("identity_matrix")


@pytest.mark.skipif(IDENTITY is None, reason="needs identity_matrix")
def test_a_warning_names_the_learners_line_never_mlkatas_files(workspace):
    (workspace / IDENTITY.relative_path).write_text(
        "import torch\n\n\ndef identity_matrix(n):\n    rows = torch.arange(n)\n"
        "    return torch.tensor((rows[:, None] == rows[None, :]).float()) + 1\n"
    )
    result = mlkata("run", IDENTITY.name, cwd=workspace)
    assert "To copy construct from a tensor" in result.stdout
    assert "mlkata/" not in result.stdout and "bans.py" not in result.stdout
    assert f"{IDENTITY.relative_path.as_posix()}:6: UserWarning" in result.stdout.replace("\n", "")


@pytest.mark.skipif(IDENTITY is None, reason="needs identity_matrix")
def test_an_error_message_is_shown_once(workspace):
    (workspace / IDENTITY.relative_path).write_text(
        "import torch\n\n\ndef identity_matrix(n):\n    return torch.einsum('ij,jk->ik', torch.ones(n), torch.ones(n))\n"
    )
    result = mlkata("run", IDENTITY.name, cwd=workspace)
    assert result.stdout.count("RuntimeError: einsum()") == 1, result.stdout
    assert "traceback (your file)" in result.stdout


@pytest.mark.parametrize("name, mistake", [("batched_dot", "sums only the last axis"), ("resnet34", "no max pool")])
def test_failure_text_reads_once_and_plainly(workspace, name, mistake):
    exercise = CURRICULUM.find(name)
    found = [m for m in load_mistakes(exercise) if m.name == mistake] if exercise else []
    if not found:
        pytest.skip(f"needs {name}'s known mistake {mistake!r}")
    (workspace / exercise.relative_path).write_text(found[0].source)
    result = mlkata("run", name, cwd=workspace)
    assert "FAILED" in result.stdout
    assert "a contiguous" not in result.stdout  # `a` is a tensor, not an article
    calls = [line for line in result.stdout.splitlines() if line.strip().startswith("in ")]
    heads = [line.split("(")[0] for line in calls]
    assert len(heads) == len(set(heads)) or "called with" in result.stdout, calls


def test_run_shows_a_spinner_with_the_elapsed_time_and_the_limit(workspace):
    from benchmarks.ptydriver import Terminal
    from benchmarks.ptydriver import mlkata as mlkata_command

    (workspace / FIRST.relative_path).write_text("import time\ntime.sleep(1.5)\n" + a_wrong_solution(FIRST.name).source)
    with Terminal(mlkata_command("run"), workspace, rows=30, columns=100) as terminal:
        terminal.expect(rf"checking… {FIRST.name} · \d+\.\d s \(time limit {FIRST.timeout_s:g} s\)")
        terminal.expect("FAILED")
        assert terminal.wait_exit() == 1


def test_a_second_set_up_is_quick_and_says_nothing_to_do():
    repository = Path(__file__).resolve().parent.parent
    started = time.monotonic()
    done = subprocess.run(["bash", str(repository / "scripts" / "setup.sh"), "test"], capture_output=True, text=True,
                          timeout=600, env=dict(os.environ, PYTHON=sys.executable))
    assert done.returncode == 0, done.stderr
    if "Setting up" not in done.stderr:  # already set up, as the test run itself is
        assert time.monotonic() - started < 5


def test_quitting_watch_says_the_exact_command_to_come_back(workspace):
    from benchmarks.ptydriver import watch

    with watch(workspace, rows=30, columns=120, env={"MLKATA_COME_BACK": "bash /opt/mlkata/scripts/start.sh"}) as terminal:
        terminal.expect("NOT STARTED")
        terminal.send("q")
        assert terminal.wait_exit() == 0
        terminal.expect("Come back with: bash /opt/mlkata/scripts/start.sh")
    with watch(workspace, rows=30, columns=120) as terminal:
        terminal.expect("NOT STARTED")
        terminal.send("q")
        assert terminal.wait_exit() == 0
        match = terminal.expect(r"Come back with: (\S.*)")
        command = match.group(1).strip()
        assert command.endswith("mlkata") or command.endswith("-m mlkata"), command
