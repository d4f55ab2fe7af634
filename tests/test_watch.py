"""Watch mode in a real pseudo-terminal: save, see the verdict, move around; keys work."""

import json
import os
import re
import stat
import sys
import time

import pytest

from benchmarks.ptydriver import Terminal, mlkata, watch as start_watch
from tests.cli_helpers import CURRICULUM, a_wrong_solution, invoke, solve, state_of

FIRST = CURRICULUM.exercises[0]
SECOND = CURRICULUM.exercises[1] if len(CURRICULUM.exercises) > 1 else None
LAST = CURRICULUM.exercises[-1]
needs_two = pytest.mark.skipif(SECOND is None, reason="needs two exercises")


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


def write_state(workspace, **changes):
    state = state_of(workspace)
    state.update(changes)
    (workspace / ".mlkata" / "state.json").write_text(json.dumps(state))


def marked(exercise, token: str) -> str:
    """A wrong version of the exercise's file that prints `token`, so its verdict names its content."""
    source = a_wrong_solution(exercise.name).source
    return f"print({token!r})\n" + source


def test_shows_the_first_exercise_and_its_status(watch):
    watch.expect(FIRST.name)
    watch.expect(FIRST.relative_path.as_posix())
    watch.expect(r"0/\d+ done")
    watch.expect("NOT STARTED")


def test_a_wrong_save_is_explained_and_a_pass_stays_until_n(watch, workspace):
    watch.expect("NOT STARTED")
    wrong = a_wrong_solution(FIRST.name)
    write(workspace, FIRST, wrong.source)
    watch.expect("FAILED")
    watch.expect(re.escape(wrong.expect[0]))
    solve(workspace, FIRST.name)
    watch.expect("PASSED")
    watch.expect(rf"{FIRST.name} passed on attempt \d+")
    watch.expect(re.escape(f"solutions/{FIRST.section}/{FIRST.name}.py"))
    assert FIRST.name in state_of(workspace)["done"]
    assert (workspace / "solutions" / FIRST.section / f"{FIRST.name}.py").read_text() == FIRST.solution_path.read_text()
    if SECOND is not None:
        watch.expect(f"Next: {SECOND.name}")
        watch.settle(0.5)
        assert f"Exercise 1/{len(CURRICULUM.exercises)}" in watch.screen()  # still on the pass
        watch.send("n")
        watch.expect(f"Exercise 2/{len(CURRICULUM.exercises)}")
        watch.expect("NOT STARTED")
        assert state_of(workspace)["current"] == SECOND.name


@needs_two
def test_auto_advance_moves_on_and_the_banner_leaves_with_the_next_save(workspace):
    with start_watch(workspace, "--auto-advance", rows=50, columns=120) as terminal:
        terminal.expect("NOT STARTED")
        solve(workspace, FIRST.name)
        terminal.expect(f"{FIRST.name} passed! Next: {SECOND.name}")
        terminal.expect(f"Exercise 2/{len(CURRICULUM.exercises)}")
        terminal.settle(0.5)
        write(workspace, SECOND, marked(SECOND, "second-try"))
        assert terminal.wait_until(lambda t: "second-try" in t.screen(), 60), terminal.screen()
        assert f"{FIRST.name} passed" not in terminal.screen()


def test_keys_hint_list_next_rerun_quit(watch, workspace):
    watch.expect("NOT STARTED")
    watch.send("h")
    watch.expect(f"hint 1 of {len(FIRST.hints)}")
    watch.send("h")
    watch.expect(f"hint 2 of {len(FIRST.hints)}")
    watch.send("l")
    watch.expect(r"Exercises · 0/\d+ done")
    watch.send("q")  # back from the list
    watch.expect("watching for saves")
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
    watch.expect("Come back with: ")
    assert state_of(workspace)["hint_levels"][FIRST.name] == 2


def test_the_list_fits_24_lines_with_the_current_row_in_view(workspace):
    current = CURRICULUM.exercises[-2] if len(CURRICULUM.exercises) > 1 else FIRST
    write_state(workspace, current=current.name)
    with start_watch(workspace, rows=24, columns=80) as terminal:
        terminal.expect("NOT STARTED")
        terminal.settle(0.3)
        terminal.send("l")
        assert terminal.wait_until(lambda t: "Exercises ·" in t.screen(), 10)
        terminal.settle(0.3)
        lines = terminal.screen().rstrip("\n").split("\n")
        assert len(lines) <= 23, lines  # the cursor's line below stays on screen too
        assert max(len(line) for line in lines) <= 80
        assert lines[0].startswith("Exercises ·")
        assert any(re.search(rf"›\s+\d+ ▶ {current.name}\b", line) for line in lines), lines
        assert "q back" in lines[-1]


@needs_two
def test_the_list_moves_searches_and_enter_makes_an_exercise_current(watch, workspace):
    target = next((e for e in CURRICULUM.exercises[2:] if e.name[:4] != FIRST.name[:4]), LAST)
    watch.expect("NOT STARTED")
    watch.send("l")
    watch.expect("Exercises ·")
    watch.send("j")
    watch.expect(rf"›\s+2   {SECOND.name}")
    watch.send("\x1b[B")  # ↓
    watch.expect(r"›\s+3 ")
    watch.send("k")
    watch.send("\x1b[A")  # ↑
    watch.expect(rf"›\s+1 ▶ {FIRST.name}")
    watch.send("/" + target.name[:5])
    watch.expect(f"search: {re.escape(target.name[:5])}")
    watch.send("\r")  # keep the search; leave typing
    watch.send("\r")  # go there
    watch.expect(f"Exercise {CURRICULUM.index(target) + 1}/{len(CURRICULUM.exercises)}")
    watch.expect(f"verdict for {target.name}")
    assert state_of(workspace)["current"] == target.name


@needs_two
def test_the_list_filters_done_and_pending_and_esc_goes_back(watch, workspace):
    write_state(workspace, done=[SECOND.name])
    watch.expect("NOT STARTED")
    watch.send("l")
    watch.expect("Exercises ·")
    watch.send("d")
    watch.expect("done only · 1–1 of 1")
    watch.settle(0.3)
    assert SECOND.name in watch.screen() and FIRST.name not in watch.screen()
    watch.send("p")
    watch.expect("pending only")
    watch.settle(0.3)
    assert FIRST.name in watch.screen() and f" {SECOND.name} " not in watch.screen()
    watch.send("\x1b")  # Esc
    watch.expect("watching for saves")


def test_reset_from_the_list_asks_first(watch, workspace):
    learner_file = workspace / FIRST.relative_path
    watch.expect("NOT STARTED")
    learner_file.write_text("# my attempt\n" + FIRST.stub_path.read_text())
    watch.expect("NOT STARTED")
    watch.send("l")
    watch.expect("Exercises ·")
    watch.send("r")
    watch.expect(f"Reset {FIRST.name} to its stub\\?")
    watch.send("n")
    watch.expect(f"{FIRST.name} was not reset")
    assert learner_file.read_text().startswith("# my attempt")
    watch.send("r")
    watch.expect(f"Reset {FIRST.name} to its stub\\?")
    watch.send("y")
    watch.expect(f"Restored the stub of {FIRST.name}")
    assert learner_file.read_bytes() == FIRST.stub_path.read_bytes()
    [backup] = (workspace / ".mlkata" / "backups").iterdir()
    assert backup.read_text().startswith("# my attempt")


@needs_two
def test_saving_another_exercises_file_checks_it_and_says_so(watch, workspace):
    watch.expect("NOT STARTED")
    watch.settle(0.3)
    write(workspace, SECOND, marked(SECOND, "other-file"))
    watch.expect(f"verdict for {SECOND.name}")
    assert watch.wait_until(lambda t: "other-file" in t.screen() and "FAILED" in t.screen(), 60), watch.screen()
    assert f"Exercise 2/{len(CURRICULUM.exercises)}" in watch.screen()
    state = state_of(workspace)
    assert state["last_status"][SECOND.name] == "failed"
    assert state["current"] == SECOND.name


def test_the_last_pass_shows_the_ending(workspace):
    others = [e.name for e in CURRICULUM.exercises if e is not LAST]
    write_state(workspace, done=others, current=LAST.name)
    for exercise in CURRICULUM.exercises[:-1]:
        solve(workspace, exercise.name)
    with start_watch(workspace, rows=50, columns=120) as terminal:
        terminal.expect("NOT STARTED")
        solve(workspace, LAST.name)
        terminal.expect("Every exercise passes")
        for section in CURRICULUM.sections:
            terminal.expect(section.name)


def test_bare_mlkata_in_a_workspace_opens_watch(workspace):
    with Terminal(mlkata(), workspace, rows=40, columns=100) as terminal:
        terminal.expect(FIRST.name)
        terminal.expect("NOT STARTED")
        terminal.expect("watching for saves")


def test_the_spinner_shows_the_elapsed_time_and_the_limit(watch, workspace):
    watch.expect("NOT STARTED")
    write(workspace, FIRST, "import time\ntime.sleep(1.5)\n" + a_wrong_solution(FIRST.name).source)
    match = watch.expect(rf"checking… {FIRST.name} · (\d+\.\d) s \(time limit (\d+) s\)")
    later = watch.expect(rf"checking… {FIRST.name} · (\d+\.\d) s")
    assert float(later.group(1)) > float(match.group(1))
    assert match.group(2) == f"{FIRST.timeout_s:g}"
    watch.expect("FAILED")


def test_e_opens_the_editor_and_comes_back_when_it_exits(workspace, tmp_path):
    editor = tmp_path / "fake-editor"
    editor.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "print('FAKE EDITOR on', sys.argv[1], flush=True)\n"
        "typed = sys.stdin.readline()  # the editor owns the terminal: it reads what is typed\n"
        f"open(sys.argv[1], 'w').write(open({str(FIRST.solution_path)!r}).read())\n"
        "print('saved', typed.strip(), flush=True)\n"
    )
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    with start_watch(workspace, rows=40, columns=100, env={"EDITOR": str(editor), "VISUAL": ""}) as terminal:
        terminal.expect("NOT STARTED")
        terminal.send("e")
        terminal.expect(f"FAKE EDITOR on .*{re.escape(FIRST.relative_path.name)}")
        terminal.send("hello\n")
        terminal.expect("saved hello")
        terminal.expect("PASSED")
        terminal.send("e")  # and again: keys reach watch after the editor
        terminal.expect("FAKE EDITOR")


def test_edit_cmd_is_used_and_a_missing_editor_is_explained(workspace, tmp_path):
    with start_watch(workspace, "--edit-cmd", "no-such-editor-here --wait", rows=40, columns=120, env={"EDITOR": "", "VISUAL": ""}) as terminal:
        terminal.expect("NOT STARTED")
        terminal.send("e")
        terminal.expect("Could not start the editor 'no-such-editor-here'")
    with start_watch(workspace, rows=40, columns=120, env={"EDITOR": "", "VISUAL": ""}) as terminal:
        terminal.expect("NOT STARTED")
        terminal.send("e")
        terminal.expect("No editor set")


def test_manual_run_checks_only_when_asked(workspace):
    with start_watch(workspace, "--manual-run", rows=50, columns=120) as session:
        session.expect("NOT STARTED")
        session.expect("manual run")
        session.skip_to_end()
        write(workspace, FIRST, a_wrong_solution(FIRST.name).source)
        assert "FAILED" not in session.settle(quiet=1.0)
        session.send("r")
        session.expect("FAILED")


# ---- --poll: every save gets a verdict for the content now on disk -------------------------


@pytest.fixture
def polling(workspace):
    with start_watch(workspace, "--poll", rows=50, columns=120) as terminal:
        terminal.expect("NOT STARTED")
        yield terminal


def verdict_for(token: str):
    """The screen shows a verdict (not "checking…") for the content that prints `token`."""
    return lambda t: token in t.screen() and "checking" not in t.screen()


def test_poll_mode_checks_every_save_made_right_after_a_verdict(polling, workspace):
    file = workspace / FIRST.relative_path
    for k in range(10):
        file.write_text(marked(FIRST, f"poll-save-{k}"))
        assert polling.wait_until(verdict_for(f"poll-save-{k}"), 15), (f"save {k} got no verdict", polling.screen())


def test_poll_mode_shows_the_last_of_quick_saves(polling, workspace):
    file = workspace / FIRST.relative_path
    for k in range(3):
        file.write_text(marked(FIRST, f"burst-{k}"))
        time.sleep(0.3)
    assert polling.wait_until(verdict_for("burst-2"), 15), polling.screen()
    polling.settle(1.5)
    assert "burst-2" in polling.screen()


def test_poll_mode_sees_a_save_that_keeps_size_and_timestamp(polling, workspace):
    """Coarse timestamps (network and container mounts): same size, same mtime, new content."""
    file = workspace / FIRST.relative_path
    file.write_text(marked(FIRST, "stamp-AAAA"))
    assert polling.wait_until(verdict_for("stamp-AAAA"), 15)
    before = file.stat()
    file.write_text(marked(FIRST, "stamp-BBBB"))
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert polling.wait_until(verdict_for("stamp-BBBB"), 15), polling.screen()
