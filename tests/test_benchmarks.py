"""The feedback benchmark's own pieces: statistics, saved versions, /proc readers, screen text."""

import ast
import os
import re

from benchmarks import proc
from benchmarks.figures import Figure, median, p95, percentile
from benchmarks.saves import SAVE_STYLES, failing_versions, with_token
from benchmarks.ptydriver import ANSI
from mlkata.curriculum import load_curriculum


def test_percentile_is_a_measured_value():
    values = [float(v) for v in range(1, 101)]
    assert p95(values) == 95.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert p95([]) is None and median([]) is None


def test_figure_judges_its_target_and_its_condition():
    assert Figure("f", 90, "ms", limit=100).met is True
    assert Figure("f", 110, "ms", limit=100).met is False
    assert Figure("f", 90, "ms", limit=100, condition_met=False).met is False
    assert Figure("f", None, "ms", limit=100).met is None
    assert Figure("f", 100, "ms", baseline=2500).ratio == 25


def test_token_is_printed_first_yet_after_docstring_and_future_imports():
    source = '"""Task."""\nfrom __future__ import annotations\nimport torch\n\n\ndef f():\n    raise ValueError\n'
    saved = with_token(source, "tok-1")
    body = ast.parse(saved).body
    assert isinstance(body[2], ast.Expr) and "tok-1" in ast.unparse(body[2])
    assert isinstance(body[1], ast.ImportFrom) and body[1].module == "__future__"


def test_every_save_style_leaves_exactly_the_text(tmp_path):
    target = tmp_path / "exercise.py"
    target.write_text("old")
    for style, save in SAVE_STYLES.items():
        save(target, f"new {style}")
        assert target.read_text() == f"new {style}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exercise.py"]


def test_failing_versions_are_two_different_sources():
    exercise = load_curriculum().exercises[0]
    first, second = failing_versions(exercise)
    assert first.source != second.source


def test_proc_readers_see_this_process():
    assert proc.cpu_seconds(os.getpid()) > 0
    assert proc.rss_mb(os.getpid()) > 1
    assert proc.parent_of(os.getpid()) == os.getppid()
    assert os.getpid() in proc.children(os.getppid())
    assert proc.wake_ups(os.getpid()) > 0
    assert proc.cpu_seconds(2**22 + 1) is None  # beyond pid_max: never a process


def test_screen_text_drops_colours_and_links():
    raw = "\x1b]8;id=1;file:///w/exercises/a/b.py\x1b\\\x1b[1;36mexercises/a/b.py\x1b[0m\x1b]8;;\x1b\\"
    assert ANSI.sub("", raw) == "exercises/a/b.py"
    assert re.search(r"exercises/a/b\.py", ANSI.sub("", raw))


def test_readme_figures_are_written_between_the_markers_only():
    from benchmarks import readme

    figures = [
        Figure("save → verdict on screen, median", 61.0, "ms", "≤ 100 ms", 100, baseline=2400.0, samples=[60.0, 62.0]),
        Figure("save → verdict on screen, p95", 90.0, "ms", "≤ 250 ms", 250),
        Figure("of which: save noticed (watchfiles)", 25.0, "ms"),
        Figure("within it: check process, fork → verdict", 30.0, "ms"),
    ]
    text = f"# mlkata\n\nbefore\n{readme.BEGIN}\nold figures\n{readme.END}\nafter\n"
    written = readme.replace_block(text, readme.block(figures, 2, (1.0, 1.2), quick=False))
    assert written.startswith("# mlkata\n\nbefore\n") and written.endswith(f"{readme.END}\nafter\n")
    assert "old figures" not in written
    assert "**61 ms**" in written and "2400 ms (39× slower)" in written and "(2 saves" in written
    assert "Of the 61 ms, about 25 ms" in written
    assert readme.BEGIN in readme.README.read_text() and readme.END in readme.README.read_text()


def test_the_hardening_report_updates_the_readme_count():
    from tests.hardening_report import README, README_COUNT, update_readme

    figures = {"cases tried": 90, "hangs": 0, "false passes": 0, "lost files": 1}
    assert "(90 cases; 0 hangs, 0 false passes, 0 lost files)" not in update_readme("x (85 cases; 0 hangs, 0 false passes, 0 lost files) y", figures)
    assert update_readme("x (85 cases; 0 hangs, 0 false passes, 0 lost files) y", figures) == "x (90 cases; 0 hangs, 0 false passes, 1 lost files) y"
    assert README_COUNT.search(README.read_text())
