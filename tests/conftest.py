import hashlib
from pathlib import Path

import pytest

from mlkata.client import WorkerClient

REPOSITORY = Path(__file__).resolve().parent.parent
# Files the project writes by explicit commands only (`python -m tests.hardening_report`,
# `python benchmarks/feedback.py --write-readme`): a test run must leave them as they were.
GENERATED = ("README.md", "docs")


@pytest.fixture(scope="session")
def worker():
    """One warm check worker for the whole session: checks run the way `watch` runs them."""
    with WorkerClient(parallel=2) as client:
        client.wait_ready()
        yield client


def _fingerprint() -> dict[str, str]:
    files = []
    for name in GENERATED:
        path = REPOSITORY / name
        files += sorted(path.rglob("*")) if path.is_dir() else [path]
    return {str(file.relative_to(REPOSITORY)): hashlib.sha256(file.read_bytes()).hexdigest() for file in files if file.is_file()}


def pytest_sessionstart(session):
    session.config._mlkata_generated = _fingerprint()


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_mlkata_generated", None)
    if before is None:
        return
    changed = sorted(name for name, digest in _fingerprint().items() if before.get(name) != digest)
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = f"the test run rewrote files only explicit commands may write: {', '.join(changed)}"
        if reporter is not None:
            reporter.write_line(f"ERROR: {message}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
