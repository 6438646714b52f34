"""Scoring trained models: losses and metrics on a split, predictions, baselines, and the results table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch

from seqlab.analysis import baselines, criteria, holt_winters, metrics, ngram, order_free
from seqlab.config import MUSIC_TASKS
from seqlab.data.task import Scaler, Task
from seqlab.data.windows import target_times

# Scoring a model on one split lives with training, which scores every epoch; re-exported here.
from seqlab.training.scoring import batch_size_for, batches, evaluate, predict, to_units, train_values  # noqa: F401

NGRAM_ORDERS = (3, 5)  # the counted character models beside a text's networks: 2 and 4 characters of context
SCALED_LOSS = "MSE of the scaled series"  # a forecast's training loss, in units of the training part's sd



def baseline_scores(task: Task, part: str = "test") -> dict[str, dict]:
    """Metrics of the honest baselines on one split, keyed by baseline name: the trivial ones, then the
    strongest simple ones a practitioner would try (`practitioner_scores`)."""
    return {**_trivial_scores(task, part), **practitioner_scores(task, part)}


def _trivial_scores(task: Task, part: str) -> dict[str, dict]:
    """The trivial strategies (frequencies, the training mean, the task's own); for forecasts every window
    baseline, the linear one included."""
    if task.kind == "translation":
        from seqlab.analysis import translation
        return {translation.BASELINE: translation.baseline_scores(task, part)}
    y = getattr(task, f"y_{part}")
    if task.kind == "regression" and task.series is not None:
        truth = to_units(task, y)
        return {name: metrics.forecast_metrics(truth, p, train_values(task))
                for name, p in baseline_forecasts(task, part).items()}
    if task.kind == "regression":
        mean = task.y_train.mean(0, keepdim=True).expand_as(y)
        return {"training mean": metrics.forecast_metrics(to_units(task, y), to_units(task, mean))}
    counts = torch.bincount(task.y_train.flatten(), minlength=task.output_size).double()
    log_p = (counts + 0.5).log() - (counts + 0.5).sum().log()  # smoothed so unseen targets stay finite
    ce = metrics.nats(-log_p[y.flatten()].mean())
    acc = float((y.flatten() == counts.argmax()).double().mean())
    name = "class frequencies" if task.kind == "classification" else "symbol frequencies"
    scores = {name: {"cross_entropy": ce, "accuracy": acc}}
    if task.baseline_loss is not None and task.baseline_name not in ("", *scores):  # the task's own strategy
        scores[task.baseline_name] = {"cross_entropy": task.baseline_loss, "accuracy": math.nan}
    if task.kind == "next-token":
        scores = {k: metrics.token_metrics(v["cross_entropy"], v["accuracy"]) for k, v in scores.items()}
    return scores


def baseline_forecasts(task: Task, part: str = "test") -> dict[str, np.ndarray]:
    """Every forecasting baseline's forecasts (N, H) for a split's windows, in the data's own units.

    Computed from the series itself, standardised on the training rows (never logged), so the baselines are the
    same numbers whatever transform the networks use."""
    values = task.series["value"].to_numpy(dtype=np.float64)
    scaler = Scaler.fit(values[: task.split_index[0]])
    z = scaler.transform(values).astype(np.float32)  # as x_train's windows held them before the transforms
    length, n = task.x_train.shape[1], len(getattr(task, f"x_{part}"))
    first = {"train": length, "val": task.split_index[0], "test": task.split_index[1]}[part]
    windows = np.lib.stride_tricks.sliding_window_view(z[first - length: first + n - 1], length)  # (N, L), a view
    preds = baselines.forecast_baselines(z[: task.split_index[0]], windows, task.output_size, task.seasonal_period)
    out = {name: scaler.inverse(p.astype(np.float64)) for name, p in preds.items()}
    fitted = _holt_winters(task)
    if fitted is not None:
        out[baselines.HOLT_WINTERS] = holt_winters.forecasts(fitted, values, np.arange(first - 1, first + n - 1),
                                                             task.output_size)
    return out


def _holt_winters(task: Task) -> holt_winters.Fitted | None:
    """Holt-Winters fitted on the task's training rows (the most recent HW_FIT_ROWS of them), or None when no
    form of it could be fitted (`baseline_notes` says why)."""
    values = task.series["value"].to_numpy(dtype=np.float64)
    train = values[: task.split_index[0]][-holt_winters.FIT_ROWS:]
    try:
        fitted = holt_winters.fit(train, task.seasonal_period)
    except ValueError:
        return None
    if fitted.log and not (values > 0).all():
        return None
    return fitted


def baseline_notes(task: Task) -> tuple[str, ...]:
    """What a person must know about the baselines of this task: a Holt-Winters fallback, or why it is missing."""
    if task.kind != "regression" or task.series is None:
        return ()
    values = task.series["value"].to_numpy(dtype=np.float64)
    train = values[: task.split_index[0]]
    notes = []
    if len(train) > holt_winters.FIT_ROWS:
        notes.append(f"Holt-Winters is fitted on the last {holt_winters.FIT_ROWS:,} of the {len(train):,} training "
                     "steps, to keep the fit quick")
    try:
        fitted = holt_winters.fit(train[-holt_winters.FIT_ROWS:], task.seasonal_period)
    except ValueError as problem:
        return (*notes, f"No Holt-Winters baseline: {problem}.")
    if fitted.log and not (values > 0).all():
        notes.append("No Holt-Winters baseline: it is fitted on the log of the training part, and later values "
                     "reach zero or below")
    elif fitted.note:
        notes.append(fitted.note[0].upper() + fitted.note[1:])
    return tuple(n if n.endswith(".") else n + "." for n in notes)


def ngram_label(n: int, task: Task | None = None) -> str:
    """"character 5-gram" for a text, "note 5-gram" for melodies: what the counted model counts."""
    return f"{'note' if task is not None and task.name in MUSIC_TASKS else 'character'} {n}-gram"


def practitioner_scores(task: Task, part: str = "test") -> dict[str, dict]:
    """The simple models a practitioner would set beside a network, where they apply: for a text, smoothed
    character n-grams counted on the training text; for a classifier, a logistic regression that sees the whole
    input at once (or ignores the order). Forecasts have theirs among the trivial ones (the linear forecast).

    The copy task gets none: its targets are not its next inputs, and an n-gram over its inputs would only
    rediscover the blank strategy (blanks, then a uniform guess after the delimiters), already its baseline."""
    if task.kind == "classification":
        return {order_free.label(task): order_free.scores(task, part)}
    if not ngram.is_text(task):
        return {}
    x, y = getattr(task, f"x_{part}").numpy(), getattr(task, f"y_{part}").numpy()
    # accuracy left out (NaN): it needs the whole distribution at every position, V times the work
    return {ngram_label(n, task): metrics.token_metrics(ngram.fit(task, n).cross_entropy(x, y), math.nan)
            for n in NGRAM_ORDERS}


def criterion_kind(task: Task) -> str:
    """Which of `criteria.KINDS` judges this task."""
    if task.kind == "regression":
        return "forecast" if task.series is not None else "exact"
    if task.kind == "classification":
        return "classification"
    if task.kind == "translation":
        return "translation"
    return "text" if ngram.is_text(task) else "exact"


def reference_baseline(task: Task, scores: dict[str, dict]) -> str:
    """The bar for "learned something": persistence for forecasts; otherwise the strongest trivial baseline
    (the practitioner's models set the bar for "solved" instead, see seqlab.analysis.criteria)."""
    if "persistence" in scores:
        return "persistence"
    return _best(task, {k: v for k, v in scores.items() if k not in practitioner_names(task)})


def strongest_baseline(task: Task, scores: dict[str, dict]) -> str:
    """The strongest simple baseline on the headline metric: for a forecast any of them (the linear one, often),
    for a text the better n-gram, for a classifier the order-free model, for an exact task the reference."""
    if criterion_kind(task) == "forecast":
        return _best(task, scores)
    named = {k: v for k, v in scores.items() if k in practitioner_names(task)}
    return _best(task, named) if named else reference_baseline(task, scores)


def practitioner_names(task: Task) -> tuple[str, ...]:
    """The names `practitioner_scores` gives its baselines, without fitting them."""
    if task.kind == "classification":
        return (order_free.label(task),)
    return tuple(ngram_label(n, task) for n in NGRAM_ORDERS) if ngram.is_text(task) else ()


def _best(task: Task, scores: dict[str, dict]) -> str:
    key = headline_metric(task)
    finite = {k: v for k, v in scores.items() if math.isfinite(v[key])}
    if not finite:
        return next(iter(scores))
    best = min if metrics.LOWER_IS_BETTER[key] else max
    return best(finite, key=lambda k: finite[k][key])


def baseline_losses(task: Task, part: str = "val") -> dict[str, float]:
    """Every baseline of `baseline_scores` on one split, in the units of the training loss (the loss chart's and the
    results table's "validation loss"): a regression's MSE on the scaled values (a forecast's MSE in the data's units
    divided by the training part's variance), a classifier's or a token task's cross-entropy in nats."""
    if not len(getattr(task, f"x_{part}")):
        return {}
    scores = baseline_scores(task, part)
    if task.kind == "regression":
        variance = task.scaler.std ** 2 if task.scaler is not None else 1.0
        return {name: s["mse"] / variance for name, s in scores.items()}
    return {name: s["cross_entropy"] for name, s in scores.items()}


def loss_baseline(task: Task, losses: dict[str, float] | None = None) -> tuple[float, str] | None:
    """(validation loss, name) of the baseline the loss chart draws: one of the results table's baseline rows, with
    the number that row holds as its validation loss (`baseline_losses`), so the chart and the table agree.

    Forecasts: persistence (every forecast chart shows persistence). Texts and classifiers: the better of the
    practitioner's models (a counted n-gram, the order-free model). Other tasks: the lowest of the trivial
    strategies (the training mean for the adding problem, blanks for copy memory).
    """
    losses = baseline_losses(task, "val") if losses is None else losses
    finite = {name: value for name, value in losses.items() if math.isfinite(value)}
    if not finite:
        return None
    if "persistence" in finite:
        return finite["persistence"], "persistence"
    pool = [name for name in practitioner_names(task) if name in finite] or list(finite)
    name = min(pool, key=finite.get)
    return finite[name], name


def loss_units(task: Task) -> str:
    """The units of the training loss, as the loss chart and the results table say them."""
    if task.kind != "regression":
        return "cross-entropy, nats"
    return SCALED_LOSS if task.scaler is not None else "MSE"


def metrics_long(table: pd.DataFrame, names: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The results table's metric columns as tidy (label, kind, metric, value) rows, for a bar chart."""
    names = names or tuple(m for m in metrics.LOWER_IS_BETTER if m in table.columns)
    ids = ["label", "kind"] if "kind" in table.columns else ["label"]
    return table.melt(id_vars=ids, value_vars=list(names), var_name="metric").dropna(subset=["value"])


def headline_metric(task: Task) -> str:
    """The metric a person reads first, used to say whether a model beats the baseline."""
    return {"regression": "mse", "classification": "accuracy", "next-token": "cross_entropy",
            "translation": "exact_match"}[task.kind]


def one_step_predictions(runs, task: Task, part: str = "test") -> pd.DataFrame:
    """Truth, persistence and every run's one-step-ahead forecast on a forecasting task's split."""
    x, y = getattr(task, f"x_{part}"), getattr(task, f"y_{part}")
    times = target_times(task, part)
    frames = [("truth", to_units(task, y[:, 0])),
              ("persistence", to_units(task, x[:, -1, 0]))]
    frames += [(r.label, to_units(task, predict(r.model, x)[:, 0])) for r in runs]
    return pd.concat([pd.DataFrame({"time": times, "series": name, "value": v, "mode": "one-step"})
                      for name, v in frames], ignore_index=True)


@torch.no_grad()
def recursive_forecast(model: torch.nn.Module, window: torch.Tensor, steps: int) -> torch.Tensor:
    """Forecast `steps` ahead from one window (L, 1), feeding each prediction back as input."""
    model.eval()
    window, out = window.clone(), []
    for _ in range(steps):
        nxt = model(window.unsqueeze(0))[0][0, :1]  # (1,)
        out.append(nxt)
        window = torch.cat([window[1:], nxt.view(1, 1)])
    return torch.cat(out)


def multi_step_predictions(runs, task: Task, steps: int = 50) -> pd.DataFrame:
    """Truth, persistence and every run's recursive forecast from the start of the test part."""
    y = task.y_test[:, 0]
    steps = min(steps, len(y))
    times = target_times(task, "test")[:steps]
    start = task.x_test[0]  # the last `length` values before the test part
    frames = [("truth", to_units(task, y[:steps])),
              ("persistence", to_units(task, start[-1, 0].repeat(steps)))]
    frames += [(r.label, to_units(task, recursive_forecast(r.model, start, steps))) for r in runs]
    return pd.concat([pd.DataFrame({"time": times, "series": name, "value": v, "mode": "multi-step"})
                      for name, v in frames], ignore_index=True)


def results_table(runs, task: Task, val_losses: dict[str, float] | None = None) -> pd.DataFrame:
    """One row per trained run and per baseline: size, speed, final losses, test metrics, and each run's level
    (seqlab.analysis.criteria): solved, learned something, or no better than the baseline.

    `beats_baseline` stays for the readers of saved results: True when the level is solved or learned something.
    A baseline's "val_loss" is its validation loss in the training loss's units (`baseline_losses`, or `val_losses`
    when given): the number the loss chart's rule draws. The attrs name the headline metric, the reference baseline,
    the strongest one and the criterion's kind."""
    scores = baseline_scores(task)
    val_losses = baseline_losses(task, "val") if val_losses is None else val_losses
    reference_name, strongest_name = reference_baseline(task, scores), strongest_baseline(task, scores)
    key, kind = headline_metric(task), criterion_kind(task)
    reference, strongest = scores[reference_name][key], scores[strongest_name][key]
    rows = []
    for r in runs:
        last = r.history[-1] if r.history else {}
        trained = [h for h in r.history if h["epoch"] > 0]
        test = evaluate(r.model, task, "test", seconds=getattr(r, "seconds_left", lambda: None)())
        test.pop("loss")
        if "scored" in test:  # the run's wall-time budget ran out while scoring
            test["test_scored"] = test.pop("scored")
        level = criteria.level(kind, test.get(key, math.nan), reference, strongest)
        if kind == "translation":  # characters right count too for "learned something"
            level = criteria.translation_level(test.get(key, math.nan), reference, test.get("char_accuracy", math.nan),
                                               scores[reference_name]["char_accuracy"])
        rows.append({
            "label": r.label, "kind": "model", "name": getattr(r, "name", r.label),
            "seed": seed_of(r), "arch": r.run.model.arch, "params": r.params,
            "hidden_size": r.run.model.hidden_size, "epochs": len(trained),
            "sec_per_epoch": float(np.mean([h["seconds"] for h in trained])) if trained else math.nan,
            "train_loss": last.get("train_loss", math.nan), "val_loss": last.get("val_loss", math.nan),
            "status": r.status, **test, "level": level, "beats_baseline": level != criteria.NO_BETTER,
        })
    rows += [{"label": name, "kind": "baseline", "val_loss": val_losses.get(name, math.nan), **s}
             for name, s in scores.items()]
    table = pd.DataFrame(rows)
    table["beats_baseline"] = table.get("beats_baseline", pd.Series(dtype=object)).astype("boolean")
    if "level" not in table:
        table["level"] = pd.Series(dtype=object)
    for col in ("params", "hidden_size", "epochs", "seed"):
        if col in table:
            table[col] = table[col].astype("Int64")  # baseline rows have none; keep the models' whole numbers
    table.attrs.update(baseline=reference_name, headline=key, strongest=strongest_name, criterion=kind,
                       notes=baseline_notes(task))
    return table


def seed_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per architecture over its seeds: n, the mean and standard deviation of every test metric, and how
    many seeds reached each level ("solved in 2 of 3"). The sd of one seed is NaN: there is no spread to show."""
    models = table[table["kind"] == "model"]
    names = [m for m in metrics.LOWER_IS_BETTER if m in models.columns]
    rows = []
    for label, runs in models.groupby("label", sort=False):
        levels = criteria.count_levels(list(runs["level"].fillna(criteria.NO_BETTER)))
        n = len(runs)
        row = {"label": label, "seeds": n, "solved": f"{levels[criteria.SOLVED]} of {n}",
               "beats baseline": f"{n - levels[criteria.NO_BETTER]} of {n}"}
        for name in names:
            values = pd.to_numeric(runs[name], errors="coerce")
            row[name], row[f"{name} sd"] = values.mean(), values.std(ddof=1) if n > 1 else math.nan
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs.update(table.attrs)
    return out


def median_runs(runs, table: pd.DataFrame) -> list:
    """Per architecture, the run whose test headline metric is the median of its seeds (the lower middle one when
    they are even): the model a prediction chart shows for it."""
    key = table.attrs["headline"]
    scores = {(row.label, row.seed): getattr(row, key) for row in table[table["kind"] == "model"].itertuples()}
    lower = metrics.LOWER_IS_BETTER.get(key, True)
    chosen = {}
    for r in runs:
        chosen.setdefault(r.label, []).append(r)
    picked = []
    for label, group in chosen.items():
        ranked = sorted(group, key=lambda r: _rank(scores.get((label, seed_of(r))), lower))
        picked.append(ranked[(len(ranked) - 1) // 2])
    return picked


def seed_of(run) -> int:
    """A run's seed: its own field, else its config's (runs saved before seeds were a field)."""
    seed = getattr(run, "seed", None)
    return seed if seed is not None else run.run.train.seed


def _rank(value, lower_is_better: bool) -> float:
    if value is None or not math.isfinite(value):
        return math.inf  # a run without a score sorts last
    return value if lower_is_better else -value
