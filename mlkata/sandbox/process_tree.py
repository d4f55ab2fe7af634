"""Finding and ending processes a check left behind, even ones that left its process group.

Killing a check's process group ends everything the learner's code started in it. A
process that called `setsid()` (`subprocess.Popen(..., start_new_session=True)`, a
daemonising double fork) is outside that group. To still find it, the worker makes
itself a *child subreaper* (Linux): when a check process dies, its surviving
descendants become the worker's children instead of init's. Any child of the worker
that is not a running check is therefore a stray, and `end_strays` kills and reaps it
(reaping matters: an unreaped child stays in the process table as a zombie). The other
way round, each check process asks to be killed if the worker dies (`die_with_parent`),
so a worker that is killed does not leave checks running unattended.

Where subreapers or /proc are not available (macOS), these functions do nothing and the
process-group kill is all there is.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from collections.abc import Collection

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
MAX_SWEEP_ROUNDS = 50  # each round ends one generation of a stray tree
REAP_WAIT_S = 1.0


def become_subreaper() -> bool:
    """Make orphaned descendants of this process its children. True if it worked."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when `parent`, which forked it, dies (Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the request took effect
        os._exit(1)


def alive(pid: int) -> bool:
    """Whether `pid` still exists, as a process or as an unreaped zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def children() -> list[tuple[int, int]]:
    """(pid, session id) of this process's children; empty where /proc cannot tell."""
    me = os.getpid()
    found = []
    for pid in _child_pids(me):
        fields = _stat_fields(pid)
        if fields is not None and int(fields[1]) == me:
            found.append((pid, int(fields[3])))
    return found


def _child_pids(me: int) -> list[int]:
    """Children as the kernel lists them per thread, else every process (filtered later)."""
    try:
        pids: list[int] = []
        for task in os.listdir(f"/proc/{me}/task"):
            with open(f"/proc/{me}/task/{task}/children") as listing:
                pids.extend(int(pid) for pid in listing.read().split())
        return pids
    except (OSError, ValueError):
        pass
    try:
        return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]
    except OSError:
        return []


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name: state, ppid, pgrp, session, ..."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            text = stat.read().decode(errors="replace")
    except OSError:
        return None  # gone meanwhile
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    fields = text[text.rfind(")") + 2 :].split()
    return fields if len(fields) >= 4 else None


def end_strays(keep: Collection[int]) -> list[int]:
    """Kill and reap every child not in `keep` (running checks), nor in their sessions.

    Returns the pids ended. Killing a stray hands its own children to this process,
    so the sweep repeats until a round finds nothing.
    """
    ended: list[int] = []
    own_group = os.getpgrp()
    for _ in range(MAX_SWEEP_ROUNDS):
        strays = [pid for pid, session in children() if pid not in keep and session not in keep]
        if not strays:
            break
        for pid in strays:
            _kill(pid, own_group)
        for pid in strays:
            _reap(pid)
        ended.extend(strays)
    return ended


def _kill(pid: int, own_group: int) -> None:
    try:
        group = os.getpgid(pid)
        if group != own_group:
            os.killpg(group, signal.SIGKILL)
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _reap(pid: int) -> None:
    deadline = time.monotonic() + REAP_WAIT_S
    while True:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return  # reaped already, or not ours after all
        if done or time.monotonic() > deadline:
            return  # one stuck in the kernel is left for the next sweep
        time.sleep(0.001)
