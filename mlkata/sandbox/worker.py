"""The warm check worker: a process that has imported torch once and forks a child per check.

Importing torch costs over a second; forking a process that already has it costs a few
milliseconds. The worker imports and warms torch, then for every request forks a
disposable child that runs `harness.run` and writes its verdict to a pipe. The
worker itself never runs learner code. It enforces the time limit (killing the child's
whole process group), the memory cap (an address-space limit in the child) and works out
verdicts the child could not report itself: a hang, a crash by signal, an early exit.
A check is over only when its process has exited (or been killed at the deadline), never
merely when its result pipe closes: learner code can close the pipe and keep running.
The worker is a child subreaper, so whatever a check started is ended and reaped with
it, even a process that left the check's process group (see `process_tree`).

Protocol: JSON lines. Requests on stdin, `{"type": "check", "id": …, "request": {…}}`
or `{"type": "cancel", "id": …}`; replies on the original stdout, `{"type": "ready"}`
once warm, then `{"type": "result", "id": …, "result": {…}}` or `{"type": "cancelled", …}`.

The worker must stay single-threaded: it forks, and forking a process with other
threads (torch's intra-op pool among them) can deadlock the child. It pins torch to one
thread before any tensor operation runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import resource
import selectors
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from mlkata.protocol import CheckRequest, CheckResult, SimplestCase, Status
from mlkata.sandbox import process_tree

RESULT_READ_CHUNK = 1 << 16
# Without a pidfd, how often to look whether a check whose pipe closed has exited.
EXIT_POLL_S = 0.02
# The memory cap never exceeds this share of the memory the machine has free, split
# between the checks that run at once: a clear "out of memory" verdict, never swapping
# or the kernel's OOM killer picking a victim.
MEMORY_SHARE_OF_AVAILABLE = 0.8
MIN_MEMORY_MB = 256
# Exit codes of a check process that could not write its verdict.
EXIT_NO_VERDICT = 70
EXIT_OUT_OF_MEMORY = 71


@dataclass
class RunningCheck:
    id: str
    request: CheckRequest
    pid: int
    result_fd: int
    exit_fd: int | None  # a pidfd: readable once the child has exited
    deadline: float
    started: float
    buffer: bytearray = field(default_factory=bytearray)
    pipe_closed: bool = False
    # A failure's verdict goes to the UI as soon as its line is complete, while the check
    # process looks for the simplest failing case; only that case is left for the end.
    verdict_sent: bool = False
    exit_status: int | None = None  # set once the process has been reaped
    scratch: str | None = None  # the check's own working folder, removed after it

    def has_exited(self) -> bool:
        """Reap the process if it has exited, without waiting."""
        if self.exit_status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == 0:
                return False
            self.exit_status = status
        return True


def prepare_torch() -> None:
    """Import what every check needs, and pin torch to one thread before any op runs."""
    import torch

    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set; the pool has not started, which is what matters
    import einops  # noqa: F401
    import numpy  # noqa: F401
    import numpy.random  # noqa: F401 - numpy loads these lazily; every check needs them
    import numpy.testing  # noqa: F401

    import mlkata.sandbox.harness  # noqa: F401
    from mlkata.sandbox import bans, guard

    import_check_api()
    bans._unseen_by_mode()
    guard.take_before_fork()
    freeze_objects()


def freeze_objects() -> None:
    """Keep what the worker has built (torch, the snapshot) out of the garbage collector.

    Every check process inherits it; a full collection there would walk some 170,000
    objects and, touching them, copy their memory pages: tens of milliseconds.
    """
    gc.collect()
    gc.freeze()


def import_check_api() -> None:
    """Import every module of `mlkata.checking` now.

    Imported before the fork, a module is paid for once, and the guard's snapshot covers
    it: a helper module added for a new section is warmed and guarded without a list.
    """
    import importlib
    import pkgutil

    import mlkata.checking

    for info in pkgutil.iter_modules(mlkata.checking.__path__):
        importlib.import_module(f"mlkata.checking.{info.name}")


def compile_checks() -> None:
    """Byte-compile checks and references once, so each check process only reads them.

    Check processes never write bytecode (learner code runs there); where the folder is
    read-only (an installed wheel, compiled at install) this quietly does nothing.
    """
    import compileall

    from mlkata.curriculum import builtin_pack

    compileall.compile_dir(str(builtin_pack().checks_dir), quiet=2)


def warm_up_steps() -> list:
    """Small first calls that pay torch's one-off costs in the worker, not in every child.

    They run one at a time while the worker is idle, so they never delay a check.
    """
    import einops
    import torch
    import torch.nn.functional as F

    from mlkata.sandbox.bans import BanList, BanMode

    x = torch.randn(2, 3, 8, 8)
    w = torch.randn(4, 3, 3, 3)

    def ban_mode():
        with BanMode(BanList(["torch.eye"], learner_file="<warm-up>")):
            torch.eye(2)

    def optimizers():
        import torch._dynamo  # noqa: F401 - torch.optim imports it on first use, slowly

        torch.optim.Adam([torch.nn.Parameter(torch.ones(2))]).step()

    return [
        compile_checks,
        optimizers,
        lambda: torch.testing.assert_close(x, x.clone()),
        lambda: (F.conv2d(x, w, stride=2, padding=1), F.conv1d(x[:, :, 0], w[:, :, 0])),
        lambda: (F.max_pool2d(x, 2), F.batch_norm(x, torch.zeros(3), torch.ones(3), training=True)),
        lambda: F.linear(x.flatten(1), torch.randn(5, 192)),
        lambda: (F.log_softmax(x, -1), F.softmax(x, -1), torch.logsumexp(x, -1)),
        lambda: F.cross_entropy(torch.randn(4, 5), torch.tensor([0, 1, 2, 3]), reduction="none"),
        lambda: torch.einsum("bcij,ocij->bo", x[:, :, :3, :3], w),
        lambda: x.as_strided((2, 2), (1, 2)).sum(),
        lambda: torch.linalg.solve(torch.eye(2) + 1, torch.ones(2)),
        lambda: (torch.cumsum(torch.rand(5), 0), torch.gather(x, 1, torch.zeros(2, 1, 8, 8, dtype=torch.long))),
        lambda: einops.rearrange(torch.arange(6), "(a b) -> a b", a=2),
        lambda: torch.nn.Linear(3, 4)(torch.randn(2, 3)).sum().backward(),
        lambda: torch.nn.BatchNorm2d(3)(x),
        ban_mode,
    ]


def memory_cap_mb(requested_mb: int, parallel: int) -> int:
    """The memory a check may use: what it asked for, within the machine's free memory."""
    available = _available_memory_mb()
    if available is None:
        return requested_mb
    share = int(available * MEMORY_SHARE_OF_AVAILABLE / max(1, parallel))
    return max(MIN_MEMORY_MB, min(requested_mb, share))


def _available_memory_mb() -> int | None:
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError):
        pass
    return None


def memory_limit_bytes(memory_mb: int) -> int:
    """An address-space limit that leaves the already-mapped libraries room plus `memory_mb`."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024 + memory_mb * 1024 * 1024
    except OSError:
        pass
    return (8 * 1024 + memory_mb) * 1024 * 1024


@dataclass
class Standby:
    """A check process forked and prepared ahead of the next save of the same exercise."""

    key: tuple
    pid: int
    request_fd: int  # the request is written here, then closed
    result_fd: int
    exit_fd: int | None
    scratch: str


def fork_standby(template: CheckRequest, parallel: int = 1) -> Standby:
    """Fork a check process that prepares `template`'s check and waits for its request."""
    template = dataclasses.replace(template, memory_mb=memory_cap_mb(template.memory_mb, parallel))
    request_read, request_write = os.pipe()
    result_read, result_write = os.pipe()
    limit = memory_limit_bytes(template.memory_mb)
    worker_pid = os.getpid()
    scratch = new_scratch_folder()
    pid = os.fork()
    if pid == 0:
        _exit = os._exit
        code = EXIT_NO_VERDICT
        try:
            os.close(request_write)
            os.close(result_read)
            _close_inherited_fds(keep=(request_read, result_write))
            _become_check_process(limit, worker_pid, scratch)
            from mlkata.sandbox import harness

            finish = harness.prepare(template)
            message = _read_all(request_read)
            if not message:
                code = 0  # not needed after all: the worker closed the pipe
            else:
                request = CheckRequest.from_json(json.loads(message))
                code = _report(finish(request), result_write)
        except MemoryError:
            code = EXIT_OUT_OF_MEMORY
        finally:
            _exit(code)
    os.close(request_read)
    os.close(result_write)
    os.set_blocking(result_read, False)
    return Standby(
        key=template.preparation_key(),
        pid=pid,
        request_fd=request_write,
        result_fd=result_read,
        exit_fd=_pidfd(pid),
        scratch=scratch,
    )


def hand_over(standby: Standby, check_id: str, request: CheckRequest, parallel: int = 1) -> RunningCheck:
    """Give a prepared check process its request; from now on it runs against its deadline."""
    request = dataclasses.replace(request, memory_mb=memory_cap_mb(request.memory_mb, parallel))
    try:
        os.write(standby.request_fd, json.dumps(request.to_json()).encode())
    except OSError:
        pass  # it died while waiting: the verdict says how
    os.close(standby.request_fd)
    now = time.monotonic()
    return RunningCheck(
        id=check_id,
        request=request,
        pid=standby.pid,
        result_fd=standby.result_fd,
        exit_fd=standby.exit_fd,
        deadline=now + request.timeout_s,
        started=now,
        scratch=standby.scratch,
    )


def discard_standby(standby: Standby) -> None:
    kill_group(standby.pid)
    os.close(standby.request_fd)
    os.waitpid(standby.pid, 0)
    os.close(standby.result_fd)
    if standby.exit_fd is not None:
        os.close(standby.exit_fd)
    remove_scratch_folder(standby.scratch)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, RESULT_READ_CHUNK):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def _report(finished, write_fd: int) -> int:
    """Send the verdict to the worker, then the simplest failing case if one is sought.

    One JSON line each: the worker passes a failure's verdict on as soon as its line is
    complete, while this process goes on looking. The exit code says both were sent.
    """
    with os.fdopen(write_fd, "wb") as out:
        out.write(json.dumps(finished.result.to_json()).encode() + b"\n")
        out.flush()
        if finished.follow_up is not None:
            simplest = finished.follow_up()
            out.write(json.dumps({"simplest": simplest.to_json() if simplest is not None else None}).encode() + b"\n")
    return 0


def start_check(check_id: str, request: CheckRequest, parallel: int = 1) -> RunningCheck:
    # The verdict names the cap that was really applied.
    request = dataclasses.replace(request, memory_mb=memory_cap_mb(request.memory_mb, parallel))
    read_fd, write_fd = os.pipe()
    limit = memory_limit_bytes(request.memory_mb)
    worker_pid = os.getpid()
    scratch = new_scratch_folder()
    pid = os.fork()
    if pid == 0:  # the check process
        _exit = os._exit  # bound before learner code runs, which may replace os._exit
        code = EXIT_NO_VERDICT
        try:
            os.close(read_fd)
            _close_inherited_fds(keep=write_fd)
            _become_check_process(limit, worker_pid, scratch)
            from mlkata.sandbox import harness

            code = _report(harness.run(request), write_fd)
        except MemoryError:
            code = EXIT_OUT_OF_MEMORY  # too little memory left even to report
        finally:
            _exit(code)
    os.close(write_fd)
    os.set_blocking(read_fd, False)
    now = time.monotonic()
    return RunningCheck(
        id=check_id,
        request=request,
        pid=pid,
        result_fd=read_fd,
        exit_fd=_pidfd(pid),
        deadline=now + request.timeout_s,
        started=now,
        scratch=scratch,
    )


def _pidfd(pid: int) -> int | None:
    # A grandchild the learner forked can hold the result pipe open after the check
    # process has exited; watching the process itself tells when it is done.
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _close_inherited_fds(keep: int | tuple[int, ...]) -> None:
    """Close the worker's other descriptors (its reply pipe, other checks' pipes)."""
    low = 3
    for fd in sorted(keep if isinstance(keep, tuple) else (keep,)):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 1 << 16)


SCRATCH_PREFIX = "mlkata-check-"


def new_scratch_folder() -> str:
    # Named after this worker, so a later worker can tell whose folders were orphaned.
    return tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-")


def remove_orphaned_scratch_folders() -> None:
    """Remove folders left by workers that were killed before they could clean up."""
    base = Path(tempfile.gettempdir())
    for folder in base.glob(f"{SCRATCH_PREFIX}*-*"):
        owner = folder.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0]
        if owner.isdigit() and not process_tree.alive(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


def remove_scratch_folder(folder: str | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _become_check_process(memory_limit: int, worker_pid: int, scratch: str) -> None:
    # Files the learner's code writes land in a folder of this check's own, removed
    # afterwards: nothing written by one run is seen by the next, or by the workspace.
    os.chdir(scratch)
    os.environ["TMPDIR"] = scratch
    tempfile.tempdir = scratch
    os.setsid()  # its own process group, so a timeout can end everything it started
    process_tree.die_with_parent(worker_pid)  # a worker that dies takes its running checks along
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    except (ValueError, OSError):
        pass  # not enforceable here (macOS); the time limit still holds
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)  # output from C code or subprocesses goes nowhere
    sys.dont_write_bytecode = True


def _parse_verdict(buffer: bytearray) -> CheckResult | None:
    """The verdict on the first line of what the check process wrote, once that line is whole."""
    line, newline, _ = bytes(buffer).partition(b"\n")
    if not newline:
        return None
    try:
        return CheckResult.from_json(json.loads(line.decode()))
    except (ValueError, KeyError, TypeError):
        return None


def _well_formed(buffer: bytearray, result: CheckResult) -> bool:
    """Exactly what one check process writes: its verdict, and its simplest case if it sought one."""
    lines = bytes(buffer).split(b"\n")
    if lines[-1] != b"":
        return False
    if len(lines) == 2:
        return True
    return len(lines) == 3 and result.seeking_simplest and lines[1].startswith(b'{"simplest"')


def _parse_simplest(buffer: bytearray) -> dict | None:
    """The simplest failing case on the second line, as JSON, if it arrived whole."""
    lines = bytes(buffer).split(b"\n")
    if len(lines) < 3:
        return None
    try:
        simplest = json.loads(lines[1].decode())["simplest"]
        if simplest is not None:
            SimplestCase.from_json(simplest)  # only a well-formed case goes on
        return simplest
    except (ValueError, KeyError, TypeError):
        return None


def kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def finish_check(check: RunningCheck, timed_out: bool) -> CheckResult:
    """Reap the child and turn what it left behind into a verdict.

    Called once the process has exited, or at the deadline (then it is killed first),
    so the wait below is never long.
    """
    if timed_out:
        kill_group(check.pid)
    if check.exit_status is None:
        _, check.exit_status = os.waitpid(check.pid, 0)
    status = check.exit_status
    kill_group(check.pid)  # threads are gone with the child; stray grandchildren go now
    elapsed_ms = (time.monotonic() - check.started) * 1000
    request = check.request

    def verdict(status_: Status, headline: str, *details: str) -> CheckResult:
        return CheckResult(
            exercise=request.exercise,
            status=status_,
            headline=headline,
            details=details,
            duration_ms=elapsed_ms,
            source_digest=request.source_digest,
        )

    if timed_out:
        return verdict(
            Status.TIMED_OUT,
            f"timed out: the check did not finish within {request.timeout_s:g} s",
            "Look for a loop that never ends, or work far larger than the inputs need.",
        )
    if check.buffer:
        result = _parse_verdict(check.buffer)
        if result is not None and _well_formed(check.buffer, result):
            return result.with_updates(duration_ms=elapsed_ms)
        # a torn result, or more than one process's, is no result: never a pass
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            return verdict(
                Status.ERROR,
                "the check's verdict arrived garbled: more than one process wrote it, or something else did",
                "Did your code fork (os.fork, multiprocessing)? Compute the answer in the process that was called.",
            )
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        name = signal.Signals(signum).name if signum in signal.Signals._value2member_map_ else str(signum)
        if signum == signal.SIGKILL:
            return verdict(
                Status.OUT_OF_MEMORY,
                "the check process was killed (SIGKILL), most likely for using too much memory",
                "Look for a tensor far larger than intended.",
            )
        return verdict(
            Status.CRASHED,
            f"crashed: the check process died with signal {name}",
            "Something your code called brought the process down (ctypes, os.abort, a native library).",
        )
    code = os.WEXITSTATUS(status)
    if code == EXIT_OUT_OF_MEMORY:
        return verdict(
            Status.OUT_OF_MEMORY,
            f"out of memory: your code used up the {request.memory_mb} MB a check may use",
            "Look for a tensor far larger than intended, or a list that never stops growing.",
        )
    if code == EXIT_NO_VERDICT:
        return verdict(
            Status.ERROR,
            "the check process failed before it could report a verdict",
            "Your code may have replaced or closed something mlkata needs (os, sys, json, file descriptors).",
        )
    return verdict(
        Status.ERROR,
        f"your code ended the check process early (exit code {code}) before a verdict",
        "Remove os._exit() or similar calls; return a value instead.",
    )


class Worker:
    def __init__(self, parallel: int, reply) -> None:
        self.parallel = max(1, parallel)
        self.reply = reply
        self.queue: list[tuple[str, CheckRequest]] = []
        self.running: dict[int, RunningCheck] = {}  # by result fd
        self.selector = selectors.DefaultSelector()
        self.warm_up: list = []
        # Watch mode checks one exercise save after save: while idle, a check process
        # for it is prepared in advance (one worker at a time checking, as in watch).
        self.standby: Standby | None = None
        self.standby_for: CheckRequest | None = None

    def serve(self, requests_fd: int) -> None:
        self.selector.register(requests_fd, selectors.EVENT_READ, "requests")
        pending = b""
        while True:
            self._start_queued()
            timeout = self._next_timeout()
            if self.warm_up and not self.running:
                timeout = 0  # look for work, and warm up only if there is none
            if self._standby_wanted() and not self.running:
                timeout = 0
            events = self.selector.select(timeout=timeout)
            if not events and not self.running and not self.queue:
                if self.warm_up:
                    self.warm_up.pop(0)()
                    if not self.warm_up:
                        freeze_objects()
                    continue
                if self._standby_wanted():
                    self.standby = fork_standby(self.standby_for, self.parallel)
                    continue
            for key, _ in events:
                if key.data == "requests":
                    chunk = os.read(requests_fd, RESULT_READ_CHUNK)
                    if not chunk:
                        self._shutdown()
                        return
                    pending += chunk
                    *lines, pending = pending.split(b"\n")
                    for line in lines:
                        if line.strip():
                            self._handle(json.loads(line))
                else:
                    kind, check = key.data
                    if self.running.get(check.result_fd) is check:
                        self._on_check_event(check, exited=(kind == "exit"))
            self._expire()

    def _handle(self, message: dict) -> None:
        if message["type"] == "check":
            self.queue.append((message["id"], CheckRequest.from_json(message["request"])))
        elif message["type"] == "cancel":
            self._cancel(message["id"])

    def _cancel(self, check_id: str) -> None:
        self.queue = [(i, r) for i, r in self.queue if i != check_id]
        for check in list(self.running.values()):
            if check.id == check_id:
                self._unregister(check)
                kill_group(check.pid)
                if check.exit_status is None:
                    os.waitpid(check.pid, 0)
                self._close(check)
        self._end_strays()
        self.reply({"type": "cancelled", "id": check_id})

    def _standby_wanted(self) -> bool:
        return self.parallel == 1 and self.standby is None and self.standby_for is not None

    def _start_queued(self) -> None:
        while self.queue and len(self.running) < self.parallel:
            check_id, request = self.queue.pop(0)
            standby, self.standby = self.standby, None
            if standby is not None and standby.key == request.preparation_key():
                check = hand_over(standby, check_id, request, self.parallel)
            else:
                if standby is not None:
                    discard_standby(standby)
                check = start_check(check_id, request, self.parallel)
            self.standby_for = request
            self.running[check.result_fd] = check
            self.selector.register(check.result_fd, selectors.EVENT_READ, ("result", check))
            if check.exit_fd is not None:
                self.selector.register(check.exit_fd, selectors.EVENT_READ, ("exit", check))

    def _next_timeout(self) -> float | None:
        if not self.running:
            return None
        timeout = max(0.0, min(c.deadline for c in self.running.values()) - time.monotonic())
        if any(c.pipe_closed and c.exit_fd is None for c in self.running.values()):
            timeout = min(timeout, EXIT_POLL_S)  # no pidfd to say when it exits: look
        return timeout

    def _on_check_event(self, check: RunningCheck, exited: bool) -> None:
        self._drain(check)
        self._send_failure_early(check)
        if exited or check.has_exited():
            self._complete(check, timed_out=False)
        # Otherwise the pipe closed but the process lives on (learner code closed it, or
        # is still busy): the exit event, the exit poll or the deadline ends it.

    def _drain(self, check: RunningCheck) -> None:
        """Read what the pipe holds now; on end of file stop watching it."""
        while not check.pipe_closed:
            try:
                chunk = os.read(check.result_fd, RESULT_READ_CHUNK)
            except BlockingIOError:
                return
            if not chunk:
                check.pipe_closed = True
                self.selector.unregister(check.result_fd)
                return
            check.buffer.extend(chunk)

    def _unregister(self, check: RunningCheck) -> None:
        if not check.pipe_closed:
            self.selector.unregister(check.result_fd)
        if check.exit_fd is not None:
            self.selector.unregister(check.exit_fd)
        del self.running[check.result_fd]

    def _close(self, check: RunningCheck) -> None:
        os.close(check.result_fd)
        if check.exit_fd is not None:
            os.close(check.exit_fd)
        remove_scratch_folder(check.scratch)

    def _expire(self) -> None:
        now = time.monotonic()
        for check in list(self.running.values()):
            if check.pipe_closed and check.exit_fd is None and check.has_exited():
                self._complete(check, timed_out=False)
            elif now >= check.deadline:
                self._complete(check, timed_out=True)

    def _send_failure_early(self, check: RunningCheck) -> None:
        """A failure whose simplest case is being sought is shown now, not when that ends.

        Only a failure: a pass is reported once its process has exited, never before.
        """
        if check.verdict_sent:
            return
        result = _parse_verdict(check.buffer)
        if result is not None and result.seeking_simplest and result.status is not Status.PASSED:
            elapsed_ms = (time.monotonic() - check.started) * 1000
            self.reply({"type": "result", "id": check.id, "result": result.with_updates(duration_ms=elapsed_ms).to_json()})
            check.verdict_sent = True

    def _complete(self, check: RunningCheck, timed_out: bool) -> None:
        self._unregister(check)
        if check.verdict_sent:
            if timed_out:
                kill_group(check.pid)
            if check.exit_status is None:
                _, check.exit_status = os.waitpid(check.pid, 0)
            kill_group(check.pid)
            result = None
        else:
            result = finish_check(check, timed_out)
        self._close(check)
        self._end_strays()
        if result is not None:
            self.reply({"type": "result", "id": check.id, "result": result.to_json()})
        if check.verdict_sent or (result is not None and result.seeking_simplest):
            simplest = None if timed_out else _parse_simplest(check.buffer)
            self.reply({"type": "detail", "id": check.id, "simplest": simplest})

    def _end_strays(self) -> None:
        """End what finished checks left behind, sparing what running checks started."""
        keep = {check.pid for check in self.running.values()}
        if self.standby is not None:
            keep.add(self.standby.pid)
        process_tree.end_strays(keep=keep)

    def _shutdown(self) -> None:
        if self.standby is not None:
            discard_standby(self.standby)
            self.standby = None
        for check in list(self.running.values()):
            self._unregister(check)
            kill_group(check.pid)
            if check.exit_status is None:
                os.waitpid(check.pid, 0)
            self._close(check)
        self._end_strays()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mlkata.sandbox.worker")
    parser.add_argument("--parallel", type=int, default=1)
    args = parser.parse_args(argv)

    # Replies go to the original stdout; anything else printing to stdout lands on stderr.
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop

    def reply(message: dict) -> None:
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    process_tree.become_subreaper()
    prepare_torch()
    reply({"type": "ready"})
    worker = Worker(args.parallel, reply)
    worker.warm_up = [remove_orphaned_scratch_folders, *warm_up_steps()]
    if args.parallel > 1:
        # Many checks at once (verify, dev check): each forked process would pay torch's
        # first-call costs again; paid once here, they are shared by every check.
        while worker.warm_up:
            worker.warm_up.pop(0)()
        freeze_objects()
    worker.serve(sys.stdin.fileno())


if __name__ == "__main__":
    main()
