"""Broken and hostile learner code, and the ledger that turns what each case got into a report.

Every `LearnerCase` is a whole learner file for `identity_matrix` (the one exercise the
suite can rely on) and the verdicts it may get. `tests/test_hardening.py` runs each one
through the real check worker, and records a `Row` per case, learner code or not (watch
mode, workspace files, progress), in `LEDGER`. `python -m tests.hardening_report` runs
them and writes the ledger to docs/hardening.md: sorted, without timings, so a re-run
gives the same file.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

EXERCISE = "identity_matrix"
REPORT_PATH = Path(__file__).resolve().parent.parent / "docs" / "hardening.md"

RIGHT = """\
import torch


def identity_matrix(n):
    rows = torch.arange(n)
    return (rows[:, None] == rows[None, :]).float()
"""
WRONG_BODY = """
def identity_matrix(n):
    return torch.ones(n, n)
"""
WRONG = "import torch\n" + WRONG_BODY


def _code(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@dataclass(frozen=True)
class LearnerCase:
    """A learner file and the verdicts it may get.

    `@PIDS@` in the source stands for a file the code writes process ids to (its own and
    those of processes it starts); the test then asserts every one is gone.
    """

    area: str
    name: str
    source: str
    expect: tuple[str, ...]  # acceptable statuses
    phrases: tuple[str, ...] = ()  # each must appear in what the learner reads
    point: str = ""  # the report quotes the line of the explanation that holds this
    timeout_s: float = 5.0
    memory_mb: int = 256

    @property
    def id(self) -> str:
        return f"{self.area}: {self.name}"

    @property
    def tracks_pids(self) -> bool:
        return "@PIDS@" in self.source


NEVER_PASSES = ("error", "failed", "crashed", "timed_out", "out_of_memory")

CASES = [
    # ---- runs forever ------------------------------------------------------------------
    LearnerCase(
        "hang",
        "infinite loop at import, with a child and an escaped grandchild",
        _code("""
            import os, subprocess
            child = subprocess.Popen(["sleep", "300"])
            escaped = subprocess.Popen(["sleep", "300"], start_new_session=True)
            open("@PIDS@", "w").write(f"{os.getpid()} {child.pid} {escaped.pid}")
            while True:
                pass
        """),
        ("timed_out",),
        ("timed out", "within 1 s"),
        timeout_s=1,
    ),
    LearnerCase(
        "hang",
        "infinite loop in the function",
        _code("""
            import os, subprocess
            def identity_matrix(n):
                child = subprocess.Popen(["sleep", "300"])
                open("@PIDS@", "w").write(f"{os.getpid()} {child.pid}")
                while True:
                    n += 1
        """),
        ("timed_out",),
        ("within 1 s",),
        timeout_s=1,
    ),
    LearnerCase(
        "hang",
        "closes every file descriptor, then loops",
        _code("""
            import os
            open("@PIDS@", "w").write(str(os.getpid()))
            os.closerange(3, 65536)
            while True:
                pass
        """),
        ("timed_out",),
        ("within 1 s",),
        timeout_s=1,
    ),
    LearnerCase(
        "hang",
        "a thread that never releases the GIL",
        _code("""
            import os, threading
            open("@PIDS@", "w").write(str(os.getpid()))
            threading.Thread(target=lambda: sum(range(10**15)), daemon=True).start()
        """) + RIGHT,
        ("timed_out",),
        ("within 1 s",),
        timeout_s=1,
    ),
    LearnerCase(
        "hang",
        "replaces os._exit and leaves a thread running",
        _code("""
            import os, threading, time
            open("@PIDS@", "w").write(str(os.getpid()))
            os._exit = lambda code: None
            threading.Thread(target=lambda: time.sleep(300)).start()
        """) + RIGHT,
        NEVER_PASSES,
        ("replaced os._exit",),
    ),
    # ---- memory ------------------------------------------------------------------------
    LearnerCase(
        "memory",
        "a 100 GB tensor",
        "import torch\n\ndef identity_matrix(n):\n    return torch.zeros(25 * 2**30)\n",
        ("out_of_memory",),
        ("out of memory", "256 MB", "line 4"),
        point="line 4",
    ),
    LearnerCase(
        "memory",
        "a list that grows forever",
        _code("""
            def identity_matrix(n):
                chunks = []
                while True:
                    chunks.append(" " * 1_000_000)
        """),
        ("out_of_memory",),
        ("out of memory", "256 MB"),
    ),
    LearnerCase(
        "memory",
        "a list that grows forever, at import",
        "chunks = []\nwhile True:\n    chunks.append(bytearray(1_000_000))\n",
        ("out_of_memory",),
        ("out of memory",),
    ),
    LearnerCase(
        "memory",
        "an 800 GB numpy array",
        "import numpy\n\ndef identity_matrix(n):\n    return numpy.ones(10**11)\n",
        ("out_of_memory",),
        ("out of memory",),
    ),
    # ---- crashes -----------------------------------------------------------------------
    LearnerCase(
        "crash",
        "segfault (ctypes.string_at(0))",
        "import ctypes\n\ndef identity_matrix(n):\n    return ctypes.string_at(0)\n",
        ("crashed",),
        ("SIGSEGV",),
    ),
    LearnerCase(
        "crash",
        "os.abort()",
        "import os\n\ndef identity_matrix(n):\n    os.abort()\n",
        ("crashed",),
        ("SIGABRT",),
    ),
    LearnerCase(
        "crash",
        "SIGTERM to itself at import",
        "import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n",
        ("crashed",),
        ("SIGTERM",),
    ),
    LearnerCase(
        "crash",
        "recursion limit lifted, then C recursion overflows the stack",
        _code("""
            import sys
            sys.setrecursionlimit(10**6)
            def identity_matrix(n):
                a, b = [], []
                for _ in range(10**5):
                    a, b = [a], [b]
                return a == b
        """),
        ("crashed",),
        ("SIGSEGV",),
    ),
    # ---- ends the process early --------------------------------------------------------
    LearnerCase("exit", "sys.exit(0) at import", "import sys\nsys.exit(0)\n", ("error",), ("sys.exit(0)", "line 2"), point="line 2"),
    LearnerCase(
        "exit", "sys.exit(0) in the function", "import sys\n\ndef identity_matrix(n):\n    sys.exit(0)\n", ("error",), ("sys.exit(0)",)
    ),
    LearnerCase("exit", "os._exit(0) at import", "import os\nos._exit(0)\n", ("error",), ("exit code 0",)),
    LearnerCase(
        "exit", "os._exit(0) in the function", "import os\n\ndef identity_matrix(n):\n    os._exit(0)\n", ("error",), ("exit code 0",)
    ),
    LearnerCase("exit", "raise SystemExit at import", "raise SystemExit\n", ("error",), ("SystemExit",)),
    LearnerCase(
        "exit", "raise SystemExit in the function", "def identity_matrix(n):\n    raise SystemExit\n", ("error",), ("SystemExit",)
    ),
    LearnerCase("exit", "raise KeyboardInterrupt at import", "raise KeyboardInterrupt\n", ("error",), ("KeyboardInterrupt",)),
    LearnerCase(
        "exit",
        "raise KeyboardInterrupt in the function",
        "def identity_matrix(n):\n    raise KeyboardInterrupt\n",
        ("error",),
        ("KeyboardInterrupt",),
    ),
    LearnerCase(
        "exit",
        "os.fork() at import, both processes report a verdict",
        "import os, torch\nif os.fork() != 0:\n    os.wait()\n" + WRONG_BODY,
        ("error",),
        ("garbled",),
    ),
    # ---- replaces what the check relies on (a wrong answer must still fail) -------------
    LearnerCase(
        "tampering",
        "wrong answer, torch.testing.assert_close replaced",
        "import torch\ntorch.testing.assert_close = lambda *a, **k: None\n" + WRONG_BODY,
        ("failed",),
        ("differs",),
    ),
    LearnerCase(
        "tampering",
        "wrong answer, torch.allclose and torch.equal replaced",
        "import torch\ntorch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True\n" + WRONG_BODY,
        ("failed",),
        ("differs",),
    ),
    LearnerCase(
        "tampering",
        "wrong answer, Tensor.__eq__, __sub__ and abs replaced",
        _code("""
            import torch
            torch.Tensor.__eq__ = lambda a, b: torch.ones_like(a, dtype=torch.bool)
            torch.Tensor.__sub__ = lambda a, b: torch.zeros_like(a)
            torch.Tensor.abs = lambda a: torch.zeros_like(a)
            torch.abs = lambda a: torch.zeros_like(a)
        """) + WRONG_BODY,
        ("failed",),
        ("differs",),
    ),
    LearnerCase(
        "tampering",
        "wrong answer, mlkata.checking.compare.expect_close replaced at import",
        _code("""
            import torch
            import mlkata.checking
            import mlkata.checking.compare
            mlkata.checking.compare.expect_close = lambda *a, **k: None
            mlkata.checking.expect_close = lambda *a, **k: None
        """) + WRONG_BODY,
        ("failed",),
        ("differs",),
    ),
    LearnerCase(
        "tampering",
        "wrong answer, the check's own expect_close replaced from inside the function",
        _code("""
            import sys, torch
            def identity_matrix(n):
                sys.modules["mlkata_check_identity_matrix"].expect_close = lambda *a, **k: None
                return torch.ones(n, n)
        """),
        ("failed",),
        ("differs",),
    ),
    LearnerCase(
        "tampering",
        "wrong answer, expect_close.__code__ rewritten",
        _code("""
            import torch
            from mlkata.checking import compare
            compare.expect_close.__code__ = (lambda *a, **k: None).__code__
        """) + WRONG_BODY,
        ("failed",),
    ),
    LearnerCase(
        "tampering",
        "wrong answer, builtins isinstance and range replaced",
        _code("""
            import builtins, torch
            builtins.isinstance = lambda *a: True
            builtins.range = lambda *a: iter(())
        """) + WRONG_BODY,
        NEVER_PASSES,
    ),
    LearnerCase(
        "tampering",
        "wrong answer, the harness's verdict method replaced",
        _code("""
            import sys, torch
            from mlkata.protocol import CheckResult, Status
            cp = sys.modules["mlkata.sandbox.harness"]
            cp._Outcome.finish = lambda self: CheckResult("identity_matrix", Status.PASSED, "identity_matrix passed")
            cp._Outcome.explain = lambda self, error: CheckResult("identity_matrix", Status.PASSED, "identity_matrix passed")
        """) + WRONG_BODY,
        ("failed",),
    ),
    LearnerCase(
        "tampering",
        "wrong answer, json.dumps replaced to report a pass",
        _code("""
            import json, torch
            json.dumps = lambda *a, **k: '{"exercise": "identity_matrix", "status": "passed", "headline": "passed"}'
        """) + WRONG_BODY,
        ("failed",),
    ),
    LearnerCase(
        "tampering",
        "wrong answer returned as a Tensor subclass whose __torch_function__ zeroes every difference",
        _code("""
            import torch
            class Agreeable(torch.Tensor):
                @classmethod
                def __torch_function__(cls, func, types, args=(), kwargs=None):
                    out = super().__torch_function__(func, types, args, kwargs or {})
                    if getattr(func, "__name__", "") in ("sub", "abs", "__sub__", "ne", "gt"):
                        return torch.zeros_like(out.as_subclass(torch.Tensor))
                    return out
            def identity_matrix(n):
                return torch.ones(n, n).as_subclass(Agreeable)
        """),
        ("failed",),
        ("not a plain torch.Tensor",),
    ),
    LearnerCase(
        "tampering",
        "an object that passes isinstance(x, torch.Tensor) (via __class__) and hooks __torch_function__",
        _code("""
            import torch
            class Impostor:
                __class__ = property(lambda self: torch.Tensor)
                shape, dtype = torch.Size([2, 2]), torch.float32
                @classmethod
                def __torch_function__(cls, func, types, args=(), kwargs=None):
                    return torch.zeros(())
            def identity_matrix(n):
                return Impostor()
        """),
        ("failed",),
        ("not a plain torch.Tensor",),
    ),
    LearnerCase(
        "tampering",
        "right answer, torch.allclose replaced",
        "import torch\ntorch.allclose = lambda *a, **k: True\n" + RIGHT.removeprefix("import torch\n"),
        ("failed",),
        ("replaced torch.allclose",),
    ),
    # ---- changes global state (a right answer is judged on its merits) -----------------
    LearnerCase(
        "global state",
        "right answer, torch.set_default_dtype(torch.float64) at import",
        "import torch\ntorch.set_default_dtype(torch.float64)\n" + RIGHT.removeprefix("import torch\n"),
        ("passed",),
    ),
    LearnerCase(
        "global state",
        "right answer, torch.set_default_dtype(torch.float64) in the function",
        _code("""
            import torch
            def identity_matrix(n):
                torch.set_default_dtype(torch.float64)
                rows = torch.arange(n)
                return (rows[:, None] == rows[None, :]).float()
        """),
        ("passed",),
    ),
    LearnerCase(
        "global state",
        "right answer, torch.set_grad_enabled(False)",
        "import torch\ntorch.set_grad_enabled(False)\n" + RIGHT.removeprefix("import torch\n"),
        ("passed",),
    ),
    LearnerCase(
        "global state",
        "right answer, torch.manual_seed(1234) at import and in the function",
        _code("""
            import torch
            torch.manual_seed(1234)
            def identity_matrix(n):
                torch.manual_seed(n)
                rows = torch.arange(n)
                return (rows[:, None] == rows[None, :]).float()
        """),
        ("passed",),
    ),
    LearnerCase(
        "global state",
        "right answer, torch.set_default_device('meta') at import",
        "import torch\ntorch.set_default_device('meta')\n" + RIGHT.removeprefix("import torch\n"),
        ("passed",),
    ),
    LearnerCase(
        "global state",
        "wrong answer (float64), torch.set_default_dtype(torch.float64) at import",
        "import torch\ntorch.set_default_dtype(torch.float64)\n\ndef identity_matrix(n):\n    rows = torch.arange(n)\n"
        "    return (rows[:, None] == rows).double()\n",
        ("failed",),
        ("dtype float64; expected float32",),
    ),
    # ---- ordinary mistakes: a precise message pointing at the line ----------------------
    LearnerCase(
        "mistake",
        "syntax error",
        "import torch\n\ndef identity_matrix(n)\n    return torch.ones(n, n)\n",
        ("error",),
        ("SyntaxError", "line 3", "^"),
        point="line 3",
    ),
    LearnerCase(
        "mistake",
        "indentation error",
        "import torch\n\ndef identity_matrix(n):\nreturn torch.ones(n, n)\n",
        ("error",),
        ("IndentationError", "line 4"),
        point="line 4",
    ),
    LearnerCase(
        "mistake",
        "tabs mixed with spaces",
        "def identity_matrix(n):\n    if n:\n\treturn 1\n    return 2\n",
        ("error",),
        ("TabError", "line 3"),
        point="line 3",
    ),
    LearnerCase(
        "mistake",
        "a null byte in the file",
        "import torch\n\ndef identity_matrix(n):\x00\n    return 1\n",
        ("error",),
        ("null byte", "line 3"),
        point="line 3",
    ),
    LearnerCase(
        "mistake",
        "function missing",
        "import torch\n",
        ("failed",),
        ("has no `identity_matrix`",),
    ),
    LearnerCase(
        "mistake",
        "function renamed",
        "import torch\n\n\ndef identity(n):\n    return torch.ones(n, n)\n",
        ("failed",),
        ("has no `identity_matrix`", "Did you mean `identity`", "identity_matrix.py:4"),
        point="Did you mean",
    ),
    LearnerCase(
        "mistake",
        "wrong signature",
        "import torch\n\n\ndef identity_matrix():\n    return torch.ones(2, 2)\n",
        ("failed",),
        ("could not be called", "identity_matrix()", "identity_matrix.py:4"),
        point="Your definition",
    ),
    LearnerCase(
        "mistake",
        "imports a module that does not exist",
        "import torch\nimport torchh\n",
        ("error",),
        ("No module named 'torchh'", "line 2"),
        point="line 2",
    ),
    LearnerCase(
        "mistake",
        "NameError in the function",
        "def identity_matrix(n):\n    return torch.ones(n, n)\n",
        ("error",),
        ("NameError", "line 2"),
        point="line 2",
    ),
    LearnerCase(
        "mistake",
        "runaway recursion",
        "def identity_matrix(n):\n    return identity_matrix(n)\n",
        ("error",),
        ("RecursionError", "repeated"),
        point="in identity_matrix",
    ),
    LearnerCase(
        "mistake",
        "raises an exception whose __str__ fails",
        "class Odd(Exception):\n    def __str__(self):\n        raise RuntimeError\n\ndef identity_matrix(n):\n    raise Odd()\n",
        ("error",),
        ("could not be shown", "line 6"),
        point="line 6",
    ),
    LearnerCase(
        "mistake",
        "right answer saved with a UTF-8 byte-order mark",
        "\ufeff" + RIGHT,
        ("passed",),
    ),
    # ---- output ------------------------------------------------------------------------
    LearnerCase(
        "output",
        "prints 100 MB in lines",
        "import torch\nfor _ in range(100):\n    print('x' * 1_000_000)\n" + WRONG_BODY,
        ("failed",),
        ("differs",),
    ),
    LearnerCase(
        "output",
        "prints 100 MB without a newline",
        "import sys, torch\nfor _ in range(100_000):\n    sys.stdout.write('y' * 1000)\n" + WRONG_BODY,
        ("failed",),
        ("differs",),
    ),
    LearnerCase(
        "output",
        "writes 100 MB straight to file descriptors 1 and 2",
        "import os, torch\nfor _ in range(50):\n    os.write(1, b'z' * 1_000_000)\n    os.write(2, b'z' * 1_000_000)\n" + WRONG_BODY,
        ("failed",),
        ("differs",),
    ),
    LearnerCase(
        "output",
        "raises an exception with a 100 MB message",
        "def identity_matrix(n):\n    raise ValueError('x' * 100_000_000)\n",
        ("error",),
        ("characters cut",),
    ),
    LearnerCase(
        "output",
        "prints terminal escape sequences and raises with one",
        "print('\\x1b[2J\\x1b[H\\x1b]0;owned\\x07\\x1bc')\nraise ValueError('\\x1b[?1049h')\n",
        ("error",),
        ("\\x1b[?1049h",),
    ),
    # ---- starts processes and threads -------------------------------------------------
    LearnerCase(
        "processes",
        "starts a child process (sleep) and returns",
        _code("""
            import os, subprocess
            child = subprocess.Popen(["sleep", "300"])
            open("@PIDS@", "w").write(f"{os.getpid()} {child.pid}")
        """) + RIGHT,
        ("passed",),
    ),
    LearnerCase(
        "processes",
        "starts a child in a new session (escapes the process group)",
        _code("""
            import os, subprocess
            child = subprocess.Popen(["sleep", "300"], start_new_session=True)
            open("@PIDS@", "w").write(f"{os.getpid()} {child.pid}")
        """) + RIGHT,
        ("passed",),
    ),
    LearnerCase(
        "processes",
        "daemonises a grandchild with a double fork",
        _code("""
            import os, time
            me = os.getpid()
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    open("@PIDS@", "w").write(f"{me} {os.getpid()}")
                    time.sleep(300)
                os._exit(0)
            while not os.path.exists("@PIDS@") or not open("@PIDS@").read():
                time.sleep(0.01)
        """) + RIGHT,
        ("passed",),
    ),
    LearnerCase(
        "processes",
        "starts a thread that never ends",
        _code("""
            import os, threading, time
            open("@PIDS@", "w").write(str(os.getpid()))
            threading.Thread(target=lambda: time.sleep(300)).start()
        """) + RIGHT,
        ("passed",),
    ),
]


# ---- the report --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    area: str
    case: str
    expected: str
    got: str
    as_expected: bool = True
    hang: bool = False
    false_pass: bool = False
    lost: bool = False
    skipped: str = ""  # why the case could not be tried here

    @property
    def known_issue(self) -> bool:
        """Not as expected because of a bug recorded (as an xfail) for another part of mlkata."""
        return not self.as_expected and self.got.startswith(KNOWN_ISSUE)


KNOWN_ISSUE = "known issue"


LIMITS = """\
## What this does not cover

A check runs the learner's code in the same process as the check itself, so code set on
cheating can still subvert it: writing a made-up verdict straight into the result pipe,
reaching the harness's objects through `gc` or stack frames, rewriting the code of the
function that restores the snapshot, calling banned functions with torch's function
modes switched off, or mutating data tables inside mlkata's modules (the default
tolerances). These are deliberate attacks on a learning tool by its own user, not
mistakes; the cases above cover the ways learner code plausibly breaks or changes what
a check sees.

Learner code can also signal the check worker itself, its parent process
(`tests/test_worker_recovery.py`). Killing it costs time, not a verdict: the runner
starts a new worker and sends the check again; a check whose worker dies twice gets a
"crashed" verdict. Stopping it (`os.kill(os.getppid(), signal.SIGSTOP)`) is caught by a
watchdog in the runner: a worker silent for longer than its checks' time limit plus 5 s
is killed and the check gets a "timed out" verdict.

A process stuck in the kernel (uninterruptible I/O) can outlive the sweep that ends a
check's processes; it is retried after the next check.
"""


class Ledger:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Row] = {}

    def record(self, row: Row) -> None:
        self.rows[(row.area, row.case)] = row

    def figures(self) -> dict[str, int]:
        tried = [row for row in self.rows.values() if not row.skipped]
        return {
            "cases tried": len(tried),
            "hangs": sum(row.hang for row in tried),
            "false passes": sum(row.false_pass for row in tried),
            "lost files": sum(row.lost for row in tried),
            "verdicts not as expected": sum(not row.as_expected and not row.known_issue for row in tried),
            "known issues, marked xfail": sum(row.known_issue for row in tried),
            "cases skipped here": len(self.rows) - len(tried),
        }

    def markdown(self) -> str:
        lines = [
            "# Hardening: broken and hostile learner code",
            "",
            "Generated by `python -m tests.hardening_report` (the cases are in",
            "`tests/hardening_cases.py` and `tests/test_hardening.py`); do not edit by hand.",
            "Learner code is run through the real check worker, `mlkata run` or `mlkata watch`",
            "in a pseudo-terminal, in a fresh workspace, with short time and memory limits",
            "(1-5 s, 256 MB) so the suite stays fast. A hang is a case that got no verdict, a",
            "false pass is code that should fail but passed, a lost file is learner work or",
            "progress that did not survive.",
            "",
            "| figure | count |",
            "|---|---:|",
            *(f"| {name} | {count} |" for name, count in self.figures().items()),
            "",
            "## Cases",
            "",
            "| area | case | expected | verdict |",
            "|---|---|---|---|",
        ]
        for row in sorted(self.rows.values(), key=lambda r: (r.area, r.case)):
            got = f"skipped: {row.skipped}" if row.skipped else row.got
            flags = [name for name, on in (("HANG", row.hang), ("FALSE PASS", row.false_pass), ("LOST", row.lost)) if on]
            if not row.as_expected and not row.skipped and not row.known_issue:
                flags.append("NOT AS EXPECTED")
            mark = f" **{', '.join(flags)}**" if flags else ""
            lines.append(f"| {_cell(row.area)} | {_cell(row.case)} | {_cell(row.expected)} | {_cell(_short(got))}{mark} |")
        return "\n".join(lines) + "\n\n" + LIMITS

    def write(self, path: Path = REPORT_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.markdown(), encoding="utf-8")


def _short(text: str, limit: int = 200) -> str:
    """At most `limit` characters, keeping both ends (a cut message says so at its end)."""
    return text if len(text) <= limit else f"{text[: limit * 2 // 3]} … {text[-(limit // 3):]}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


LEDGER = Ledger()
