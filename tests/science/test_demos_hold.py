"""Every guided demo tells a story that holds for at least 9 of the seeds 0-9, trained exactly as the demo is.

Two seeds train at once, each in its own thread with its own generators (torch releases the GIL), as the app
trains them; the per-seed table goes to the log so a failure shows which seeds broke and by how much.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest

from seqlab import demos
from seqlab.analysis import demo_checks

SEEDS = range(10)
MUST_HOLD = 9  # issue 13: a story told to a class holds for at least 9 seeds of 10


def _writer(demo: demos.Demo):
    if not demo.writes:
        return None
    from seqlab.app.writing import live_sample  # the sample the page writes after every epoch

    return live_sample


def _line(demo: demos.Demo, run: demo_checks.SeedRun, held: bool) -> str:
    table = run.report.table.dropna(subset=[run.report.table.attrs["headline"]])
    values = ", ".join(f"{r.label} {getattr(r, table.attrs['headline']):.3g}" for r in table.itertuples())
    return f"seed {run.seed}: {'held' if held else 'FAILED'} in {run.seconds:.1f} s; {values}"


@pytest.mark.slow
@pytest.mark.parametrize("demo", demos.DEMOS, ids=lambda d: d.key)
def test_the_demo_story_holds_for_nine_seeds_of_ten(demo):
    write = _writer(demo)
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda seed: demo_checks.run_seed(demo.runs, seed, write), SEEDS))
    words = demos.corpus_words(runs[0].task) if demo.writes else set()
    held = [demo.held(run.report, run.samples, words) for run in runs]
    print(f"\n{demo.title}:", *(_line(demo, run, h) for run, h in zip(runs, held, strict=True)), sep="\n  ")
    assert sum(held) >= MUST_HOLD, f"{demo.title}: the story held for {sum(held)} of {len(held)} seeds"
