"""Where the time between a save and its verdict goes, piece by piece, measured in isolation.

Each piece is what `mlkata watch` does, driven directly from this process: noticing
the save (watchfiles, with watch mode's own settings), the trip through the warm worker
(request out, fork, check, verdict back), recording progress on disk and drawing the
screen. What is left of the end-to-end figure is the rest of the watch process's work
and the waits between its threads.
"""

from __future__ import annotations

import io
import queue
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.saves import SAVE_STYLES, FailingVersion, with_token
from mlkata import state
from mlkata.curriculum import Curriculum, Exercise
from mlkata.client import WorkerClient
from mlkata.requests import build_request
from mlkata.watch import POLL_DELAY_MS, WATCH_STEP_MS, is_exercise_source

WATCHER_START_S = 0.5  # watchfiles gives no "ready" signal; changes before it is set up are lost


def file_event_ms(versions: list[FailingVersion], samples: int, timeout: float) -> dict[str, list[float]]:
    """Save → watchfiles reports it, for each save style, with watch mode's filter and step."""
    import watchfiles

    found: dict[str, list[float]] = {style: [] for style in SAVE_STYLES}
    with tempfile.TemporaryDirectory(prefix="mlkata-events-") as folder:
        root = Path(folder)
        target = root / "section" / "exercise.py"
        target.parent.mkdir()
        target.write_text(versions[0].source)
        seen: queue.Queue[float] = queue.Queue()
        stop = threading.Event()

        def watch() -> None:
            for changes in watchfiles.watch(
                root,
                watch_filter=lambda _change, path: is_exercise_source(str(Path(path).relative_to(root))),
                stop_event=stop,
                step=WATCH_STEP_MS,
                poll_delay_ms=POLL_DELAY_MS,
                yield_on_timeout=False,
                raise_interrupt=False,
            ):
                if any(Path(path) == target for _, path in changes):
                    seen.put(time.perf_counter())

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        time.sleep(WATCHER_START_S)
        try:
            for sample in range(samples):
                for style, save in SAVE_STYLES.items():
                    _drain(seen)
                    started = time.perf_counter()
                    save(target, with_token(versions[sample % 2].source, f"event-{sample}"))
                    try:
                        found[style].append((seen.get(timeout=timeout) - started) * 1000)
                    except queue.Empty:
                        pass
                    time.sleep(0.05)  # let a late duplicate event arrive before the next save
        finally:
            stop.set()
            watcher.join(timeout=3)
    return found


def _drain(events: queue.Queue) -> None:
    while True:
        try:
            events.get_nowait()
        except queue.Empty:
            return


@dataclass
class WorkerTrips:
    ready_s: float | None = None  # start → torch imported and ready
    first_check_s: float | None = None  # ready → verdict of the first check, on a worker not yet warmed up
    round_trip_ms: list[float] = field(default_factory=list)  # submit → verdict back
    in_child_ms: list[float] = field(default_factory=list)  # fork → verdict, as the worker measures it
    failures: list[str] = field(default_factory=list)
    last: tuple[Exercise, dict] | None = None  # the last verdict, to draw


def worker_trips(exercises: list[Exercise], versions: dict[str, list[FailingVersion]], samples: int, timeout: float) -> WorkerTrips:
    """Checks sent straight to a warm worker, the way watch mode sends them."""
    trips = WorkerTrips()
    with tempfile.TemporaryDirectory(prefix="mlkata-trips-") as folder:
        started = time.perf_counter()
        with WorkerClient(parallel=1) as worker:
            # Watch mode's first check: the stub, sent before the worker is ready.
            first = exercises[0]
            first_id = worker.submit(build_request(first, first.stub_path, first.relative_path.as_posix()))
            try:
                worker.wait_ready(timeout=timeout * 4)
            except Exception as error:  # noqa: BLE001 - reported, not raised
                trips.failures.append(str(error))
                return trips
            ready = time.perf_counter()
            trips.ready_s = ready - started
            if _result_for(worker, first_id, timeout):
                trips.first_check_s = time.perf_counter() - ready
            time.sleep(2.0)  # the worker warms torch up while idle; a learner takes longer to type
            for sample in range(samples + 1):  # the first trip is a warm-up for this process too
                exercise = exercises[sample % len(exercises)]
                learner = Path(folder) / exercise.relative_path
                learner.parent.mkdir(parents=True, exist_ok=True)
                learner.write_text(with_token(versions[exercise.name][sample % 2].source, f"trip-{sample}"))
                sent = time.perf_counter()
                request = build_request(exercise, learner, exercise.relative_path.as_posix())
                check_id = worker.submit(request)
                result = _result_for(worker, check_id, timeout)
                if result is None:
                    trips.failures.append(f"no verdict within {timeout:g} s")
                    continue
                if sample > 0:
                    trips.round_trip_ms.append((time.perf_counter() - sent) * 1000)
                    trips.in_child_ms.append(result["duration_ms"])
                trips.last = (exercise, result)
    return trips


def _result_for(worker: WorkerClient, check_id: str, timeout: float) -> dict | None:
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            message = worker.messages.get(timeout=remaining)
        except queue.Empty:
            return None
        if message.get("type") == "result" and message.get("id") == check_id:
            return message["result"]
    return None


def draw_ms(curriculum: Curriculum, exercise: Exercise, result: dict, samples: int) -> list[float]:
    """Drawing watch mode's screen with a verdict on it (the WatchScreen the loop hands
    `render.draw_watch`), into a terminal buffer."""
    from rich.console import Console

    from mlkata import render
    from mlkata.protocol import CheckResult
    from mlkata.screen import WatchScreen

    screen = WatchScreen(curriculum=curriculum, exercise=exercise, file=None, done=0,
                         total=len(curriculum.exercises), result=CheckResult.from_json(result))
    timings = []
    saved = render.console
    try:
        for _ in range(samples):
            render.console = Console(file=io.StringIO(), force_terminal=True, color_system="256", width=120, height=40, highlight=False)
            started = time.perf_counter()
            render.draw_watch(screen)
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        render.console = saved
    return timings


def state_save_ms(folder: Path, samples: int) -> list[float]:
    """Recording a verdict: watch mode saves progress (fsync of file and folder) before drawing it."""
    path = folder / "benchmark-state.json"
    progress = state.Progress(current="x", known={f"exercise_{i}" for i in range(40)})
    timings = []
    try:
        for sample in range(samples):
            progress.attempts["x"] = sample
            started = time.perf_counter()
            state.save(path, progress)
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        path.unlink(missing_ok=True)
    return timings
