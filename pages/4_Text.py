"""Text: RNN, LSTM and GRU learn to write one character at a time; watch their samples improve, then generate."""

import streamlit as st

from seqlab.app import live, results, screen, settings, share
from seqlab.app import writing as text

KEY = "text"
st.set_page_config(page_title="Text · seqlab", page_icon="✍️", layout="wide")
share.restore(KEY, share.TEXT)  # a shared link sets the widgets before they are drawn
live.show_paused(KEY)

with st.sidebar:
    st.header("Text")
    choice = text.pick_corpus(KEY)
    picked = settings.pick_comparison(KEY)
share.publish(KEY, share.TEXT)  # the address bar now holds this setup

st.title("Text")
st.write("Each network reads a text one character at a time and learns to guess the next one. After every epoch "
         "it writes a few lines from the same prompt, so you watch noise turn into words. When training ends, "
         "give it a prompt of your own.")
screen.settings_hint()

comparison = live.current(KEY)
action = live.take_request(KEY)
loaded = text.load_text(choice, seed=picked.train.seed)
runs, task = [], None
if loaded:
    cfg, task = loaded
    for warning in task.warnings:
        st.warning(warning, icon="⚠️")
    with st.expander("The text", expanded=comparison is None and action != "train"):  # room for the live view
        text.show_corpus(task)
    runs = settings.comparison(cfg, picked.model, picked.train, picked.archs, task, picked.equal,
                                picked.seeds)
    settings.show_sizes(runs, task)
if not picked.archs:
    st.warning("Pick at least one architecture in the sidebar.")

comparison, log_scale = live.controls(KEY, action, runs, task, log_default=False, begin=text.start)

if comparison is not None and comparison.running:
    text.train_live(comparison, log_scale, KEY)
if comparison is not None and comparison.report is not None:
    report, labels = comparison.report, list(dict.fromkeys(r.label for r in comparison.training.runs))
    st.subheader(f"Results · {report.task_title}")
    results.show_verdict(report, comparison.stopped_by_user)
    results.show_charts(report, log_scale)
    text.show_samples(KEY, labels)
    text.show_sample_history(KEY)
    results.show_table(report)
    st.caption("Bits per character: how many yes/no questions the model needs, on average, to guess the next "
               "character (cross-entropy / ln 2). Perplexity: as unsure as a fair choice among that many characters.")

    st.subheader("Write with a trained model")
    text.generation(comparison, KEY)

    st.subheader("Downloads")
    results.show_downloads(report, "seqlab-text")
    text.show_model_downloads(comparison, "seqlab-text")
