"""A finished or stopped comparison, summarised once for every view: table, predictions, verdict, exports."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from seqlab.analysis import backtest, classification, criteria, evaluate, metrics
from seqlab.data.task import Task
from seqlab.export import history_csv, results_json

SCATTER_POINTS = 300  # test sequences drawn in a truth-against-prediction chart
FORECAST_STEPS = 50  # steps of the recursive (multi-step) forecast
MISTAKES_SHOWN = 12  # misclassified test sequences kept per run, the most confident first


@dataclass(frozen=True)
class Report:
    """What every results view reads; computed once when training ends, so redraws never retrain."""

    task_title: str
    history: pd.DataFrame  # the per-epoch records of every run
    table: pd.DataFrame  # results_table: one row per run and per baseline
    predictions: pd.DataFrame | None  # forecasts over time, or truth against prediction, or None
    predictions_kind: str  # "forecast", "scatter" or ""
    loss_baseline: tuple[float, str] | None  # (validation loss, name) of the baseline the loss chart draws: a table row
    verdict: str  # each model's level (solved, learned something, no better), the bars, the strongest baseline
    problems: tuple[str, ...]  # "RNN diverged: ..." for every run that did not finish normally
    history_csv: str
    results_json: str
    confusion: dict[str, pd.DataFrame] = field(default_factory=dict)  # classifiers: run -> (true, predicted, count)
    mistakes: dict[str, pd.DataFrame] = field(default_factory=dict)  # classifiers: run -> its misclassified tests
    summary: pd.DataFrame | None = None  # seed_summary: per architecture, mean and sd over seeds, levels counted
    shown_seeds: str = ""  # which seed's model the predictions show per architecture, when there are several
    loss_units: str = ""  # what the training loss is ("MSE of the scaled series"): the loss chart's units
    predicts: str = ""  # forecasts: what the network actually predicts (seqlab.data.transforms), for the chart
    window_errors: pd.DataFrame | None = None  # forecasts: each test origin's error per label (backtest.window_errors)
    horizon_errors: pd.DataFrame | None = None  # forecasts: test MSE at each step ahead (backtest.horizon_errors)
    metric_names: dict[str, str] = field(default_factory=lambda: dict(metrics.METRIC_NAMES))  # how the views say them


def truth_vs_predicted(runs, task: Task, n: int = SCATTER_POINTS) -> pd.DataFrame:
    """Tidy (label, truth, predicted) for the first `n` test sequences of a regression task without a series."""
    y = evaluate.to_units(task, task.y_test[:n, 0])
    frames = []
    for r in runs:
        predicted = evaluate.to_units(task, evaluate.predict(r.model, task.x_test[:n])[:, 0])
        frames.append(pd.DataFrame({"label": r.label, "truth": y, "predicted": predicted}))
    return pd.concat(frames, ignore_index=True)


def seeds_verdict(table: pd.DataFrame) -> str:
    """Over several seeds: how many seeds of each architecture reached each level, the mean of the headline metric
    with its spread, the bars, and a sentence when a baseline beats every architecture's mean."""
    key, name = table.attrs["headline"], table.attrs["baseline"]
    models, reference = table[table["kind"] == "model"], table.loc[table["label"] == name, key]
    if models.empty or reference.empty:
        return ""
    shown, bar = metrics.METRIC_NAMES.get(key, key), float(reference.iloc[0])
    levels = {label: list(runs["level"].fillna(criteria.NO_BETTER)) for label, runs in models.groupby("label",
                                                                                                       sort=False)}
    summary = evaluate.seed_summary(table)
    means = "; ".join(f"{r['label']} {r[key]:.3g} ± {r[key + ' sd']:.2g}" if r["seeds"] > 1 else
                      f"{r['label']} {r[key]:.3g}" for _, r in summary.iterrows())
    text = f"On test {shown}, over seeds: {criteria.seeds_sentence(levels)} Mean ± sd: {means} ({name} {bar:.3g})."
    return text + _bars(table, key, shown, bar) + _stronger_baseline(_judged(table), key, name) + _notes(table)


def verdict(table: pd.DataFrame) -> str:
    """Each trained model's level on the headline metric (seqlab.analysis.criteria), the bars in numbers, and a sentence
    when a simple baseline does better than every model."""
    key, name = table.attrs["headline"], table.attrs["baseline"]
    models = table[table["kind"] == "model"]
    if models["label"].duplicated().any():  # several seeds of one architecture: count them
        return seeds_verdict(table)
    reference = table.loc[table["label"] == name, key]
    if models.empty or reference.empty:
        return ""
    bar, shown = float(reference.iloc[0]), metrics.METRIC_NAMES.get(key, key)
    levels = models["level"].fillna(criteria.NO_BETTER) if "level" in models else \
        pd.Series(criteria.NO_BETTER, index=models.index)
    said = {criteria.SOLVED: "solved the task", criteria.LEARNED: "learned something but did not solve it"}
    parts = []
    for level in criteria.LEVELS:
        rows = models[levels == level]
        if rows.empty:
            continue
        values = f"{getattr(rows.iloc[0], key):.3g}" if len(rows) == 1 else ", ".join(
            f"{r.label} {getattr(r, key):.3g}" for r in rows.itertuples())
        if level == criteria.NO_BETTER:
            done, values = f"{'is' if len(rows) == 1 else 'are'} no better than {name}", f"{values} against {bar:.3g}"
        else:
            done = said[level]
        parts.append(f"{_names(rows)} {done} ({values})")
    text = f"Levels on test {shown}: " + "; ".join(parts) + "."
    return text + _bars(table, key, shown, bar) + _stronger_baseline(table, key, name) + _notes(table)


def _notes(table: pd.DataFrame) -> str:
    """What a person must know about the baselines (a Holt-Winters fallback, say), as sentences."""
    return "".join(f" {note}" for note in table.attrs.get("notes", ()))


def _bars(table: pd.DataFrame, key: str, shown: str, bar: float) -> str:
    """The criterion's two bars in words, when the table says which criterion judged it."""
    kind, strongest = table.attrs.get("criterion"), table.attrs.get("strongest", "")
    if kind not in criteria.KINDS:
        return ""
    best = table.loc[table["label"] == strongest, key]
    return " " + criteria.bars(kind, shown, table.attrs["baseline"], bar, strongest,
                               float(best.iloc[0]) if len(best) else float("nan"))


# Why a simple baseline that beats every network does so, by criterion: said after the verdict.
WHY_STRONGER = {
    "classification": "it sees the whole input at once (or ignores the order), so the gap is what reading one "
                      "step at a time and remembering costs",
    "text": "counting which {unit}s follow which in the training part is enough to reach this score",
}


def _stronger_baseline(table: pd.DataFrame, key: str, reference: str) -> str:
    """A sentence when another baseline beats even the best model: the networks beat the reference, not the
    simplest thing that works."""
    models = table.loc[table["kind"] == "model", key].dropna()
    others = table[(table["kind"] == "baseline") & (table["label"] != reference)].dropna(subset=[key])
    if models.empty or others.empty:
        return ""
    lower = metrics.LOWER_IS_BETTER.get(key, True)
    best_model = models.min() if lower else models.max()
    best = others.loc[others[key].idxmin() if lower else others[key].idxmax()]
    if not metrics.better(key, float(best[key]), float(best_model)):
        return ""
    why = WHY_STRONGER.get(table.attrs.get("criterion"), "a network is not needed to reach this score").format(
        unit=str(best["label"]).split()[0])  # "character 5-gram" counts characters, "note 3-gram" notes
    return f" But the {best['label']} baseline does better than every model ({best[key]:.3g}): {why}."


# How a verdict or a problem reads, for its colour and icon (the names of Streamlit's alert boxes; this module
# imports no Streamlit): good news only in a "success" box.
SUCCESS, INFO, WARNING, ERROR = "success", "info", "warning", "error"


def _judged(table: pd.DataFrame) -> pd.DataFrame:
    """What a verdict compares with the baselines: each run, or with several seeds each architecture's mean."""
    models = table[table["kind"] == "model"]
    if not models["label"].duplicated().any():
        return table
    key = table.attrs["headline"]
    return pd.concat([evaluate.seed_summary(table).assign(kind="model")[["label", "kind", key]],
                      table[table["kind"] == "baseline"][["label", "kind", key]]], ignore_index=True)


def verdict_tone(table: pd.DataFrame) -> str:
    """Whether the verdict is good news: SUCCESS when some network learned something (in at least half its seeds)
    and no simple baseline beats every network; WARNING when no network beats the reference baseline or another
    baseline beats them all; INFO when only a minority of some architecture's seeds learned (the seeds disagree) or
    there is nothing to judge."""
    models = table[table["kind"] == "model"]
    key, name = table.attrs.get("headline"), table.attrs.get("baseline")
    if models.empty or key is None:
        return INFO
    learned = models["level"].isin([criteria.SOLVED, criteria.LEARNED]) if "level" in models else \
        pd.Series(False, index=models.index)
    if not learned.any() or _stronger_baseline(_judged(table), key, name):
        return WARNING
    share = learned.groupby(models["label"], sort=False).mean()
    return SUCCESS if (share >= 0.5).any() else INFO


def problem_tone(problem: str) -> str:
    """ERROR for a run that diverged (it failed), WARNING for one cut short by its time budget or partly scored.
    `summarise` writes each problem as "<label> <status>: <reason>"."""
    return ERROR if " diverged: " in problem else WARNING


def _names(rows: pd.DataFrame) -> str:
    labels = list(rows["label"])
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _predictions(runs, task: Task) -> tuple[pd.DataFrame | None, str]:
    if task.kind != "regression" or not len(task.x_test):
        return None, ""
    if task.series is None:
        return truth_vs_predicted(runs, task), "scatter"
    steps = min(FORECAST_STEPS, len(task.y_test))
    both = pd.concat([evaluate.one_step_predictions(runs, task), evaluate.multi_step_predictions(runs, task, steps)],
                     ignore_index=True)
    return both, "forecast"


def _classes(runs, task: Task) -> tuple[dict, dict]:
    """Each classifier's confusion matrix and most confident mistakes on the test part; empty otherwise."""
    if task.kind != "classification" or not len(task.x_test):
        return {}, {}
    confusion = {r.label: classification.confusion_matrix(r.model, task) for r in runs}
    mistakes = {r.label: classification.misclassified(r.model, task, limit=MISTAKES_SHOWN) for r in runs}
    return confusion, mistakes


def _partly_scored(table: pd.DataFrame, total: int) -> list[str]:
    """A sentence for every model scored on part of the test set only (its time budget ran out)."""
    if "test_scored" not in table:
        return []
    rows = table[table["test_scored"].notna()]
    return [f"{r.label}: the test scores cover the first {int(r.test_scored):,} of {total:,} test sequences, as its "
            "wall-time budget ran out while scoring." for r in rows.itertuples()]


def summarise(runs, task: Task) -> Report:
    """Score every run on the test part once and prepare every view of the comparison."""
    runs = [r for r in runs if r.history]
    val_losses = evaluate.baseline_losses(task, "val")  # once: the table's baseline rows and the loss chart's rule
    table = evaluate.results_table(runs, task, val_losses)
    shown = evaluate.median_runs(runs, table) if runs else []  # one model per architecture for the pictures
    predictions, kind = _predictions(shown, task)
    history = [rec for r in runs for rec in r.history]
    confusion, mistakes = _classes(shown, task)
    problems = tuple(f"{r.label} {r.status}: {r.reason}" for r in runs if r.status in ("diverged", "out of time"))
    problems += tuple(_partly_scored(table, len(task.x_test)))
    return Report(
        task_title=task.title, history=pd.DataFrame(history), table=table, predictions=predictions,
        predictions_kind=kind, loss_baseline=evaluate.loss_baseline(task, val_losses), verdict=verdict(table),
        problems=problems,
        history_csv=history_csv(history), results_json=results_json(runs, task, table), confusion=confusion,
        mistakes=mistakes, summary=evaluate.seed_summary(table), shown_seeds=_shown_seeds(runs, shown, table),
        loss_units=evaluate.loss_units(task),
        predicts=task.transform.describe(task.unit) if kind == "forecast" and task.transform else "",
        window_errors=backtest.window_errors(shown, task) if kind == "forecast" else None,
        horizon_errors=backtest.horizon_errors(shown, task) if kind == "forecast" else None,
        metric_names=metrics.metric_names(task.name),
    )


def _shown_seeds(runs, shown, table: pd.DataFrame) -> str:
    """"each architecture's median seed by test MSE: LSTM seed 2, GRU seed 0", when there are several seeds."""
    if len(shown) == len(runs):
        return ""
    key = metrics.METRIC_NAMES.get(table.attrs["headline"], table.attrs["headline"])
    picked = ", ".join(f"{r.label} seed {evaluate.seed_of(r)}" for r in shown)
    return f"Each architecture's median seed by test {key}: {picked}."



def split_by_seed(report: Report) -> dict[int, Report]:
    """The report of each seed alone (its runs' rows and history, the baselines shared), seeds in order: what a
    per-seed check reads. A report of one seed comes back as it is."""
    table, history = report.table, report.history
    if "seed" not in table or table.loc[table["kind"] == "model", "seed"].nunique() < 2:
        seed = int(table["seed"].dropna().iloc[0]) if "seed" in table and table["seed"].notna().any() else 0
        return {seed: report}
    out = {}
    for seed in sorted(int(s) for s in table.loc[table["kind"] == "model", "seed"].unique()):
        rows = table[(table["kind"] == "baseline") | (table["seed"] == seed)].reset_index(drop=True)
        rows.attrs.update(table.attrs)
        mine = history[history["seed"] == seed].reset_index(drop=True) if "seed" in history else history
        out[seed] = replace(report, table=rows, history=mine, verdict=verdict(rows))
    return out
