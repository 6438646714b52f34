"""The task registry: every data set, synthetic or real, comes out as a `Task`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from seqlab.config import TASKS, DataConfig
from seqlab.data.footprint import estimate_task_bytes
from seqlab.data.task import DataError, Scaler, SeriesData, Task


@dataclass(frozen=True)
class TaskInfo:
    title: str
    kind: str  # the Task's kind: one of task.KINDS
    group: str  # where it comes from: "synthetic", "real data" (shipped, offline) or "your data"
    description: str
    problem: str  # what a model is asked, in plain words: "forecasting", "classification", "next character", ...


REGISTRY: dict[str, TaskInfo] = {
    "sine": TaskInfo("Noisy sine mixture", "regression", "synthetic",
                     "Three sines plus noise; forecast the next value from a window.", "forecasting"),
    "adding": TaskInfo("Adding problem", "regression", "synthetic",
                       "Add the two marked numbers of a long sequence: a test of long memory.", "regression"),
    "copy": TaskInfo("Copy memory", "next-token", "synthetic",
                     "Recall 10 symbols after T blank steps.", "recall"),
    "text": TaskInfo("Text (characters)", "next-token", "real data",
                     "Predict the next character of Python's documentation, Tiny Shakespeare or your text.",
                     "next character"),
    "digits": TaskInfo("Handwritten digits", "classification", "real data",
                       "Read an 8x8 digit row by row or pixel by pixel, then name it.", "classification"),
    "chorales": TaskInfo("Bach chorales (melodies)", "next-token", "real data",
                         "Predict the next note (pitch and length) of the soprano lines of Bach's chorales, each in "
                         "C major or A minor.", "next note"),
    "seattle": TaskInfo("Seattle daily weather", "regression", "real data",
                        "Daily temperature, rain and wind, 2012-2015.", "forecasting"),
    "co2": TaskInfo("Mauna Loa CO2", "regression", "real data",
                    "Weekly atmospheric CO2, 1958-2001, with real gaps filled.", "forecasting"),
    "airline": TaskInfo("Airline passengers", "regression", "real data",
                        "Monthly international passengers, 1949-1960.", "forecasting"),
    "sunspots": TaskInfo("Sunspots", "regression", "real data", "Yearly mean sunspot number, 1700-2008.",
                         "forecasting"),
    "msft": TaskInfo("Microsoft stock (shipped)", "regression", "real data",
                     "Daily MSFT prices 1986-2017, shipped for offline use.", "forecasting"),
    "stock": TaskInfo("Stock ticker (online)", "regression", "your data",
                      "Daily prices for any ticker from Yahoo Finance; falls back to MSFT offline.", "forecasting"),
    "csv": TaskInfo("Your CSV file", "regression", "your data", "A numeric column of your own file.", "forecasting"),
    "sentiment": TaskInfo("Your labelled texts", "classification", "your data",
                          "Classify the texts of your CSV (e.g. reviews as positive or negative).", "classification"),
    "dates": TaskInfo("Dates in 7 languages → ISO", "translation", "synthetic",
                      "Translate dates written out in seven languages (Unicode CLDR via Babel) to YYYY-MM-DD.",
                      "translation"),
    "pairs": TaskInfo("Your translation pairs", "translation", "your data",
                      "Translate the first column of your two-column CSV into the second, character by character.",
                      "translation"),
}
assert set(REGISTRY) == set(TASKS), "config.TASKS and the registry must name the same tasks"
# What a data set lets a person set beyond its length, for the Lab's widgets, its links and the memory estimate: a
# new data set is an entry above, its name in config.TASKS (the config cannot import data) and, where they apply,
# here; tests/unit/test_registry.py checks that every data set appears wherever it must.
SAMPLED = ("sine", "adding", "copy")  # generated: how many sequences (or points) is a setting
COLUMNED = ("seattle", "co2", "airline", "sunspots", "msft", "stock")  # series with several columns to pick from


def load_series(cfg: DataConfig, upload: bytes | None = None) -> tuple[SeriesData, int | None]:
    """The raw series behind a forecasting task, and its seasonal period in steps (if any)."""
    from seqlab.data import series, stocks, synthetic
    from seqlab.data import upload as uploads

    if cfg.task == "sine":
        return synthetic.sine_series(cfg.n_samples, cfg.noise, cfg.seed), round(synthetic.SINE_PERIODS[0])
    if cfg.task == "stock":
        data, notice = stocks.fetch_prices(cfg.ticker, cfg.start, cfg.end)
        if notice:
            data = dataclasses.replace(data, warnings=(notice, *data.warnings))
        return data, None
    if cfg.task == "csv":
        if upload is None:
            raise DataError("choose a CSV file to upload first")
        return uploads.read_csv_series(upload), None
    return series.load_shipped(cfg.task), series.shipped_info(cfg.task).seasonal_period


def make_task(cfg: DataConfig, upload: bytes | None = None) -> Task:
    """Build the task a data config describes.

    `upload` holds the bytes of a user's file: a CSV for tasks "csv" and "sentiment", a .txt for
    task "text" with `cfg.corpus == "upload"`.
    """
    from seqlab.data import corpus, digits, sentiment, synthetic, text, windows

    if cfg.task == "adding":
        return synthetic.adding_task(cfg)
    if cfg.task == "copy":
        return synthetic.copy_task(cfg)
    if cfg.task == "text":
        return text.text_task(cfg, corpus.load_corpus(cfg, upload))
    if cfg.task == "sentiment":
        if upload is None:
            raise DataError("choose a CSV file of texts and their labels to upload first")
        return sentiment.sentiment_task(cfg, upload)
    if cfg.task == "digits":
        return digits.digits_task(cfg)
    if cfg.task == "chorales":
        from seqlab.data.chorales import chorales_task
        return chorales_task(cfg)
    if cfg.task == "dates":
        from seqlab.data.dates import dates_task
        return dates_task(cfg)
    if cfg.task == "pairs":
        from seqlab.data.pair_upload import pairs_upload_task
        if upload is None:
            raise DataError("choose a CSV file of texts and their translations to upload first")
        return pairs_upload_task(cfg, upload)
    data, period = load_series(cfg, upload)
    return windows.forecast_task(data, cfg, cfg.task, seasonal_period=period)


__all__ = ["REGISTRY", "DataError", "Scaler", "SeriesData", "Task", "TaskInfo", "estimate_task_bytes", "load_series",
           "make_task"]
