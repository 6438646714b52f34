"""The performance record in one command: every benchmark, each figure a ratio measured side by side, one table.

Each benchmark runs as its own process with its own command line (`--json` for its figures), so each
measurement has one source of truth, its script, and no benchmark inherits another's threads or
memory. Their own tables scroll by as they run; the summary comes last:

- bench_train.py: seqlab's training step against a plain PyTorch loop (sine, adding, char, stacked, and CO2
  and MSFT with each forecasting transform against the bare network; RNN, LSTM, GRU), one torch thread as the
  app trains;
- bench_live.py: the Lab page (AppTest) against headless training of the same comparison;
- bench_diagnostics.py: training with the gradient-through-time recording against without, one thread;
- bench_darts.py: Darts' RNNModel against seqlab per epoch, run by the Python of benchmarks/.darts-venv
  (made by `bash benchmarks/darts_env.sh`); without it, a row says how to make it;
- bench_cold_start.py: `streamlit run` to the Lab's first chart in Chromium against a bare torch page;
- bench_resources.py: the pre-flight estimate against measured peaks, and the check's cost against a Lab run.
- bench_parallel.py: a 3-architecture comparison in worker threads against its runs one after another, and 3
  seeds × 3 architectures against 1 seed, at 1 and 2 cores (wider machines extrapolated).

    .venv/bin/python benchmarks/run_all.py [--quick] [--only NAME ...] [--markdown PATH] [--json PATH]
        [--results DIR] [--darts-python PATH]

`--quick` runs every benchmark tiny (a smoke test: its figures mean nothing). Run the record itself on an
otherwise idle machine. The exit code is 1 when a benchmark failed to run, 0 otherwise (missed targets
are figures, not failures).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DARTS_PYTHON = HERE / ".darts-venv" / "bin" / "python"
ARCH_LABELS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU", "tcn": "TCN", "transformer": "Transformer"}


@dataclass(frozen=True)
class Row:
    benchmark: str  # the script and what part of it: "bench_train sine/LSTM"
    compared: str  # the two things timed, as "measured / reference"
    ratio: float | None  # None when the benchmark did not run
    target: str  # "≤ 1.05" or "≥ 1.5"
    met: bool | None  # None when there is no figure
    failed: bool = False  # the benchmark's process did not finish

    def cells(self) -> list[str]:
        ratio = "-" if self.ratio is None else f"{self.ratio:.3f}"
        met = {True: "yes", False: "no", None: "n/a"}[self.met]
        return [self.benchmark, self.compared, ratio, self.target, met]


def train_rows(rows: list[dict]) -> list[Row]:
    return [Row(f"bench_train {r['config']}/{ARCH_LABELS[r['arch']]}", "seqlab step / plain PyTorch loop step",
                r["ratio"], "≤ 1.05", r["ok"]) for r in rows]


def live_rows(row: dict) -> list[Row]:
    return [Row(f"bench_live sine, 3 archs, {row['epochs']} epochs", "Lab page run / headless run",
                row["ratio"], "≤ 1.10", row["ratio"] <= 1.10)]


def diagnostics_rows(rows: list[dict]) -> list[Row]:
    return [Row(f"bench_diagnostics {r['config']}/{ARCH_LABELS[r['arch']]}",
                "epoch with gradient recording / without", r["ratio"], "≤ 1.10", r["ok"]) for r in rows]


def darts_rows(result: dict) -> list[Row]:
    if result["darts_version"] is None:  # run by a Python without Darts: seqlab's side only
        return [darts_missing(f"{result.get('python', 'its Python')} has no Darts")]
    return [Row(f"bench_darts {ARCH_LABELS[r['arch']]} (Darts {result['darts_version']})",
                "Darts RNNModel s/epoch / seqlab s/epoch", r["speedup"], "≥ 1.5", r["ok"])
            for r in result["rows"]]


def darts_missing(why: str) -> Row:
    return Row(f"bench_darts: not run ({why})", "create its env: bash benchmarks/darts_env.sh", None, "≥ 1.5", None)


def cold_start_rows(row: dict) -> list[Row]:
    return [Row(f"bench_cold_start {row['url_path']}", "app start to first chart / bare torch page's",
                row["ratio"], "≤ 1.3", row["ok"])]


def resources_rows(result: dict) -> list[Row]:
    cases, check = result["cases"], result["check"]
    worst = max(cases, key=lambda r: abs(r["ratio"] - 2.5))
    return [Row(f"bench_resources pre-flight check ({len(cases)} cases)", "estimated peak / measured peak, worst",
                worst["ratio"], "1 to 4", all(r["ok"] for r in cases)),
            Row("bench_resources pre-flight check", "check's time / default Lab run's", check["ratio"], "< 0.01",
                check["ok"])]


def parallel_rows(result: dict) -> list[Row]:
    rows = []
    if "parallel_vs_serial" in result:
        rows.append(Row("bench_parallel 3 archs, 2 cores", "comparison in threads / runs one after another",
                        result["parallel_vs_serial"], f"≤ {result['target']}", result["ok"]))
        wider = ", ".join(f"{c} cores {v:.2f}" for c, v in result["extrapolated_seeds_vs_one"].items())
        rows.append(Row(f"bench_parallel 3 seeds x 3 archs, 2 cores (extrapolated: {wider or 'n/a'})",
                        "3 seeds / 1 seed, both in threads", result["seeds_vs_one"], "reported", None))
    return rows


@dataclass(frozen=True)
class Benchmark:
    name: str  # for --only
    script: str
    full: tuple[str, ...]  # arguments of the real record
    quick: tuple[str, ...]  # arguments of a smoke run
    rows: Callable[[object], list[Row]]  # the benchmark's JSON -> rows of the table


BENCHMARKS = (
    Benchmark("train", "bench_train.py", ("--threads", "1"), ("--quick", "--threads", "1"), train_rows),
    Benchmark("live", "bench_live.py", (), ("--quick", "--repeats", "1"), live_rows),
    Benchmark("diagnostics", "bench_diagnostics.py", ("--threads", "1"),
              ("--quick", "--threads", "1", "--probe-size", "8"), diagnostics_rows),
    Benchmark("darts", "bench_darts.py", (), ("--quick",), darts_rows),
    Benchmark("cold_start", "bench_cold_start.py", (), ("--quick",), cold_start_rows),
    Benchmark("resources", "bench_resources.py", (), ("--quick",), resources_rows),
    Benchmark("parallel", "bench_parallel.py", (), ("--quick",), parallel_rows),
)


def run_benchmark(bench: Benchmark, python: str, quick: bool, results: Path) -> list[Row]:
    """Run one benchmark script as a process and read its rows; a failure becomes a row that says so."""
    out = results / f"{Path(bench.script).stem}.json"
    command = [python, str(HERE / bench.script), *(bench.quick if quick else bench.full), "--json", str(out)]
    print(f"\n=== {' '.join(command)}", flush=True)
    code = subprocess.call(command, cwd=HERE.parent)
    if code != 0 or not out.exists():
        return [Row(f"{Path(bench.script).stem}: FAILED (exit code {code})", "see its output above", None, "-", None,
                    failed=True)]
    result = json.loads(out.read_text())
    if bench.name == "darts":
        result["python"] = python
    return bench.rows(result)


def record(names: list[str], quick: bool, results: Path, darts_python: Path) -> list[Row]:
    rows = []
    for bench in BENCHMARKS:
        if bench.name not in names:
            continue
        python = sys.executable
        if bench.name == "darts":
            if not darts_python.exists():
                rows.append(darts_missing(f"no {darts_python}"))
                continue
            python = str(darts_python)
        rows.extend(run_benchmark(bench, python, quick, results))
    return rows


COLUMNS = ["benchmark", "compared (measured / reference)", "ratio", "target", "met"]


def text_table(rows: list[Row]) -> str:
    cells = [COLUMNS, *(r.cells() for r in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def machine_line(quick: bool) -> str:
    import torch

    kind = "QUICK smoke run, figures meaningless" if quick else "full run"
    return (f"{dt.date.today().isoformat()}, Python {platform.python_version()}, torch {torch.__version__}, "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end; {kind}")


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = [b.name for b in BENCHMARKS]
    p.add_argument("--quick", action="store_true", help="every benchmark tiny: a smoke test of the whole record")
    p.add_argument("--only", nargs="+", choices=names, default=names, help="run only these benchmarks")
    p.add_argument("--markdown", type=Path, help="also write the table as Markdown here (for the README)")
    p.add_argument("--json", type=Path, help="also write the table's rows as JSON here")
    p.add_argument("--results", type=Path, help="keep each benchmark's own JSON in this folder")
    p.add_argument("--darts-python", type=Path, default=DARTS_PYTHON, help="the Python that has Darts")
    a = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="seqlab-bench-") as tmp:
        results = a.results or Path(tmp)
        results.mkdir(parents=True, exist_ok=True)
        rows = record(a.only, a.quick, results, a.darts_python)
    about = machine_line(a.quick)
    print(f"\nPerformance record: {about}\n{text_table(rows)}")
    if a.markdown:
        a.markdown.write_text(f"{markdown_table(rows)}\n\n{about}\n")
    table = [asdict(r) for r in rows]
    if a.json:
        a.json.write_text(json.dumps(table, indent=2))
    if any(r.failed for r in rows):
        sys.exit(1)
    return table


if __name__ == "__main__":
    main()
