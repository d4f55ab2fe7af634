"""The README's performance section, written from a benchmark run by an explicit option:

    python benchmarks/feedback.py --write-readme

Only the text between the two markers below is replaced; the rest of the README is
left as it is. Running the test suite never writes it.
"""

from __future__ import annotations

import re
from pathlib import Path

from benchmarks.figures import Figure

BEGIN = "<!-- performance figures: written by `python benchmarks/feedback.py --write-readme` -->"
END = "<!-- end of performance figures -->"
README = Path(__file__).resolve().parent.parent / "README.md"


def _find(figures: list[Figure], name: str) -> Figure | None:
    return next((f for f in figures if f.name == name), None)


def _ms(figure: Figure | None) -> str:
    return "n/a" if figure is None or figure.value is None else f"{figure.value:.0f} ms"


def _s(figure: Figure | None) -> str:
    return "n/a" if figure is None or figure.value is None else f"{figure.value:.2f} s"


def block(figures: list[Figure], cpus: int, load: tuple[float, float], quick: bool) -> str:
    """The markdown between the markers: how it was measured, the table, where the time goes."""
    median = _find(figures, "save → verdict on screen, median")
    p95 = _find(figures, "save → verdict on screen, p95")
    first = _find(figures, "first verdict after `mlkata watch` starts")
    commands = [_find(figures, f"mlkata {name}") for name in ("--help", "list", "hint")]
    verify = _find(figures, "mlkata verify, every reference solution")
    cpu = _find(figures, "idle watch, CPU (watch + worker)")
    memory = _find(figures, "idle watch, resident memory")
    noticed = _find(figures, "of which: save noticed (watchfiles)")
    in_child = _find(figures, "within it: check process, fork → verdict")
    saves = len(median.samples) if median is not None else 0

    def cold(figure: Figure | None) -> str:
        if figure is None or figure.baseline is None:
            return "—"
        ratio = f" ({figure.ratio:.0f}× slower)" if figure.ratio else ""
        return f"{figure.baseline:.0f} ms{ratio}"

    verify_note = ""
    if verify is not None and verify.extra.get("total"):
        verify_note = f" ({verify.extra['passed']}/{verify.extra['total']} pass)"
    idle = "n/a"
    if cpu is not None and cpu.value is not None and memory is not None and memory.value is not None:
        idle = (f"{cpu.value:.1f} %; {memory.value:.0f} MB (UI {memory.extra.get('ui') or 0:.0f} MB + "
                f"worker {memory.extra.get('worker') or 0:.0f} MB)")
    rows = [
        "| figure | target | measured | cold pytest |",
        "|---|---|---|---|",
        f"| save → verdict on screen in `mlkata watch`, median ({saves} saves, in place and by rename) | "
        f"{median.target if median else '—'} | **{_ms(median)}** | {cold(median)} |",
        f"| same, 95th percentile | {p95.target if p95 else '—'} | **{_ms(p95)}** | {cold(p95)} |",
        f"| first verdict after `mlkata watch` starts | {first.target if first else '—'} | **{_s(first)}** | — |",
        f"| `mlkata --help` / `list` / `hint` (torch not imported) | ≤ 200 ms | "
        + " / ".join(_ms(c) for c in commands) + " | — |",
        f"| `mlkata verify` over every reference solution | {verify.target if verify else '—'} | **{_s(verify)}**{verify_note} | — |",
        f"| idle `mlkata watch`: CPU; resident memory | ~0 % | {idle} | — |",
    ]
    kind = "`--quick` run" if quick else "run"
    intro = (f"Figures from one {kind} of `python benchmarks/feedback.py` on a {cpus}-core CPU machine "
             f"(load average {load[0]:.1f} → {load[1]:.1f}; the machine is shared, so every figure moves with it), "
             "side by side with the usual design, a fresh `python -m pytest` per check:")
    parts = [intro, "", *rows]
    if median is not None and median.value is not None and noticed is not None and in_child is not None \
            and noticed.value is not None and in_child.value is not None:
        parts += ["", f"Of the {median.value:.0f} ms, about {noticed.value:.0f} ms is the file watcher noticing the "
                      f"save and about {in_child.value:.0f} ms the check process itself; the rest is the trip to the "
                      "worker and back, recording progress and drawing."]
    return "\n".join(parts)


def replace_block(text: str, new_block: str) -> str:
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise LookupError("the README has no performance-figures markers to write between")
    return pattern.sub(lambda _: f"{BEGIN}\n{new_block}\n{END}", text, count=1)


def write(figures: list[Figure], cpus: int, load: tuple[float, float], quick: bool, path: Path = README) -> None:
    path.write_text(replace_block(path.read_text(encoding="utf-8"), block(figures, cpus, load, quick)), encoding="utf-8")
