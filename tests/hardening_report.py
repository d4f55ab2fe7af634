"""Write docs/hardening.md, and the README's count of hostile cases, from a full run of
tests/test_hardening.py. The test suite itself never writes either.

    .venv/bin/python -m tests.hardening_report

Every case of the file must run (the report lists them all); the exit code is pytest's,
and the files are written only when every case was collected and run.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.hardening_cases import LEDGER, REPORT_PATH

REPOSITORY = Path(__file__).resolve().parent.parent
README = REPOSITORY / "README.md"
README_COUNT = re.compile(r"\(\d+ cases; \d+ hangs?, \d+ false pass(?:es)?, \d+ lost files?\)")


def readme_count(figures: dict[str, int]) -> str:
    return (f"({figures['cases tried']} cases; {figures['hangs']} hangs, "
            f"{figures['false passes']} false passes, {figures['lost files']} lost files)")


def update_readme(text: str, figures: dict[str, int]) -> str:
    if not README_COUNT.search(text):
        raise LookupError("the README has no '(N cases; N hangs, N false passes, N lost files)' to update")
    return README_COUNT.sub(readme_count(figures), text, count=1)


class _Outcome:
    """Counts what pytest collected and what finished, to tell a full run from a partial one."""

    def __init__(self) -> None:
        self.collected = 0
        self.finished = 0

    def pytest_collection_modifyitems(self, items) -> None:
        self.collected = len(items)

    def pytest_runtest_logfinish(self, nodeid, location) -> None:
        self.finished += 1


def main(argv: list[str] | None = None) -> int:
    outcome = _Outcome()
    code = pytest.main(["-q", "-p", "no:cacheprovider", str(REPOSITORY / "tests" / "test_hardening.py"), *(argv or [])],
                       plugins=[outcome])
    if argv or not LEDGER.rows or outcome.finished < outcome.collected or code not in (0, 1):
        print("hardening report: not written (the run was partial or did not finish)", file=sys.stderr)
        return code or 1
    LEDGER.write(REPORT_PATH)
    README.write_text(update_readme(README.read_text(encoding="utf-8"), LEDGER.figures()), encoding="utf-8")
    print(f"hardening report: wrote {REPORT_PATH.relative_to(REPOSITORY)} and the README's count {readme_count(LEDGER.figures())}")
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
