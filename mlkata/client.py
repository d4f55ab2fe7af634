"""Running checks from the user's side: talk to the warm worker.

The command-line process never imports torch. It starts `python -m mlkata.sandbox.worker`,
sends it requests as JSON lines and reads verdicts back. A worker that dies is replaced
and the checks it had in hand are sent again, so a crash costs time, never a verdict.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from mlkata.errors import MlkataError
from mlkata.protocol import CheckRequest, CheckResult, SimplestCase, Status

WORKER_START_TIMEOUT_S = 120.0
MAX_WORKER_RESTARTS = 5
# A worker silent for longer than its longest pending check's time limit plus this has
# stopped (learner code can SIGSTOP its parent): it is killed and replaced.
WATCHDOG_GRACE_S = 5.0
WATCHDOG_PERIOD_S = 0.5
# A check whose worker died this many times while it ran is given a verdict, not resent.
DEATHS_BEFORE_VERDICT = 2


def spawn_worker(parallel: int, log_path: Path | None) -> subprocess.Popen:
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the worker compiles the checks once
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "mlkata.sandbox.worker", "--parallel", str(parallel)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            env=env,
            start_new_session=True,  # Ctrl-C in the terminal reaches the UI, not the worker
        )
    finally:
        if log is not subprocess.DEVNULL:
            log.close()


_prestarted: dict[tuple, subprocess.Popen] = {}


def prestart_worker(parallel: int, log_path: Path | None) -> None:
    """Start a worker now, before the command line is even parsed; a client adopts it.

    Importing torch is most of the wait for the first verdict; starting it first lets
    it overlap the command's own start-up.
    """
    _prestarted[(parallel, log_path)] = spawn_worker(parallel, log_path)


def _take_prestarted(parallel: int, log_path: Path | None) -> subprocess.Popen | None:
    process = _prestarted.pop((parallel, log_path), None)
    if process is not None and process.poll() is None:
        return process
    return None


class WorkerClient:
    """One warm worker process and the checks sent to it.

    Messages from the worker arrive on `messages` (a queue), so a UI loop can wait on
    them together with its other events.
    """

    def __init__(
        self,
        parallel: int = 1,
        log_path: Path | None = None,
        messages: queue.Queue | None = None,
    ) -> None:
        self.parallel = parallel
        self.log_path = log_path
        self.messages: queue.Queue[dict] = messages if messages is not None else queue.Queue()
        self._pending: dict[str, CheckRequest] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._closing = False
        self._restarts = 0
        self._process: subprocess.Popen | None = None
        self._ready = False
        self._last_heard = time.monotonic()
        self._deaths: dict[str, int] = {}
        self._killed_by_watchdog: subprocess.Popen | None = None
        self._spawn()
        threading.Thread(target=self._watchdog, daemon=True).start()

    def _spawn(self) -> None:
        self._ready = False
        self._process = _take_prestarted(self.parallel, self.log_path) or spawn_worker(self.parallel, self.log_path)
        threading.Thread(target=self._read, args=(self._process,), daemon=True).start()

    def _read(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            self._last_heard = time.monotonic()
            if message.get("type") == "ready" and process is self._process:
                self._ready = True
            if message.get("type") in ("result", "cancelled"):
                with self._lock:
                    self._pending.pop(message["id"], None)
                    self._deaths.pop(message["id"], None)
                    self._restarts = 0  # it answers: earlier deaths are forgiven
            self.messages.put(message)
        process.wait()
        if not self._closing and process is self._process:
            self._replace_dead_worker()

    def _replace_dead_worker(self) -> None:
        with self._lock:
            stopped = self._killed_by_watchdog is self._process
            # The worker runs checks in the order sent: the first ones were running.
            for check_id in list(self._pending)[: self.parallel]:
                self._deaths[check_id] = self._deaths.get(check_id, 0) + 1
                if stopped or self._deaths[check_id] >= DEATHS_BEFORE_VERDICT:
                    self._give_verdict(check_id, stopped)
            self._restarts += 1
            if self._restarts > MAX_WORKER_RESTARTS:
                self.messages.put({"type": "worker_failed"})
                return
            self._spawn()
            for check_id, request in self._pending.items():
                self._send({"type": "check", "id": check_id, "request": request.to_json()})
        self.messages.put({"type": "worker_restarted"})

    def _give_verdict(self, check_id: str, stopped: bool) -> None:
        """A verdict for a check that took its worker down (called with the lock held)."""
        request = self._pending.pop(check_id)
        self._deaths.pop(check_id, None)
        if stopped:
            status, headline = Status.TIMED_OUT, "timed out: the check worker stopped answering while it ran this code"
        else:
            status, headline = Status.CRASHED, "crashed: the check worker died while it ran this code, twice"
        result = CheckResult(
            exercise=request.exercise,
            status=status,
            headline=headline,
            details=("Does your code signal or kill its parent process (os.kill(os.getppid(), ...))? Remove that.",),
            source_digest=request.source_digest,
        )
        self.messages.put({"type": "result", "id": check_id, "result": result.to_json()})

    def _watchdog(self) -> None:
        while not self._closing:
            time.sleep(WATCHDOG_PERIOD_S)
            with self._lock:
                process = self._process
                if not self._ready or not self._pending or process is None or process.poll() is not None:
                    continue
                allowed = max(request.timeout_s for request in self._pending.values()) + WATCHDOG_GRACE_S
                if time.monotonic() - self._last_heard <= allowed:
                    continue
                self._killed_by_watchdog = process
            try:
                os.killpg(process.pid, signal.SIGKILL)  # works on a stopped process too
            except (ProcessLookupError, PermissionError):
                pass

    def _send(self, message: dict) -> None:
        assert self._process is not None and self._process.stdin is not None
        try:
            self._process.stdin.write((json.dumps(message) + "\n").encode())
            self._process.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader thread sees the death and resends what is pending

    def submit(self, request: CheckRequest) -> str:
        check_id = str(next(self._ids))
        with self._lock:
            if not self._pending:
                self._last_heard = time.monotonic()  # silence while idle is not a hang
            self._pending[check_id] = request
            self._send({"type": "check", "id": check_id, "request": request.to_json()})
        return check_id

    def cancel(self, check_id: str) -> None:
        with self._lock:
            self._send({"type": "cancel", "id": check_id})

    def wait_ready(self, timeout: float = WORKER_START_TIMEOUT_S) -> None:
        """Block until the worker has warmed up (results queued meanwhile are kept)."""
        held = []
        try:
            while True:
                message = self.messages.get(timeout=timeout)
                if message.get("type") == "ready":
                    return
                if message.get("type") == "worker_failed":
                    raise MlkataError("The check worker could not start; see .mlkata/worker.log.")
                held.append(message)
        except queue.Empty:
            raise MlkataError("The check worker did not start in time.") from None
        finally:
            for message in held:
                self.messages.put(message)

    def close(self) -> None:
        self._closing = True
        if self._process is None:
            return
        try:
            if self._process.stdin:
                self._process.stdin.close()
        except OSError:
            pass
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def __enter__(self) -> "WorkerClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def check_many(
    requests: Iterable[CheckRequest | CheckResult],
    parallel: int = 1,
    log_path: Path | None = None,
    on_result=None,
    wait_for_simplest: bool = False,
) -> list[CheckResult]:
    """Check every request (in parallel up to `parallel`); results in the given order.

    With `wait_for_simplest`, a failure whose simplest case is being sought is returned
    with that case (or without, if none was found) once the search has ended.
    """
    items = list(requests)
    results: list[CheckResult | None] = [item if isinstance(item, CheckResult) else None for item in items]
    to_run = [(i, item) for i, item in enumerate(items) if isinstance(item, CheckRequest)]
    if to_run:
        with WorkerClient(parallel=parallel, log_path=log_path) as worker:
            index_of = {worker.submit(request): i for i, request in to_run}
            seeking: dict[str, int] = {}
            while index_of or seeking:
                message = worker.messages.get()
                kind = message.get("type")
                if kind == "worker_failed":
                    raise MlkataError("The check worker keeps dying; see .mlkata/worker.log.")
                if kind == "detail" and message["id"] in seeking:
                    index = seeking.pop(message["id"])
                    results[index] = with_simplest(results[index], message.get("simplest"))
                    continue
                if kind != "result" or message["id"] not in index_of:
                    continue
                result = CheckResult.from_json(message["result"])
                index = index_of.pop(message["id"])
                results[index] = result
                if wait_for_simplest and result.seeking_simplest:
                    seeking[message["id"]] = index
                if on_result is not None:
                    on_result(result)
    return [r for r in results if r is not None]


def with_simplest(result: CheckResult, simplest: dict | None) -> CheckResult:
    """The verdict completed by the worker's follow-up: its simplest failing case, if found."""
    return result.with_updates(
        simplest=SimplestCase.from_json(simplest) if simplest else None,
        seeking_simplest=False,
    )


def default_parallelism() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
