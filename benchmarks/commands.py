"""The one-shot commands timed as a user runs them: `mlkata --help`, `list`, `hint`, `verify`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.ptydriver import ANSI
from mlkata.curriculum import Curriculum


def mlkata_command() -> list[str]:
    """The `mlkata` entry point installed next to this Python, as a user would type it."""
    beside = Path(sys.executable).with_name("mlkata")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("mlkata")
    return [found] if found else [sys.executable, "-m", "mlkata"]


def compile_bytecode() -> list[str]:
    """Compile mlkata's modules and checks once, as installing the wheel does.

    From a source checkout where PYTHONDONTWRITEBYTECODE is set, every command and every
    check would otherwise compile its modules again, which no installed copy does.
    Returns the folders compiled (the caches are git-ignored).
    """
    import mlkata
    from mlkata.curriculum import builtin_pack

    folders = [Path(mlkata.__file__).parent, builtin_pack().checks_dir]
    folders = [str(folder) for folder in folders if folder.is_dir()]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], capture_output=True, timeout=300)
    return folders


def command_env(columns: int = 120) -> dict[str, str]:
    return dict(os.environ, COLUMNS=str(columns), LINES="40")


@dataclass
class Timed:
    seconds: list[float] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # what went wrong, if anything did


def time_command(args: list[str], cwd: Path, runs: int, timeout: float) -> Timed:
    timed = Timed()
    for _ in range(runs):
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [*mlkata_command(), *args], cwd=cwd, env=command_env(),
                stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            timed.failures.append(f"timed out after {timeout:g} s")
            continue
        timed.seconds.append(time.perf_counter() - started)
        timed.exit_codes.append(done.returncode)
        if done.returncode != 0:
            timed.failures.append(f"exit code {done.returncode}: {done.stderr.decode(errors='replace').strip()[-200:]}")
    return timed


@dataclass(frozen=True)
class ImportReport:
    torch: bool | None  # None: could not tell
    heaviest: tuple[tuple[str, float], ...] = ()  # top-level packages by import time (ms, own code only)


def imports_of(args: list[str], cwd: Path, timeout: float) -> ImportReport:
    """What a command imports, from `python -X importtime` (one line per module, on stderr)."""
    try:
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "mlkata", *args], cwd=cwd, env=command_env(),
            stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return ImportReport(None)
    names: list[str] = []
    by_package: dict[str, float] = {}
    for line in done.stderr.decode(errors="replace").splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        own, _, name_field = line.removeprefix("import time:").split("|")
        if not own.strip().isdigit():
            continue  # the header line
        name = name_field.strip()
        names.append(name)
        package = name.split(".")[0]
        by_package[package] = by_package.get(package, 0.0) + int(own) / 1000
    if not names:
        return ImportReport(None)
    torch = any(name == "torch" or name.startswith("torch.") for name in names)
    heaviest = tuple(sorted(by_package.items(), key=lambda item: -item[1])[:4])
    return ImportReport(torch, heaviest)


def interpreter_start(runs: int, timeout: float) -> Timed:
    """`python -c pass`: the floor under every command, and a gauge of how loaded the machine is."""
    timed = Timed()
    for _ in range(runs):
        started = time.perf_counter()
        try:
            subprocess.run([sys.executable, "-c", "pass"], capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            timed.failures.append(f"timed out after {timeout:g} s")
            continue
        timed.seconds.append(time.perf_counter() - started)
    return timed


@dataclass(frozen=True)
class VerifyOutcome:
    seconds: float | None
    exit_code: int | None
    passed: int
    total: int
    without_solution: tuple[str, ...]
    problem: str = ""
    check_ms: dict[str, float] = field(default_factory=dict)  # per exercise, as verify reports it
    not_passing: tuple[str, ...] = ()


def verify_references(workspace: Path, curriculum: Curriculum, timeout: float) -> VerifyOutcome:
    """Put every reference solution in the workspace, then time `mlkata verify`."""
    missing = []
    for exercise in curriculum.exercises:
        if exercise.solution_path.exists():
            target = workspace / exercise.relative_path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(exercise.solution_path, target)
        else:
            missing.append(exercise.name)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [*mlkata_command(), "verify"], cwd=workspace, env=command_env(),
            stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return VerifyOutcome(None, None, 0, len(curriculum.exercises), tuple(missing), f"timed out after {timeout:g} s")
    seconds = time.perf_counter() - started
    statuses, problem = _statuses_recorded(workspace, timeout)
    passed, total = sum(s == "passed" for s in statuses.values()), len(statuses)
    not_passing = tuple(name for name, status in statuses.items() if status != "passed")
    if done.returncode not in (0, 1):
        problem = problem or done.stderr.decode(errors="replace").strip()[-300:]
    check_ms = _check_times(done.stdout.decode(errors="replace"), {e.name for e in curriculum.exercises})
    return VerifyOutcome(seconds, done.returncode, passed, total, tuple(missing), problem, check_ms, not_passing)


def _check_times(output: str, names: set[str]) -> dict[str, float]:
    """Each exercise's check time from verify's table: a row starts with the name; the
    first whole number after it is the time in ms."""
    times = {}
    for line in ANSI.sub("", output).splitlines():
        words = line.split()
        if words and words[0] in names:
            numbers = [w for w in words[1:] if w.isdigit()]
            if numbers:
                times[words[0]] = float(numbers[0])
    return times


def _statuses_recorded(workspace: Path, timeout: float) -> tuple[dict[str, str], str]:
    """Each exercise's last verdict as verify recorded it, read back through `mlkata list --json`."""
    try:
        done = subprocess.run(
            [*mlkata_command(), "list", "--json"], cwd=workspace, env=command_env(),
            stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
        )
        rows = json.loads(done.stdout)
    except (subprocess.TimeoutExpired, ValueError) as error:
        return {}, f"could not read the results back: {error}"
    return {row["name"]: row.get("last_status") or "unchecked" for row in rows}, ""
