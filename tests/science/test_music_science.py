"""Issue 19, counted over seeds 0-9 at the guided demo's settings ("A network learns Bach") trained 15 epochs
instead of its 10: trained networks predict the test chorales better than the strongest counted note n-gram in most
seeds, and the share of their written notes that fall in the key rises from untrained to trained in every seed
(those out of it at least halved).

The demo stops at 10 epochs to conclude within 15 s of the click, in the browser; by then every model has learned the
key (tests/science/test_demos_hold.py counts it), but none beats the 3-gram yet (LSTM 2.41-2.48 nats against 2.389
over seeds 0-9): the demo's conclusion says so. Two seeds train at once, each in its own thread, as the app trains
them; the per-seed figures go to the log."""

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

from seqlab import demos
from seqlab.analysis import demo_checks

SEEDS = range(10)
NETWORKS = ("RNN", "LSTM", "GRU")
MOST = 8  # of 10 seeds: each network beats the n-gram's test cross-entropy at least this often
EPOCHS = 15


@pytest.fixture(scope="module")
def seed_runs() -> list[demo_checks.SeedRun]:
    runs = [r.replace(train=dataclasses.replace(r.train, epochs=EPOCHS)) for r in demos.BY_KEY["bach"].runs]
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda seed: demo_checks.run_seed(runs, seed), SEEDS))


def cross_entropies(run: demo_checks.SeedRun) -> tuple[dict[str, float], str, float]:
    table = run.report.table
    models = table[table["kind"] == "model"]
    counted = table.attrs["strongest"]
    bar = float(table.loc[table["label"] == counted, "cross_entropy"].iloc[0])
    return dict(zip(models["label"], models["cross_entropy"], strict=True)), counted, bar


@pytest.mark.slow
def test_trained_networks_beat_the_counted_n_gram_in_most_seeds(seed_runs):
    wins = dict.fromkeys(NETWORKS, 0)
    for run in seed_runs:
        nets, counted, bar = cross_entropies(run)
        print(f"seed {run.seed}: {counted} {bar:.3f}; " + ", ".join(f"{k} {v:.3f}" for k, v in nets.items())
              + f" ({run.cpu_seconds:.1f} s of CPU)")
        for label in NETWORKS:
            wins[label] += nets[label] < bar
    assert counted.startswith("note ") and counted.endswith("-gram")  # the practitioner's baseline, on the same notes
    assert all(count >= MOST for count in wins.values()), wins


@pytest.mark.slow
def test_the_share_of_notes_in_the_key_rises_with_training_in_every_seed(seed_runs):
    learned = []
    for run in seed_runs:
        shares = demo_checks.in_key_by_label(run.report)
        print(f"seed {run.seed}: " + ", ".join(f"{k} {a:.0%} -> {b:.0%}" for k, (a, b, _) in shares.items()))
        assert set(shares) == {"RNN", "LSTM", "GRU"}
        assert all(after > before for before, after, _ in shares.values())
        learned += [demo_checks.learned_key(before, after) for before, after, _ in shares.values()]
    assert sum(learned) >= len(learned) - 1  # notes out of the key at least halved: every model, nearly every seed
