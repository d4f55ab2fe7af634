"""How long the simplest failing case takes to follow a failure's verdict, per exercise.

    python benchmarks/simplest.py [--section 00_tensors --section ...] [--json PATH]

Every known mistake (mistakes.toml) that fails is checked on one warm worker, one at a
time as watch mode checks them; for each, the time from the verdict reaching the client
to the simplest case reaching it, and whether a simpler case was found. A verdict is on
screen when it arrives: the simplest case is what follows. Prints one row per exercise:
mistakes that looked for a case, cases found, median and largest delay.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(REPOSITORY))

from mlkata.client import WorkerClient  # noqa: E402
from mlkata.curriculum import load_curriculum  # noqa: E402
from mlkata.mistakes import load_mistakes  # noqa: E402
from mlkata.protocol import CheckResult, Status  # noqa: E402
from mlkata.requests import build_request  # noqa: E402

DEFAULT_SECTIONS = ("00_tensors", "01_raytracing", "02_cnn")  # W0D1-W1D2, the target
TIMEOUT_S = 60.0


def measure(sections: tuple[str, ...]) -> list[dict]:
    curriculum = load_curriculum()
    rows = []
    with tempfile.TemporaryDirectory(prefix="mlkata-simplest-") as scratch, WorkerClient(parallel=1) as worker:
        worker.wait_ready()
        for exercise in curriculum.exercises:
            if exercise.section not in sections:
                continue
            delays, found, sought = [], 0, 0
            for number, mistake in enumerate(load_mistakes(exercise)):
                if mistake.status is not Status.FAILED:
                    continue
                file = Path(scratch) / exercise.name / str(number) / exercise.relative_path
                file.parent.mkdir(parents=True, exist_ok=True)
                file.write_text(mistake.source)
                check_id = worker.submit(build_request(exercise, file, exercise.relative_path.as_posix()))
                verdict_at = None
                while True:
                    message = worker.messages.get(timeout=TIMEOUT_S)
                    if message.get("id") != check_id:
                        continue
                    if message["type"] == "result":
                        verdict_at = time.monotonic()
                        if not CheckResult.from_json(message["result"]).seeking_simplest:
                            break
                    elif message["type"] == "detail":
                        sought += 1
                        delays.append((time.monotonic() - verdict_at) * 1000)
                        found += message.get("simplest") is not None
                        break
            rows.append({
                "exercise": exercise.name,
                "sought": sought,
                "found": found,
                "median_ms": statistics.median(delays) if delays else None,
                "max_ms": max(delays) if delays else None,
            })
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/simplest.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--section", action="append", help="a section to measure (repeatable; default 00-02)")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    options = parser.parse_args(argv)
    rows = measure(tuple(options.section or DEFAULT_SECTIONS))
    print(f"{'exercise':<28} {'sought':>6} {'found':>6} {'median ms':>10} {'max ms':>8}")
    for row in rows:
        median = "-" if row["median_ms"] is None else f"{row['median_ms']:.0f}"
        largest = "-" if row["max_ms"] is None else f"{row['max_ms']:.0f}"
        print(f"{row['exercise']:<28} {row['sought']:>6} {row['found']:>6} {median:>10} {largest:>8}")
    delays = [row["max_ms"] for row in rows if row["max_ms"] is not None]
    if delays:
        print(f"largest delay over every exercise: {max(delays):.0f} ms (target: within 1000 ms)")
    if options.json:
        options.json.write_text(json.dumps(rows, indent=2))
    return 0 if not delays or max(delays) <= 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
