"""The Holt-Winters baseline: exponential smoothing (statsmodels) fitted on the training part only, then run over
the whole series with its parameters fixed, forecasting from every origin as a forecaster would (one step ahead,
or H steps ahead for a horizon of H).

Damped additive trend (the M-competitions' robust default), additive seasonality when the series has a seasonal
period and the training part holds two seasons of it, all on the log of the series when the training part is
positive and grows by percentages (the rule of seqlab.data.transforms, applied here whatever the networks use, so
the baseline is the same number for every transform). When a fit fails or does not converge, a simpler model is
tried, and the note says which and why.
"""

from __future__ import annotations

import functools
import hashlib
import warnings
from dataclasses import dataclass

import numpy as np

from seqlab.data import transforms

FIT_ROWS = 20_000  # the most recent training rows the parameters are fitted on (a fit takes about a second)


@dataclass(frozen=True)
class Fitted:
    """Holt-Winters parameters fitted on a training part, and what was fitted."""

    params: tuple  # (alpha, beta, gamma, phi, initial level, initial trend, initial seasons)
    trend: bool
    season: int | None
    log: bool
    note: str  # a fallback, said to the user; "" when the model asked for was fitted


def _model(values: np.ndarray, trend: bool, season: int | None, **known):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    return ExponentialSmoothing(values, trend="add" if trend else None, damped_trend=trend,
                                seasonal="add" if season else None, seasonal_periods=season, **known)


def _attempts(n_train: int, season: int | None) -> tuple[list[tuple[bool, int | None]], list[str]]:
    """The models to try, richest first, and a note when the season cannot be fitted at all."""
    notes = []
    if season and 2 * season > n_train:
        notes.append(f"Holt-Winters has no seasonal part: the training part ({n_train} steps) holds fewer than two "
                     f"seasons of {season} steps")
        season = None
    tries = [(True, season)] + ([(True, None)] if season else []) + [(False, None)]
    return tries, notes


@functools.lru_cache(maxsize=16)
def _fit_cached(key: str, train_bytes: bytes, season: int | None) -> Fitted:
    del key  # the digest keys the cache; the bytes are what is fitted
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    train = np.frombuffer(train_bytes, dtype=np.float64)
    log = transforms.choose(train, "level", "auto").log
    values = np.log(train) if log else train
    tries, notes = _attempts(len(train), season)
    for trend, season_used in tries:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                fit = _model(values, trend, season_used, initialization_method="estimated").fit(use_brute=False)
            except (ConvergenceWarning, ValueError, np.linalg.LinAlgError) as problem:
                notes.append(f"Holt-Winters with {_describe(trend, season_used)} failed to fit ({_short(problem)})")
                continue
        p = fit.params
        if not np.isfinite(fit.sse):
            notes.append(f"Holt-Winters with {_describe(trend, season_used)} gave no finite fit")
            continue
        params = (p["smoothing_level"], p["smoothing_trend"], p["smoothing_seasonal"], p["damping_trend"],
                  p["initial_level"], p["initial_trend"], tuple(np.atleast_1d(p["initial_seasons"]).tolist()))
        if notes:
            notes.append(f"so it uses {_describe(trend, season_used)}")
        return Fitted(params, trend, season_used, log, "; ".join(notes))
    raise ValueError("; ".join(notes) or "Holt-Winters could not be fitted")


def _describe(trend: bool, season: int | None) -> str:
    parts = ["a damped trend" if trend else "no trend"]
    if season:
        parts.append(f"a season of {season} steps")
    return " and ".join(parts)


def _short(problem: Exception) -> str:
    text = str(problem).strip().splitlines()[0] if str(problem).strip() else type(problem).__name__
    return text if len(text) <= 80 else text[:77] + "..."


def fit(train: np.ndarray, season: int | None) -> Fitted:
    """Holt-Winters fitted on `train` (the training rows, in the data's units); cached by their contents."""
    data = np.ascontiguousarray(train, dtype=np.float64)
    digest = hashlib.sha256(data.tobytes()).hexdigest() + f"/{season}"
    return _fit_cached(digest, data.tobytes(), season)


def forecasts(fitted: Fitted, values: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
    """(N, horizon) forecasts in the data's units: row k forecasts values[origins[k] + 1 :][:horizon] from what was
    known at origins[k], the parameters fitted on the training part held fixed."""
    if fitted.log and not (np.asarray(values) > 0).all():
        raise ValueError("Holt-Winters was fitted on the log of the training part, and later values reach zero "
                         "or below")
    series = np.log(values) if fitted.log else np.asarray(values, dtype=np.float64)
    alpha, beta, gamma, phi, level0, trend0, seasons0 = fitted.params
    known = {"initial_level": level0}
    if fitted.trend:
        known["initial_trend"] = trend0
    if fitted.season:
        known["initial_seasonal"] = np.asarray(seasons0)
    model = _model(series, fitted.trend, fitted.season, initialization_method="known", **known)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(smoothing_level=alpha, smoothing_trend=beta if fitted.trend else None,
                        smoothing_seasonal=gamma if fitted.season else None,
                        damping_trend=phi if fitted.trend else None, optimized=False)
    level = np.asarray(res.level)
    steps = np.arange(1, horizon + 1)
    out = np.repeat(level[origins, None], horizon, axis=1)
    if fitted.trend:
        damp = np.cumsum(phi ** steps)  # phi + phi^2 + ... + phi^h
        out += np.asarray(res.trend)[origins, None] * damp[None, :]
    if fitted.season:
        m = fitted.season
        lag = origins[:, None] + steps[None, :] - m * ((steps[None, :] - 1) // m + 1)  # the season's last value
        season = np.asarray(res.season)
        out += np.where(lag >= 0, season[np.clip(lag, 0, None)], np.asarray(seasons0)[lag % m])
    return np.exp(out) if fitted.log else out
