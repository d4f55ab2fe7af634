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
