"""Live training on a page: a comparison kept in the session, trained epoch by epoch under a growing chart."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st
import torch
from streamlit.elements.vega_charts import _altair_globals_lock

from seqlab import resources
from seqlab.analysis import recorders
from seqlab.analysis.evaluate import loss_baseline
from seqlab.analysis.report import Report, summarise
from seqlab.app import limits, navigation
from seqlab.app import runs as saved_runs
from seqlab.app.home import PAGES
from seqlab.charts.training import LiveLossChart
from seqlab.config import RunConfig
from seqlab.data import Task
from seqlab.training.loop import Interleaved, TrainingRun
from seqlab.training.parallel import Parallel

# Altair's data transformer and theme are process-wide, and st.altair_chart swaps them under this lock while it
# converts a chart; LiveLossChart converts its own chart once, and must not meet Streamlit's transformer then.
ALTAIR_GLOBALS = _altair_globals_lock
DRAW_EVERY = 1.0  # seconds between redraws within an epoch, at least (a new epoch is drawn at once)
DRAW_SHARE = 0.03  # and those may take at most this share of the time (slow charts are redrawn less often)
# A new epoch is drawn whenever it lasted four drawings. Drawing then takes at most a quarter of the page's thread
# only if epochs are as short as that; in the Lab's default comparison (epochs ~1 s, a redraw ~0.01-0.03 s of CPU)
# it is a few per cent, and the guided demos' second chart (~0.08 s) still gets every epoch of ~0.7 s.
EPOCH_SHARE = 0.25


@dataclass
class Comparison:
    """Runs in the session state: they train in place, so a rerun, a Stop or another page loses nothing."""

    task: Task
    training: Parallel | Interleaved  # Parallel when started here; tests may hand in an Interleaved one
    report: Report | None = None  # set once training ends; every later redraw reads it
    stopped_by_user: bool = False
    key: str = ""  # the page's key ("lab", "demo_memory"): where the Runs page says the runs came from

    @property
    def running(self) -> bool:
        return self.report is None

    def finish(self) -> None:
        """Score the runs once, and keep them in the session's run log for the Runs page."""
        self.report = summarise(self.training.runs, self.task)
        if self.key and not self.report.table.empty:
            saved_runs.save(self.training.runs, self.task, self.report.table, self.key)

    def stop(self) -> None:
        self.training.stop("stopped by you; everything learned so far is kept")
        self.stopped_by_user = True
        self.finish()


def current(key: str) -> Comparison | None:
    return st.session_state.get(f"{key}_comparison")


def start(key: str, runs: list[RunConfig], task: Task) -> Comparison:
    """Replace the session's comparison with a fresh one, within the server's wall-time limit; training
    happens in `train_live`."""
    cap = limits.current().max_seconds
    runs = [r.replace(train=dataclasses.replace(r.train, max_seconds=min(r.train.max_seconds, cap))) for r in runs]
    slots = limits.slots(limits.current().max_concurrent)  # each worker holds one while it trains an epoch
    training = Parallel(runs, task, slots=slots, threads=limits.current().torch_threads,
                        callbacks=recorders())
    st.session_state[f"{key}_comparison"] = comparison = Comparison(task, training, key=key)
    return comparison


def paused(here: str) -> list[tuple[str, str, Comparison]]:
    """(page path, title, comparison) of every comparison left mid-run on a page other than `here`
    (a page's key; guided demos, keyed "demo_<name>", live on the home page, whose `here` is "demo")."""
    pages = {page.key: page for page in PAGES}
    found = []
    for name, value in list(st.session_state.items()):
        key = str(name).removesuffix("_comparison")
        if not isinstance(value, Comparison) or not value.running or key.split("_")[0] == here:
            continue
        if key.startswith("demo_"):
            found.append(("dashboard.py", "Guided demo", value))
        elif key in pages:
            found.append((pages[key].path, pages[key].title, value))
    return found


def show_paused(here: str) -> None:
    """In the sidebar: a link back to each comparison left mid-run on another page (a page trains only while it
    is open, so leaving it pauses its comparison; nothing learned is lost)."""
    waiting = paused(here)
    if waiting:
        st.sidebar.caption("Paused when you left; each carries on when you open it again:")
    for path, title, comparison in waiting:
        runs = comparison.training.runs
        total = runs[0].run.train.epochs  # one setting for every run of a comparison
        epoch = min((max(r.epoch - 1, 0) for r in runs if not r.finished), default=total)
        navigation.page_link(st.sidebar, path, icon=":material/pause_circle:",
                             label=f"{title} · epoch {epoch} of {total}")


def request(key: str, action: str) -> None:
    """Button callback: remember what was asked; the page acts on it when it runs."""
    st.session_state[f"{key}_action"] = action


def take_request(key: str) -> str | None:
    return st.session_state.pop(f"{key}_action", None)


def controls(key: str, action: str | None, runs: list[RunConfig], task: Task | None, label: str = "Train",
             log_default: bool = True, begin: Callable = start) -> tuple[Comparison | None, bool]:
    """Act on the last button press, then draw Train, Stop and the log-scale toggle.

    Returns the session's comparison (new, stopped or as it was) and whether the loss axis is logarithmic. Stop is
    enabled only while the comparison trains (`train_live` reruns the page when it ends, to disable it again).
    `begin(key, runs, task)` starts a comparison; pages with more to reset pass their own.
    """
    comparison = current(key)
    refused = preflight(runs, task)
    if action == "train" and runs and not refused:
        comparison = begin(key, runs, task)
    elif action == "stop" and comparison is not None and comparison.running:
        comparison.stop()
    train_col, stop_col, log_col = st.columns([1, 1, 3], vertical_alignment="center")
    train_col.button(label, type="primary", icon=":material/play_arrow:", width="stretch",
                     disabled=not runs or refused, on_click=request, args=(key, "train"))
    stop_col.button("Stop", icon=":material/stop:", width="stretch", on_click=request, args=(key, "stop"),
                    disabled=comparison is None or not comparison.running)
    if comparison is not None and not comparison.running and runs:
        changed = settings_changed([r.run for r in comparison.training.runs], runs)
        if changed:
            st.info(f"The results below are for the settings trained before ({'; '.join(changed)}). Press "
                    f"**{label}** to train what the sidebar now says.", icon=":material/history:")
    return comparison, log_col.toggle("Log-scale loss", log_default, key=f"{key}_log")


def settings_changed(trained: list[RunConfig], now: list[RunConfig], most: int = 3) -> list[str]:
    """What differs between the runs trained and the runs the widgets now describe, as "hidden units 64 → 32"
    (at most `most` of them), the architectures and the number of seeds first; empty when nothing does. The
    server's wall-time cap, applied when training starts, is not a change."""
    def plain(run: RunConfig) -> dict:
        flat = {f"{part}.{k}": v for part, fields in run.to_dict().items() for k, v in fields.items()}
        flat.pop("train.max_seconds")
        flat.pop("model.arch")
        flat.pop("train.seed")
        return flat

    said = []
    archs = (list(dict.fromkeys(r.model.arch for r in trained)), list(dict.fromkeys(r.model.arch for r in now)))
    if archs[0] != archs[1]:
        said.append(f"architectures {', '.join(archs[0]).upper()} → {', '.join(archs[1]).upper()}")
    seeds = (sorted({r.train.seed for r in trained}), sorted({r.train.seed for r in now}))
    if seeds[0] != seeds[1]:
        said.append(f"seeds {', '.join(map(str, seeds[0]))} → {', '.join(map(str, seeds[1]))}")
    before, after = plain(trained[0]), plain(now[0])
    said += [f"{name.split('.')[1].replace('_', ' ')} {before[name]} → {after[name]}"
             for name in before if before[name] != after.get(name)]
    return said[:most] + ([f"and {len(said) - most} more"] if len(said) > most else [])


def preflight(runs: list[RunConfig], task: Task | None) -> bool:
    """Estimate each run's peak memory and time before anything starts; say what does not fit this server and
    what to lower (Train stays disabled), or how many epochs the time budget will allow. True when refused."""
    if not runs or task is None:
        return False
    shape, budget = resources.Shape.of(task), limits.current().budget()
    refusals = resources.check_training(runs, shape, budget)
    for refusal in dict.fromkeys(refusals):  # one per distinct message: three archs may say the same
        st.error(f"**Too big for this server:** {refusal}", icon=":material/memory:")
    notice = None if refusals else resources.time_notice(runs, shape, budget)
    if notice:
        st.caption(f"⏱️ {notice}")
    return bool(refusals)


def progress_text(run: TrainingRun) -> str:
    epochs, done = run.run.train.epochs, max(run.epoch - 1, 0)
    last = run.history[-1] if run.history else {}
    loss = f" · validation loss {last['val_loss']:.4g}" if last else ""
    if run.status in ("diverged", "out of time"):
        return f"**{run.name}** · {run.status} after epoch {done}"
    return f"**{run.name}** · epoch {done}/{epochs}{loss}" + (" · done" if run.status == "done" else "")


def progress(runs: list[TrainingRun]) -> tuple[float, str]:
    """One bar per architecture: the share of its seeds' epochs done, and what its seeds have reached (with
    one seed, the run's own line)."""
    if len(runs) == 1:
        run = runs[0]
        return (1.0 if run.finished else max(run.epoch - 1, 0) / run.run.train.epochs), progress_text(run)
    epochs = runs[0].run.train.epochs
    done = [epochs if r.finished else max(r.epoch - 1, 0) for r in runs]
    losses = [r.history[-1]["val_loss"] for r in runs if r.history]
    trouble = sum(r.status in ("diverged", "out of time") for r in runs)
    text = (f"**{runs[0].label}** · {len(runs)} seeds · epoch {min(done)}–{max(done)} of {epochs}"
            + (f" · validation loss {min(losses):.4g}–{max(losses):.4g}" if losses else "")
            + (f" · {trouble} stopped early" if trouble else "")
            + (" · done" if all(r.finished for r in runs) else ""))
    return sum(done) / (epochs * len(runs)), text


class RedrawPolicy:
    """When a live chart is redrawn. Progress (`reached`, see `LiveCharts.reached`) is drawn as soon as it arrives,
    unless less than 1/EPOCH_SHARE times the last drawing's cost (CPU seconds of the page's thread) has passed since
    the last redraw: epochs come faster than drawing can afford. Without progress, a redraw waits at least DRAW_EVERY
    and 1/DRAW_SHARE times that cost. So a class sees every epoch that lasts longer than a few drawings, and drawing
    never takes more than about EPOCH_SHARE of the time, however slow a chart is to build. `clock` is for tests."""

    def __init__(self, every: float = DRAW_EVERY, share: float = DRAW_SHARE, epoch_share: float = EPOCH_SHARE,
                 clock: Callable[[], float] = time.monotonic):
        self.every, self.share, self.epoch_share, self.clock = every, share, epoch_share, clock
        self.drawn_at = -math.inf  # nothing drawn yet: the first record is drawn at once
        self.reached: tuple[int, ...] = ()  # the furthest epochs drawn so far
        self.cost = 0.0  # seconds the last drawing took (one-time set-up excluded)

    def due(self, reached: tuple[int, ...]) -> bool:
        waited = self.clock() - self.drawn_at
        if self.moved_on(reached):
            return waited >= self.cost / self.epoch_share
        return waited >= max(self.every, self.cost / self.share)

    def moved_on(self, reached: tuple[int, ...]) -> bool:
        return len(reached) != len(self.reached) or any(a > b for a, b in zip(reached, self.reached, strict=True))

    def drawn(self, reached: tuple[int, ...], cost: float) -> None:
        if len(reached) == len(self.reached):
            reached = tuple(max(a, b) for a, b in zip(reached, self.reached, strict=True))
        self.drawn_at, self.reached, self.cost = self.clock(), reached, cost


class LiveCharts:
    """The charts redrawn while training, when `RedrawPolicy` says so: the loss chart (cheap, see LiveLossChart)
    and an optional second chart."""

    def __init__(self, comparison: Comparison, log_scale: bool, beside=None, policy: RedrawPolicy | None = None):
        self.comparison, self.log_scale, self.beside = comparison, log_scale, beside
        self.baseline = loss_baseline(comparison.task) or (None, "")
        left, right = st.columns(2) if beside else (st.container(), None)
        self.loss_slot, self.beside_slot = left.empty(), right.empty() if right else None
        self.loss: LiveLossChart | None = None
        self.policy = policy or RedrawPolicy()

    def reached(self) -> tuple[int, ...]:
        """What the charts show of the progress: the furthest epoch of any run (where the loss curves end), then
        per architecture the epoch all its seeds have reached (where a chart of their mean stands)."""
        latest: dict[str, list[int]] = {}
        for run in self.comparison.training.runs:
            latest.setdefault(run.label, []).append(run.history[-1]["epoch"] if run.history else -1)
        return (max(max(e) for e in latest.values()), *(min(e) for e in latest.values()))

    def maybe_draw(self, force: bool = False) -> None:
        reached = self.reached()
        if not force and not self.policy.due(reached):
            return
        started = time.thread_time()
        history = pd.DataFrame(self.comparison.training.history)
        if self.loss is None and history["run_name"].nunique() == len(self.comparison.training.runs):
            with ALTAIR_GLOBALS:  # another session's thread may be inside st.altair_chart, which swaps them
                seeds = len({r.seed for r in self.comparison.training.runs})
                self.loss = LiveLossChart(history, self.log_scale, *self.baseline, title="Loss, as it trains",
                                          band=seeds > 1)
            started = time.thread_time()  # building it happens once: it says nothing of what a redraw costs
        if self.loss is not None:
            self.loss_slot.vega_lite_chart(self.loss.spec_for(history), width="stretch")
        extra = self.beside(self.comparison.training.history) if self.beside else None
        if extra is not None:
            self.beside_slot.altair_chart(extra, width="stretch")
        # until every run has a record the loss chart is not drawn: that progress is not shown yet
        self.policy.drawn(reached if self.loss is not None else (), time.thread_time() - started)


@contextmanager
def training_slot(training: Parallel | Interleaved) -> Iterator[None]:
    """Say "queued" while the server's training slots (see seqlab.app.limits) are all taken. A Parallel
    comparison's workers hold a slot each and its iteration reports the wait here, in the page's thread; an
    Interleaved one trains in the page's thread and holds one slot throughout."""
    notice, started = st.empty(), time.monotonic()

    def say_queued(waiting: int) -> None:
        notice.info(limits.wait_message(waiting, started), icon=":material/hourglass_top:")

    if isinstance(training, Parallel):
        training.on_wait = say_queued
        try:
            yield
        finally:
            training.on_wait = None
        return
    with limits.slots(limits.current().max_concurrent).hold(say_queued):
        notice.empty()
        yield


def train_live(comparison: Comparison, log_scale: bool,
               beside: Callable[[list[dict]], alt.Chart | None] | None = None,
               below: Callable[[], Callable[[dict, TrainingRun], None]] | None = None) -> None:
    """Train the comparison to its end, with a progress bar per run and the loss chart redrawn live; the runs
    train in worker threads (seqlab.training.parallel) and only this, the page's thread, draws.

    `beside(history)`, if given, draws a second live chart next to the loss chart. `below()`, if given,
    draws under the charts and returns a callback that gets every record and its run as they arrive. When the
    comparison ends the page is run again from the top (so this never returns normally), which draws its results.
    """
    torch.set_num_threads(limits.current().torch_threads)
    area = st.empty()
    with area.container():
        st.subheader("Training…")
        by_label: dict[str, list[TrainingRun]] = {}
        for r in comparison.training.runs:
            by_label.setdefault(r.label, []).append(r)
        bars = {label: st.progress(*progress(group)) for label, group in by_label.items()}
        charts = LiveCharts(comparison, log_scale, beside)
        on_record = below() if below else None
    runs = {r.name: r for r in comparison.training.runs}
    with training_slot(comparison.training):
        for record in comparison.training:
            run = runs[record["run_name"]]
            share, text = progress(by_label[run.label])
            bars[run.label].progress(share, text=text)
            if on_record:
                on_record(record, run)
            charts.maybe_draw()
    charts.maybe_draw(force=True)
    comparison.finish()
    area.empty()
    st.rerun()  # draw the page again from the top: Stop, drawn while this trained, is disabled now
