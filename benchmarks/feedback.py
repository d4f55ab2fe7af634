"""How fast mlkata answers, measured the way a learner meets it; one table.

    python benchmarks/feedback.py [--quick] [--samples N] [--exercise NAME] [--json PATH]

Every figure comes from the real commands in fresh workspaces: `mlkata watch` on a
pseudo-terminal receiving saves, the one-shot commands, `mlkata verify` over every
reference solution, an idle watch. A cold baseline (a fresh pytest per save) runs in
the same session so the comparison shares the machine's load. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    # Run as a script: import the benchmark's modules as the `benchmarks` package, and
    # keep benchmarks/ itself off the path so its module names shadow nothing.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(REPOSITORY))

from benchmarks import readme, report, rows  # noqa: E402
from benchmarks.breakdown import WorkerTrips, draw_ms, file_event_ms, state_save_ms, worker_trips  # noqa: E402
from benchmarks.cold import ColdRuns, measure_cold  # noqa: E402
from benchmarks.commands import compile_bytecode, imports_of, interpreter_start, mlkata_command, time_command, verify_references  # noqa: E402
from benchmarks.latency import SaveSamples, StartUp, go_to_exercise, measure_idle, measure_saves, wait_first_verdict  # noqa: E402
from benchmarks.saves import default_exercises, failing_versions  # noqa: E402
from benchmarks.ptydriver import Terminal, watch  # noqa: E402
from mlkata.curriculum import Curriculum, Exercise, load_curriculum  # noqa: E402

START_TIMEOUT_S = 60  # a watch that shows no verdict in this long has failed, not been slow
COMMAND_TIMEOUT_S = 60
VERIFY_TIMEOUT_S = 300
COLD_TIMEOUT_S = 120


def parse_options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python benchmarks/feedback.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, help="saves per save style in watch mode (default 40, quick 10)")
    parser.add_argument("--quick", action="store_true", help="fewer samples of everything (about a minute)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write every figure and sample here")
    parser.add_argument("--write-readme", action="store_true",
                        help="write the figures into the README's performance section (between its markers)")
    parser.add_argument("--exercise", action="append", metavar="NAME",
                        help="exercise to save into (repeatable; default: the first one and the furthest with catalogued mistakes)")
    parser.add_argument("--cold-runs", type=int, help="fresh pytest runs for the baseline (default 8, quick 4)")
    parser.add_argument("--starts", type=int, help="watch start-ups timed to the first verdict (default 3, quick 2)")
    parser.add_argument("--command-runs", type=int, help="runs of each one-shot command (default 10, quick 5)")
    parser.add_argument("--idle-seconds", type=float, help="idle window for CPU use (default 5, quick 3)")
    parser.add_argument("--save-timeout", type=float, default=15.0, help="give up on one save's verdict after this many seconds")
    parser.add_argument("--workdir", type=Path, help="where to create the throwaway workspaces (default: the system temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the workspaces afterwards")
    parser.add_argument("--no-compile", action="store_true",
                        help="do not compile mlkata's modules and checks to bytecode first (an install does)")
    options = parser.parse_args(argv)
    quick = options.quick
    for name, normal, short in (("samples", 40, 10), ("cold_runs", 8, 4), ("starts", 3, 2), ("command_runs", 10, 5), ("idle_seconds", 5.0, 3.0)):
        if getattr(options, name) is None:
            setattr(options, name, short if quick else normal)
    return options


def _stop_on_sigterm() -> None:
    """A killed benchmark still quits its watch processes (the `finally` blocks run)."""

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)


def new_workspace(root: Path, name: str) -> Path:
    folder = root / name
    done = subprocess.run([*mlkata_command(), "init", str(folder)], capture_output=True, timeout=COMMAND_TIMEOUT_S)
    if done.returncode != 0:
        raise RuntimeError(f"mlkata init failed: {done.stderr.decode(errors='replace').strip()}")
    return folder


def chosen_exercises(curriculum: Curriculum, names: list[str] | None) -> list[Exercise]:
    exercises = [curriculum.get(name) for name in names] if names else default_exercises(curriculum)
    return sorted(set(exercises), key=curriculum.index)


# ---- phases ----------------------------------------------------------------------------


def measure_commands(workspace: Path, runs: int) -> dict:
    """Each one-shot command timed, and what it imports; the bare interpreter as the floor."""
    measured = {}
    for args in (["--help"], ["list"], ["hint"]):
        label = "mlkata " + " ".join(args)
        report.progress(f"timing `{label}` ({runs} runs)")
        measured[label] = (time_command(args, workspace, runs, COMMAND_TIMEOUT_S), imports_of(args, workspace, COMMAND_TIMEOUT_S))
    return {"commands": measured, "floor": interpreter_start(runs, COMMAND_TIMEOUT_S)}


def watch_session(workspace: Path, curriculum: Curriculum, exercises: list[Exercise], versions: dict, options, terminals: list):
    """One watch session: its start-up, then saves into each exercise, then idle."""
    terminal = watch(workspace, command=mlkata_command())
    terminals.append(terminal)
    startup = wait_first_verdict(terminal, START_TIMEOUT_S)
    if startup.first_verdict_s is None:
        raise RuntimeError("mlkata watch showed no verdict; " + keep_transcript(terminal))
    terminal.find_worker(timeout=5)
    terminal.settle(quiet=2.0, limit=6.0)  # a learner reads the first screen before the first save
    per_exercise = math.ceil(options.samples / len(exercises))
    saves: dict[str, SaveSamples] = {}
    for exercise in exercises:
        if not go_to_exercise(terminal, exercise, options.save_timeout):
            raise RuntimeError(f"could not move watch to {exercise.name}; " + keep_transcript(terminal))
        report.progress(f"  saving into {exercise.name}: {per_exercise} saves per style, alternating "
                        + " / ".join(v.label for v in versions[exercise.name]))
        saves[exercise.name] = SaveSamples()
        measure_saves(terminal, workspace / exercise.relative_path, versions[exercise.name], per_exercise,
                      options.save_timeout, saves[exercise.name])
    report.progress(f"  idle watch for {options.idle_seconds:g} s")
    idle = measure_idle(terminal, settle_s=2.0, window_s=options.idle_seconds)
    terminal.close()
    return startup, saves, idle


def keep_transcript(terminal: Terminal) -> str:
    """Save what the watch process wrote, for a failure to be understood afterwards."""
    path = Path(tempfile.gettempdir()) / f"mlkata-bench-{os.getpid()}-watch.log"
    path.write_text(terminal.text_since(0), encoding="utf-8")
    return f"its output is in {path}"


def timed_startups(workspace: Path, runs: int, terminals: list) -> list[StartUp]:
    startups = []
    for _ in range(runs):
        terminal = watch(workspace, command=mlkata_command())
        terminals.append(terminal)
        try:
            startups.append(wait_first_verdict(terminal, START_TIMEOUT_S))
        finally:
            terminal.close()
    return startups


class Phases:
    """Runs each phase so that one failing leaves the others' figures standing."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def run(self, what: str, action, fallback):
        report.progress(what)
        try:
            return action()
        except Exception as error:  # noqa: BLE001 - reported in the table's caption
            self.failures.append(f"{what}: {error}")
            report.progress(f"failed: {error}")
            return fallback


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    _stop_on_sigterm()
    curriculum = load_curriculum()
    exercises = chosen_exercises(curriculum, options.exercise)
    if not exercises:
        report.progress("the manifest lists no exercises; nothing to measure")
        return 1
    versions = {e.name: failing_versions(e) for e in exercises}
    load_before = os.getloadavg()
    began = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="mlkata-bench-", dir=options.workdir))
    terminals: list[Terminal] = []
    phases = Phases()
    quick_pieces = 5 if options.quick else 10
    try:
        if not options.no_compile:
            phases.run("compiling mlkata and its checks to bytecode, as an install does", compile_bytecode, None)
        commands_ws = new_workspace(root, "commands")
        commands = measure_commands(commands_ws, options.command_runs)
        verified = phases.run(
            f"`mlkata verify` over {len(curriculum.exercises)} reference solutions",
            lambda: verify_references(commands_ws, curriculum, VERIFY_TIMEOUT_S), None,
        )
        cold = phases.run(
            f"cold baseline: {options.cold_runs} fresh pytest runs",
            lambda: measure_cold(exercises, versions, options.cold_runs, COLD_TIMEOUT_S), ColdRuns(),
        )
        pieces = {
            "events": phases.run("breakdown: file events", lambda: file_event_ms(versions[exercises[0].name], quick_pieces, 5.0), {}),
            "trips": phases.run("breakdown: worker trips", lambda: worker_trips(exercises, versions, quick_pieces, options.save_timeout), WorkerTrips()),
            "state_saves": phases.run("breakdown: progress saves", lambda: state_save_ms(root, 2 * quick_pieces), []),
        }
        last = pieces["trips"].last
        pieces["draws"] = phases.run("breakdown: drawing", lambda: draw_ms(curriculum, last[0], last[1], 2 * quick_pieces), []) if last else []

        watch_ws = new_workspace(root, "watch")
        startups = phases.run(
            f"watch start-ups to the first verdict ({options.starts} runs)",
            lambda: timed_startups(watch_ws, options.starts - 1, terminals), [],
        )
        startup, saves, idle = phases.run(
            "watch session: saves, then idle",
            lambda: watch_session(watch_ws, curriculum, exercises, versions, options, terminals), (None, {}, None),
        )
        if startup is not None:
            startups.insert(0, startup)
    finally:
        for terminal in terminals:
            terminal.close()
        if options.keep:
            report.progress(f"workspaces kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)

    cold_ms = [s * 1000 for s in cold.seconds]
    figures = [
        *rows.save_rows(saves, cold_ms, pieces),
        *rows.startup_rows(startups, pieces["trips"]),
        *rows.command_rows(commands),
        *rows.verify_rows(verified, pieces["trips"].ready_s),
        *rows.idle_rows(idle),
    ]
    load_after = os.getloadavg()
    mistakes = "; ".join(f"{name}: " + " / ".join(v.label for v in vs) for name, vs in versions.items())
    caption = (
        f"Saves alternate two failing versions ({mistakes}), each style in turn. "
        + ("" if options.no_compile else "mlkata and its checks compiled to bytecode first, as an install does. ")
        + f"Cold pytest: {len(cold_ms)} runs" + (f", {len(cold.failures)} failed ({cold.failures[0]})" if cold.failures else "")
        + f". Load average {load_before[0]:.2f} → {load_after[0]:.2f} on {os.cpu_count()} CPUs; "
        f"{time.perf_counter() - began:.0f} s in all."
        + "".join(f"\nFAILED {failure}" for failure in phases.failures)
    )
    report.print_table(figures, caption)
    if options.json:
        report.write_json(options.json, figures, {
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average": {"before": load_before, "after": load_after},
            "exercises": [e.name for e in exercises],
            "failing_versions": {name: [v.label for v in vs] for name, vs in versions.items()},
            "cold_failures": cold.failures,
            "phase_failures": phases.failures,
            "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(options).items()},
        })
    if options.write_readme:
        readme.write(figures, os.cpu_count() or 1, (load_before[0], load_after[0]), options.quick)
        report.progress(f"wrote the figures into {readme.README}")
    return 0 if all(f.met is not False for f in figures) and not phases.failures else 1


if __name__ == "__main__":
    sys.exit(main())
