"""The benchmark's measurements turned into the rows of its one table, each with its target."""

from __future__ import annotations

from benchmarks.breakdown import WorkerTrips
from benchmarks.commands import ImportReport, VerifyOutcome
from benchmarks.figures import Figure, median, p95
from benchmarks.latency import Idle, SaveSamples, StartUp
from benchmarks.saves import SAVE_STYLES
from mlkata.client import default_parallelism

SAVE_MEDIAN_MS = 100
SAVE_P95_MS = 250
FIRST_VERDICT_S = 2.5
COMMAND_MS = 200
VERIFY_S = 10
IDLE_CPU_PERCENT = 1.0  # "about zero": an idle watch may wake a few times a second, no more


def command_rows(measured: dict) -> list[Figure]:
    floor_ms = [s * 1000 for s in measured["floor"].seconds]
    figures = []
    for label, (timed, imports) in measured["commands"].items():
        figures.append(Figure(
            label, median([s * 1000 for s in timed.seconds]), "ms", f"≤ {COMMAND_MS} ms, no torch", COMMAND_MS,
            note=_imports_note(imports, timed.failures),
            samples=[s * 1000 for s in timed.seconds],
            condition_met=None if imports.torch is None else not imports.torch,
            extra={"imports_torch": imports.torch, "heaviest_imports_ms": dict(imports.heaviest)},
        ))
    figures.append(Figure("python -c pass (the floor)", median(floor_ms), "ms", indent=1, samples=floor_ms,
                          note="interpreter start-up alone; high means a loaded machine"))
    return figures


def _imports_note(imports: ImportReport, failures: list[str]) -> str:
    if imports.torch is None:
        words = "could not tell whether torch is imported"
    elif imports.torch:
        words = "IMPORTS TORCH"
    else:
        words = "torch not imported"
    if imports.heaviest:
        words += "; import time by package: " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in imports.heaviest)
    if failures:
        words += f"; {len(failures)} runs failed: {failures[0]}"
    return words


def verify_rows(outcome: VerifyOutcome | None, worker_ready_s: float | None) -> list[Figure]:
    if outcome is None:
        return [Figure("mlkata verify, every reference solution", None, "s", f"≤ {VERIFY_S} s, all pass", VERIFY_S, note="not measured")]
    note = f"{outcome.passed}/{outcome.total} pass"
    if outcome.not_passing:
        note += f" (not: {', '.join(outcome.not_passing)})"
    if outcome.without_solution:
        note += f"; no reference solution for {', '.join(outcome.without_solution)}"
    if outcome.problem:
        note += f"; {outcome.problem}"
    figures = [Figure(
        "mlkata verify, every reference solution", outcome.seconds, "s", f"≤ {VERIFY_S} s, all pass", VERIFY_S,
        note=note, condition_met=outcome.total > 0 and outcome.passed == outcome.total,
        extra={"passed": outcome.passed, "total": outcome.total, "not_passing": list(outcome.not_passing),
               "exit_code": outcome.exit_code, "check_ms": outcome.check_ms},
    )]
    figures.append(Figure("of which: worker start → ready", worker_ready_s, "s", indent=1, note="measured alone"))
    if outcome.check_ms:
        slowest = sorted(outcome.check_ms.items(), key=lambda item: -item[1])[:3]
        figures.append(Figure(
            f"of which: checks, {default_parallelism()} at a time", sum(outcome.check_ms.values()) / 1000 / default_parallelism(), "s",
            indent=1, note="sum of check times / parallel; slowest: " + ", ".join(f"{n} {ms / 1000:.1f} s" for n, ms in slowest),
        ))
    return figures


def save_rows(saves: dict[str, SaveSamples], cold_ms: list[float], pieces: dict) -> list[Figure]:
    by_style = {style: [ms for s in saves.values() for ms in s.ms[style]] for style in SAVE_STYLES}
    every = [ms for values in by_style.values() for ms in values]
    missed = sum(s.missed for s in saves.values())
    missed_note = f"{missed} of {len(every) + missed} saves got no verdict in time" if missed else ""
    figures = [Figure(
        "save → verdict on screen, median", median(every), "ms", f"≤ {SAVE_MEDIAN_MS} ms", SAVE_MEDIAN_MS,
        baseline=median(cold_ms), samples=every, baseline_samples=cold_ms,
        note=f"{len(every)} saves; " + (missed_note or "every save answered"),
        extra={"missed": missed},
    )]
    for style, values in by_style.items():
        figures.append(Figure(f"saved {style}", median(values), "ms", indent=1, samples=values))
    if len(saves) > 1:
        for name, samples in saves.items():
            values = [ms for style in SAVE_STYLES for ms in samples.ms[style]]
            figures.append(Figure(f"on {name}", median(values), "ms", indent=1, samples=values))
    figures.extend(breakdown_rows(median(every), pieces))
    figures.append(Figure(
        "save → verdict on screen, p95", p95(every), "ms", f"≤ {SAVE_P95_MS} ms", SAVE_P95_MS,
        baseline=p95(cold_ms), note=f"max {max(every):.0f} ms" if every else missed_note,
    ))
    for style, values in by_style.items():
        figures.append(Figure(f"saved {style}", p95(values), "ms", indent=1))
    return figures


def breakdown_rows(total_ms: float | None, pieces: dict) -> list[Figure]:
    """The save → verdict median split into its parts, each measured alone (medians)."""
    trips = pieces["trips"]
    events = [ms for values in pieces["events"].values() for ms in values]
    event = median(events)
    trip = median(trips.round_trip_ms)
    saving = median(pieces["state_saves"])
    drawing = median(pieces["draws"])
    parts = (event, trip, saving, drawing)
    rest, rest_note = None, "by difference of medians"
    if total_ms is not None and all(part is not None for part in parts):
        rest = total_ms - sum(parts)
        if rest < 0:
            rest, rest_note = None, "≈ 0: the parts, measured alone, add up to more than the whole"
    return [
        Figure("of which: save noticed (watchfiles)", event, "ms", indent=1, samples=events,
               note="measured alone, same filter and step"),
        Figure("of which: worker trip, request → verdict", trip, "ms", indent=1, samples=trips.round_trip_ms,
               note=f"measured alone; {len(trips.failures)} failed" if trips.failures else "measured alone"),
        Figure("within it: check process, fork → verdict", median(trips.in_child_ms), "ms", indent=2, samples=trips.in_child_ms),
        Figure("of which: progress saved (fsync)", saving, "ms", indent=1, samples=pieces["state_saves"],
               note="before the verdict is drawn"),
        Figure("of which: screen drawn (rich)", drawing, "ms", indent=1, samples=pieces["draws"], note="header, progress, verdict"),
        Figure("of which: the rest (threads, queues, tty)", rest, "ms", indent=1, note=rest_note),
    ]


def startup_rows(startups: list[StartUp], trips: WorkerTrips) -> list[Figure]:
    verdicts = [s.first_verdict_s for s in startups if s.first_verdict_s is not None]
    screens = [s.first_screen_s for s in startups if s.first_screen_s is not None]
    failed = len(startups) - len(verdicts)
    return [
        Figure("first verdict after `mlkata watch` starts", median(verdicts), "s", f"≤ {FIRST_VERDICT_S} s", FIRST_VERDICT_S,
               samples=verdicts, note=f"{len(verdicts)} start-up{'' if len(verdicts) == 1 else 's'}" + (f"; {failed} showed no verdict" if failed else "")),
        Figure("of which: first screen drawn", median(screens), "s", indent=1, samples=screens, note="watch process start-up"),
        Figure("worker start → ready (torch imported)", trips.ready_s, "s", indent=1, note="measured alone"),
        Figure("then the first check (the stub)", trips.first_check_s, "s", indent=1, note="measured alone; sent before the worker is ready"),
    ]


def idle_rows(idle: Idle | None) -> list[Figure]:
    if idle is None:
        return [Figure("idle watch, CPU", None, "%", "~0 %", IDLE_CPU_PERCENT, note="not measured")]
    parts = [idle.ui_cpu_percent, idle.worker_cpu_percent]
    cpu = sum(p for p in parts if p is not None) if any(p is not None for p in parts) else None
    memory = [idle.ui_rss_mb, idle.worker_rss_mb]
    rss = sum(m for m in memory if m is not None) if any(m is not None for m in memory) else None

    def show(value, unit):
        if value is None:
            return "n/a"
        return f"{value:.1f} {unit}" if unit == "%" else f"{value:.0f}{unit}" if unit == "/s" else f"{value:.0f} {unit}"

    return [
        Figure("idle watch, CPU (watch + worker)", cpu, "%", f"~0 % (≤ {IDLE_CPU_PERCENT:g} %)", IDLE_CPU_PERCENT,
               note=f"watch {show(idle.ui_cpu_percent, '%')}, worker {show(idle.worker_cpu_percent, '%')} over {idle.seconds:.1f} s; "
                    f"wake-ups: watch {show(idle.ui_wake_ups_per_s, '/s')}, worker {show(idle.worker_wake_ups_per_s, '/s')}",
               extra={"ui": idle.ui_cpu_percent, "worker": idle.worker_cpu_percent,
                      "ui_wake_ups_per_s": idle.ui_wake_ups_per_s, "worker_wake_ups_per_s": idle.worker_wake_ups_per_s}),
        Figure("idle watch, resident memory", rss, "MB", "reported",
               note=f"watch {show(idle.ui_rss_mb, 'MB')} + worker {show(idle.worker_rss_mb, 'MB')}",
               extra={"ui": idle.ui_rss_mb, "worker": idle.worker_rss_mb}),
    ]
