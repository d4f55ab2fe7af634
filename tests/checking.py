"""Test helpers: run one learner source through the real worker."""

from __future__ import annotations

import queue
from pathlib import Path

from mlkata.curriculum import Exercise
from mlkata.protocol import CheckResult
from mlkata.client import WorkerClient
from mlkata.requests import build_request

RESULT_TIMEOUT_S = 120


def check_source(worker: WorkerClient, exercise: Exercise, source: str, folder: Path) -> CheckResult:
    """Write `source` as the learner's file for `exercise` and check it."""
    file = folder / exercise.relative_path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(source, encoding="utf-8")
    return check_file(worker, exercise, file, str(exercise.relative_path))


def check_file(worker: WorkerClient, exercise: Exercise, file: Path, display: str) -> CheckResult:
    request = build_request(exercise, file, display)
    if isinstance(request, CheckResult):
        return request
    check_id = worker.submit(request)
    held = []
    try:
        while True:
            message = worker.messages.get(timeout=RESULT_TIMEOUT_S)
            if message.get("type") == "result" and message["id"] == check_id:
                return CheckResult.from_json(message["result"])
            held.append(message)
    except queue.Empty:
        raise AssertionError(f"no verdict for {exercise.name} within {RESULT_TIMEOUT_S} s") from None
    finally:
        for message in held:
            worker.messages.put(message)


def explanation(result: CheckResult) -> str:
    """Everything a learner would read about a verdict, as one string."""
    return "\n".join([result.headline, *result.details, result.trace])
