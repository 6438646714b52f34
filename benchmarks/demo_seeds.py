"""Count the seeds for which each guided demo's story holds: seeds 0-9, data seed = weight seed, headless.

Per seed it prints the headline numbers, whether the demo's check (seqlab.analysis.demo_checks) held and the seconds
that seed took (its three architectures trained one after another, one torch thread), then the count. Settings
can be overridden to search for ones that hold; the demo's own settings are the default.

    .venv/bin/python benchmarks/demo_seeds.py [--demos forgetting memory ...] [--seeds 0 1 ...] [--workers 2]
        [--set model.forget_bias=1 data.n_samples=4000 ...]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from seqlab import demos  # noqa: E402
from seqlab.analysis import demo_checks  # noqa: E402
from seqlab.config import RunConfig  # noqa: E402
from seqlab.presets import comparison_runs  # noqa: E402


def override(template: RunConfig, settings: list[str]) -> RunConfig:
    """The template with `section.field=value` settings (values parsed as numbers where they can be)."""
    parts = {name: getattr(template, name) for name in ("data", "model", "train")}
    for setting in settings:
        path, text = setting.split("=", 1)
        section, name = path.split(".")
        value = None if text == "None" else _number(text)
        parts[section] = dataclasses.replace(parts[section], **{name: value})
    return template.replace(**parts)


def _number(text: str):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def numbers(run: demo_checks.SeedRun, prompt: str = "The ") -> str:
    """The figures the demo's check reads, for one seed: test scores, and the gradient at the first step or the
    share of real words written, where the demo records them."""
    table, report = run.report.table, run.report
    key = table.attrs["headline"]
    shown = ", ".join(f"{r.label} {getattr(r, key):.3g}" for r in table.dropna(subset=[key]).itertuples())
    if "grad_through_time" in report.history:
        decades = demo_checks.first_step_decades(report)[0]
        shown += "; first step " + ", ".join(f"{label} 10^{d:.1f}" for label, d in decades.items())
    if run.samples:
        words = demos.corpus_words(run.task)
        share = [(label, *(demo_checks.word_share(w[i][1][len(prompt):], words) for i in (0, -1)))
                 for label, w in run.samples.items()]
        shown += "; real words " + ", ".join(f"{label} {a:.0%} -> {b:.0%}" for label, a, b in share)
    return shown


def one_seed(key: str, settings: list[str], seed: int) -> tuple[int, bool, str, float, float]:
    torch.set_num_threads(1)
    demo = demos.BY_KEY[key]
    template = override(demo.template, settings)
    write = None
    if demo.writes:
        from seqlab.app.writing import live_sample  # the same sample the page shows after every epoch
        write = live_sample
    run = demo_checks.run_seed(comparison_runs(template), seed, write)
    words = demos.corpus_words(run.task) if demo.writes else set()
    return seed, demo.held(run.report, run.samples, words), numbers(run), run.seconds, run.cpu_seconds


def main(argv: list[str] | None = None) -> dict[str, int]:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--demos", nargs="+", default=[d.key for d in demos.DEMOS], choices=list(demos.BY_KEY))
    p.add_argument("--seeds", nargs="+", type=int, default=list(range(10)))
    p.add_argument("--workers", type=int, default=2, help="seeds trained at once, one torch thread each")
    p.add_argument("--set", nargs="*", default=[], metavar="SECTION.FIELD=VALUE")
    a = p.parse_args(argv)
    counts = {}
    for key in a.demos:
        print(f"{demos.BY_KEY[key].title} {' '.join(a.set)}", flush=True)
        started = time.perf_counter()
        with ProcessPoolExecutor(a.workers) as pool:
            results = list(pool.map(one_seed, [key] * len(a.seeds), [a.set] * len(a.seeds), a.seeds))
        for seed, held, shown, seconds, cpu in results:
            print(f"  seed {seed}: {'held  ' if held else 'FAILED'} {seconds:5.1f} s ({cpu:4.1f} s CPU)  {shown}",
                  flush=True)
        counts[key] = sum(r[1] for r in results)
        wall, cpu = sorted(r[3] for r in results), sorted(r[4] for r in results)
        print(f"  held for {counts[key]} of {len(a.seeds)} seeds; one seed: median {wall[len(wall) // 2]:.1f} s "
              f"({cpu[len(cpu) // 2]:.1f} s CPU), slowest {wall[-1]:.1f} s ({cpu[-1]:.1f} s CPU); "
              f"all seeds {time.perf_counter() - started:.0f} s", flush=True)
    return counts


if __name__ == "__main__":
    main()
