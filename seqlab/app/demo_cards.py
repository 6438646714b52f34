"""The home page's guided demos: a card per story, one click to train it live, then its conclusion and charts."""

from __future__ import annotations

import streamlit as st

from seqlab.analysis.diagnostics import grad_through_time_history
from seqlab.analysis.evaluate import metrics_long
from seqlab.analysis.report import SUCCESS
from seqlab.app import gradients, live, music, results, share
from seqlab.app import translation as translating
from seqlab.app import writing as text
from seqlab.app.datasets import cached_task
from seqlab.charts import training as charts
from seqlab.charts.diagnostics import grad_through_time_chart
from seqlab.data import Task
from seqlab.demos import BY_KEY, DEMOS, Demo, conclude_over_seeds, conclusion_tone, corpus_words

ACTIVE = "demo_active"  # session key: the demo shown under the cards


def key_of(demo: Demo) -> str:
    return f"demo_{demo.key}"


def demo_task(demo_key: str) -> Task:
    return cached_task(BY_KEY[demo_key].template.data)


@st.cache_data(max_entries=2, show_spinner=False)
def _words(demo_key: str) -> set[str]:
    return corpus_words(demo_task(demo_key))


def choose(demo: Demo) -> None:
    """Card button callback: show this demo and train it (a demo still training elsewhere is stopped)."""
    for other in DEMOS:
        running = live.current(key_of(other))
        if other is not demo and running is not None and running.running:
            running.stop()
    st.session_state[ACTIVE] = demo.key
    live.request(key_of(demo), "train")


CARDS_PER_ROW = 3  # six cards in one row left each a sliver of a laptop's width


def show_cards() -> None:
    for start in range(0, len(DEMOS), CARDS_PER_ROW):
        row = DEMOS[start:start + CARDS_PER_ROW]
        for column, demo in zip(st.columns(CARDS_PER_ROW), row, strict=False):
            _card(column, demo)


def _card(column, demo: Demo) -> None:
    """One demo's card: its title, its story, and the button that runs it."""
    with column.container(border=True, height="stretch"):
        st.markdown(f"**{demo.title}**")
        st.caption(demo.story)
        st.button("Run this demo", key=f"{key_of(demo)}_start", icon=demo.icon, width="stretch",
                  type="primary" if st.session_state.get(ACTIVE) == demo.key else "secondary",
                  on_click=choose, args=(demo,))


def begin(demo: Demo):
    return {"spelling": text.start, "attention": translating.start}.get(demo.key, live.start)


def show_active() -> None:
    """The chosen demo: trained live on its first showing, then its conclusion and the charts that prove it."""
    demo = BY_KEY.get(st.session_state.get(ACTIVE, ""))
    if demo is None:
        return
    key = key_of(demo)
    task = demo_task(demo.key)
    with st.container(border=True, key=f"{key}_panel"):
        st.subheader(demo.title)
        st.write(demo.story)
        comparison, log_scale = live.controls(key, live.take_request(key), demo.runs, task, label="Run it again",
                                              log_default=demo.key != "spelling", begin=begin(demo))
        if comparison is None:
            return
        if comparison.running:
            if demo.key == "spelling":
                text.train_live(comparison, log_scale, key)
            elif demo.key == "attention":
                translating.train_live(comparison, log_scale, key)
            elif demo.key == "bach":
                music.train_live(comparison, log_scale, key)
            else:
                live.train_live(comparison, log_scale,
                                beside=gradients.live_decay if demo.key == "forgetting" else None)
        show_result(demo, comparison, log_scale)


def show_result(demo: Demo, comparison: live.Comparison, log_scale: bool) -> None:
    report, key = comparison.report, key_of(demo)
    words = _words(demo.key) if demo.key == "spelling" else set()
    conclusion = conclude_over_seeds(demo, report, text.samples(key), words)
    if comparison.stopped_by_user:
        st.info("Stopped before the end: the conclusion reads the epochs trained so far.", icon="⏹️")
    tone = conclusion_tone(demo, report, text.samples(key), words)  # a story that held: green, with a lightbulb
    results.alert(tone, conclusion, icon=":material/lightbulb:" if tone == SUCCESS else None)
    # the forecast's two panels need the full width; the other demos' second chart fits beside the loss
    left, right = st.columns(2) if demo.key != "forecast" else (st.container(), st.container())
    baseline = report.loss_baseline or (None, "")
    left.altair_chart(charts.loss_chart(report.history, log_scale, *baseline, units=report.loss_units),
                      width="stretch")
    with right:
        if demo.key == "forgetting":
            frame = grad_through_time_history(report.history.to_dict("records"))
            last = frame[frame["epoch"] == frame["epoch"].max()]
            st.altair_chart(grad_through_time_chart(last, title="How far back the gradient reaches, after training"),
                            width="stretch")
        elif demo.key == "forecast" and report.predictions_kind == "forecast":
            st.altair_chart(charts.predictions_chart(report.predictions, unit=comparison.task.unit), width="stretch")
        elif demo.key == "attention":
            frame = translating.by_length(comparison, key)
            st.altair_chart(translating.charts.length_accuracy_chart(frame), width="stretch")
            st.caption(translating.tr.length_verdict(frame))
        elif demo.key == "bach":
            music.show_in_key(comparison)
        elif demo.key == "memory":
            named = metrics_long(results.bars_table(report), ("accuracy",))
            st.altair_chart(charts.metrics_chart(named, title="Test digits named correctly"), width="stretch")
        else:
            text.show_samples(key, list(dict.fromkeys(r.label for r in comparison.training.runs)))
    if demo.key == "spelling":
        text.show_sample_history(key)
    if demo.key == "bach":
        music.show_last_melodies(comparison, key)
    results.show_problems(report)
    if demo.key == "attention":
        translating.show_examples(st.session_state.get(f"{key}_examples", {}))
    st.page_link(demo.page, label="Explore this further, with these settings", icon=":material/arrow_forward:",
                 query_params=share.demo_query(demo))
