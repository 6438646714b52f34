"""Translation: an encoder-decoder learns to turn dates written in seven languages into ISO dates, with and
without attention; watch its translations improve, then see where attention looks."""

import streamlit as st

from seqlab.app import live, results, screen, settings, share
from seqlab.app import translation as tr

KEY = "translate"
st.set_page_config(page_title="Translation · seqlab", page_icon="🌐", layout="wide")
share.restore(KEY, share.TRANSLATE)  # a shared link sets the widgets before they are drawn
live.show_paused(KEY)
tr.training_defaults(KEY)

with st.sidebar:
    st.header("Data")
    fields, upload = tr.pick_data(KEY)
    st.header("Models")
    model, archs, attention = tr.pick_models(KEY)
    with st.expander("Training"):
        train = settings.pick_training(KEY)
        seeds = settings.pick_seeds(KEY, 2)
share.publish(KEY, share.TRANSLATE)  # the address bar now holds this setup

st.title("Translation")
st.write("An encoder reads a date written out in one of seven languages, one character at a time; a decoder writes "
         "it as YYYY-MM-DD. Without attention, everything the decoder learns of the input must pass through the "
         "encoder's final state; with attention, it looks back at every input character as it writes. Press "
         "**Train** and watch noise turn into dates.")
screen.settings_hint()

action = live.take_request(KEY)
loaded = tr.load(fields, upload, train.seed)
runs, task = [], None
if loaded:
    cfg, task = loaded
    with st.expander("The data", expanded=live.current(KEY) is None and action != "train"):
        tr.show_data(task)
    runs = tr.comparison(cfg, model, train, archs, attention, seeds)
if not archs or not attention:
    st.warning("Pick at least one cell and attention on, off or both in the sidebar.")

comparison, log_scale = live.controls(KEY, action, runs, task, begin=tr.start)

if comparison is not None and comparison.running:
    tr.train_live(comparison, log_scale, KEY)
if comparison is not None and comparison.report is not None:
    report = comparison.report
    st.subheader(f"Results · {report.task_title}")
    results.show_verdict(report, comparison.stopped_by_user)
    tr.show_examples(st.session_state.get(f"{KEY}_examples", {}))
    st.subheader("Accuracy against input length")
    tr.show_by_length(comparison, KEY)
    st.subheader("Where attention looks")
    tr.show_attention(comparison, KEY)
    with st.expander("Loss curves and every run's scores"):
        results.show_charts(report, log_scale, key=KEY)
        results.show_table(report)
    results.show_downloads(report, "seqlab-translation")
