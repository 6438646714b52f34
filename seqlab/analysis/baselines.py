"""Honest forecasting baselines on windows: persistence, seasonal naive, window mean, linear least squares.

Each takes input windows `x` of shape (N, L) and returns forecasts of shape (N, H). The windows may be
overlapping views onto one series (see `seqlab.data.windows`): N x L numbers held in N + L, so nothing
here copies `x` whole; what needs a dense copy takes one chunk of rows at a time.
"""

from __future__ import annotations

import numpy as np

CHUNK_BYTES = 4 * 2**20  # the most one dense chunk of windows (in float64) may take
# The forecasting baselines' names, in one place: tables, verdicts and charts read them from here.
PERSISTENCE, WINDOW_MEAN, LINEAR, SEASONAL_NAIVE = "persistence", "window mean", "linear", "seasonal naive"
HOLT_WINTERS = "Holt-Winters"  # exponential smoothing, seqlab.analysis.holt_winters
FORECAST_BASELINES = (PERSISTENCE, WINDOW_MEAN, LINEAR, SEASONAL_NAIVE, HOLT_WINTERS)


def persistence(x: np.ndarray, horizon: int = 1) -> np.ndarray:
    """Tomorrow is like today: repeat the window's last value."""
    return np.repeat(x[:, -1:], horizon, axis=1)


def seasonal_naive(x: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """Repeat the value one season back; needs a window at least one season long."""
    if not 1 <= season <= x.shape[1]:
        raise ValueError(f"a seasonal-naive forecast needs a window of at least {season} steps, got {x.shape[1]}")
    cols = [x.shape[1] - season + (h % season) for h in range(horizon)]
    return x[:, cols]


def window_mean(x: np.ndarray, horizon: int = 1) -> np.ndarray:
    """The mean of the window, for every step ahead."""
    return np.repeat(x.mean(axis=1, keepdims=True), horizon, axis=1)


def row_chunks(x: np.ndarray):
    """Slices of rows of `x` whose dense float64 copy (with an intercept column) fits in CHUNK_BYTES."""
    step = max(1, CHUNK_BYTES // (8 * (x.shape[1] + 1)))
    return (slice(i, i + step) for i in range(0, len(x), step))


def _design(x: np.ndarray) -> np.ndarray:
    """(n, L + 1) in float64: the window, then 1 for the intercept; one allocation."""
    design = np.empty((len(x), x.shape[1] + 1))
    design[:, :-1], design[:, -1] = x, 1.0
    return design


def fit_linear(x_train: np.ndarray, y_train: np.ndarray) -> np.ndarray:
    """Least-squares weights (with intercept) from a window to each step ahead: (L + 1, H).

    Solved from the normal equations (D'D) w = D'y, summed chunk by chunk, so memory stays O(L^2) however
    many windows there are (a design matrix of 140,000 windows of 1,000 steps would take 1.1 GB).
    """
    width = x_train.shape[1] + 1
    gram, moment = np.zeros((width, width)), np.zeros((width, y_train.shape[1]))
    for rows in row_chunks(x_train):
        design = _design(x_train[rows])
        gram += design.T @ design
        moment += design.T @ y_train[rows].astype(np.float64)
    weights, *_ = np.linalg.lstsq(gram, moment, rcond=None)
    return weights


def fit_linear_series(series: np.ndarray, window: int, horizon: int) -> np.ndarray:
    """`fit_linear` on every window of one series (inputs series[k:k+window], targets the next `horizon`
    values), in O(rows x window) time instead of O(rows x window^2).

    Consecutive windows overlap, so their products repeat: with M = window + horizon and N windows,
    C[i, j] = sum_k s[k+i] s[k+j] gives C[i+1, j+1] = C[i, j] - s[i] s[j] + s[N+i] s[N+j]. The first row
    of C takes M dot products; each diagonal then follows by a cumulative sum. C holds the normal
    equations of inputs and targets at once (targets are just the last `horizon` lags).
    """
    s = np.asarray(series, dtype=np.float64)
    M = window + horizon
    N = len(s) - M + 1
    if N < 1:
        raise ValueError(f"a series of {len(s)} values has no window of {window} steps and {horizon} ahead")
    C = np.empty((M, M))
    for d in range(M):
        head = s[:M - d - 1] * s[d:M - 1]  # products leaving the sum as the diagonal moves down
        tail = s[N:N + M - d - 1] * s[N + d:N + M - 1]  # products entering it
        C[np.arange(M - d), np.arange(d, M)] = s[:N] @ s[d:d + N] + np.r_[0.0, np.cumsum(tail - head)]
    C = np.triu(C) + np.triu(C, 1).T
    sums = np.cumsum(np.r_[0.0, s])
    S = sums[N:N + M] - sums[:M]  # S[i] = sum_k s[k+i]
    gram = np.block([[C[:window, :window], S[:window, None]], [S[None, :window], np.array([[N]])]])
    moment = np.vstack([C[:window, window:], S[None, window:]])
    weights, *_ = np.linalg.lstsq(gram, moment, rcond=None)
    return weights


def linear(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    out = np.empty((len(x), weights.shape[1]))
    for rows in row_chunks(x):
        out[rows] = _design(x[rows]) @ weights
    return out


def forecast_baselines(train_series, x, horizon: int, season: int | None = None) -> dict[str, np.ndarray]:
    """Every baseline's forecasts for windows `x`; the linear model is fitted on every window of the
    (scaled) training series."""
    out = {
        PERSISTENCE: persistence(x, horizon),
        WINDOW_MEAN: window_mean(x, horizon),
        LINEAR: linear(x, fit_linear_series(train_series, x.shape[1], horizon)),
    }
    if season and season <= x.shape[1]:
        out[SEASONAL_NAIVE] = seasonal_naive(x, horizon, season)
    return out
