"""What a learner in `mlkata watch` waits for: the first verdict, every next verdict, an idle watch."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import proc
from benchmarks.saves import SAVE_STYLES, FailingVersion, with_token
from benchmarks.ptydriver import Terminal
from mlkata.curriculum import Exercise
from mlkata.render import STYLE
from mlkata.protocol import Status

# The first line of any verdict, "✗ FAILED", as render.verdict draws it.
ANY_VERDICT = re.compile("|".join(re.escape(f"{STYLE[s][0]} {s.label.upper()}") for s in Status).encode())
PASSED = re.compile(re.escape(f"{STYLE[Status.PASSED][0]} {Status.PASSED.label.upper()}").encode())
FIRST_SCREEN = re.compile(rb"Exercise \d+/\d+")
HEADER = re.compile(r"Exercise \d+/(\d+)")
EXERCISE_PATH = re.compile(r"exercises/[\w.-]+/[\w.-]+\.py")
# How long a person looks at a verdict before saving again; lets the screen finish drawing.
READING_PAUSE_S = 0.15


@dataclass
class StartUp:
    first_screen_s: float | None  # spawn → the watch screen is drawn
    first_verdict_s: float | None  # spawn → a verdict is on screen


def wait_first_verdict(terminal: Terminal, timeout: float) -> StartUp:
    screen = terminal.wait_for(FIRST_SCREEN, 0, timeout)
    verdict = terminal.wait_for(ANY_VERDICT, 0, timeout)
    return StartUp(
        first_screen_s=None if screen is None else screen - terminal.started,
        first_verdict_s=None if verdict is None else verdict - terminal.started,
    )


def shown_exercise(terminal: Terminal) -> tuple[str, int] | None:
    """The file of the exercise watch shows now, and how many exercises there are, from its last header."""
    screen = terminal.plain_since(max(0, terminal.position() - 20_000))
    headers = list(HEADER.finditer(screen))
    if not headers:
        return None
    path = EXERCISE_PATH.search(screen, headers[-1].end())
    return (path.group(0), int(headers[-1].group(1))) if path else None


def go_to_exercise(terminal: Terminal, target: Exercise, timeout: float) -> bool:
    """Press `n` (next exercise) until `target` is on screen, each time waiting for its verdict.

    Read from the screen, not counted from the manifest: the manifest may gain exercises
    while a benchmark runs.
    """
    wanted = target.relative_path.as_posix()
    presses = 0
    while True:
        terminal.settle(quiet=0.1, limit=timeout)
        shown = shown_exercise(terminal)
        if shown is None:
            return False
        if shown[0] == wanted:
            return True
        if presses > shown[1]:
            return False  # once round every exercise and not found
        since = terminal.position()
        terminal.send("n")
        presses += 1
        if terminal.wait_for(FIRST_SCREEN, since, timeout) is None or terminal.wait_for(ANY_VERDICT, since, timeout) is None:
            return False


@dataclass
class SaveSamples:
    ms: dict[str, list[float]] = field(default_factory=lambda: {style: [] for style in SAVE_STYLES})
    missed: int = 0  # saves whose verdict never appeared within the time limit


def measure_saves(
    terminal: Terminal,
    learner_file: Path,
    versions: list[FailingVersion],
    samples_per_style: int,
    timeout: float,
    into: SaveSamples,
) -> None:
    """Save, alternating two failing versions and the save styles; time until that save's verdict shows.

    Consecutive saves always differ in version; the style order flips every round so
    each style saves each version equally often.
    """
    run = secrets.token_hex(3)
    styles = list(SAVE_STYLES.items())
    consecutive_misses = 0
    saves = 0
    for round_number in range(samples_per_style):
        for style, save in styles if round_number % 2 == 0 else styles[::-1]:
            token = f"mlkata-bench-{run}-{saves:04d}"
            text = with_token(versions[saves % 2].source, token)
            saves += 1
            since = terminal.position()
            started = time.perf_counter()
            save(learner_file, text)
            shown = terminal.wait_for(re.escape(token).encode(), since, timeout)
            if shown is None:
                into.missed += 1
                consecutive_misses += 1
                if consecutive_misses >= 3 or terminal.exited():
                    return  # watch is not answering; the report says how many were missed
                continue
            consecutive_misses = 0
            into.ms[style].append((shown - started) * 1000)
            terminal.settle(quiet=READING_PAUSE_S, limit=2.0)
            if terminal.wait_for(PASSED, since, timeout=0) is not None:
                raise RuntimeError(f"a failing version of {learner_file.name} passed; watch has moved on")


@dataclass
class Idle:
    seconds: float
    ui_cpu_percent: float | None
    worker_cpu_percent: float | None
    ui_rss_mb: float | None
    worker_rss_mb: float | None
    ui_wake_ups_per_s: float | None = None
    worker_wake_ups_per_s: float | None = None


def measure_idle(terminal: Terminal, settle_s: float, window_s: float) -> Idle:
    """CPU used by the watch process and its worker while nothing happens, and their memory."""
    terminal.settle(quiet=settle_s, limit=settle_s * 3)
    worker = terminal.find_worker(timeout=2.0)
    pids = {"ui": terminal.pid, "worker": worker}
    before = {k: proc.cpu_seconds(p) if p else None for k, p in pids.items()}
    woken_before = {k: proc.wake_ups(p) if p else None for k, p in pids.items()}
    started = time.perf_counter()
    time.sleep(window_s)
    elapsed = time.perf_counter() - started
    after = {k: proc.cpu_seconds(p) if p else None for k, p in pids.items()}
    woken_after = {k: proc.wake_ups(p) if p else None for k, p in pids.items()}

    def percent(key: str) -> float | None:
        if before[key] is None or after[key] is None:
            return None
        return (after[key] - before[key]) / elapsed * 100

    def per_second(key: str) -> float | None:
        if woken_before[key] is None or woken_after[key] is None:
            return None
        return (woken_after[key] - woken_before[key]) / elapsed

    return Idle(
        seconds=elapsed,
        ui_cpu_percent=percent("ui"),
        worker_cpu_percent=percent("worker"),
        ui_rss_mb=proc.rss_mb(terminal.pid),
        worker_rss_mb=proc.rss_mb(worker) if worker else None,
        ui_wake_ups_per_s=per_second("ui"),
        worker_wake_ups_per_s=per_second("worker"),
    )
