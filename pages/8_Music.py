"""Music: RNN, LSTM and GRU learn the melodies of Bach's chorales note by note; hear them epoch by epoch."""

import streamlit as st

from seqlab.app import live, music, results, screen, settings, share
from seqlab.app import writing as text

KEY = "music"
st.set_page_config(page_title="Music · seqlab", page_icon="🎵", layout="wide")
share.restore(KEY, share.MUSIC)  # a shared link sets the widgets before they are drawn
live.show_paused(KEY)

with st.sidebar:
    st.header("Music")
    fields = music.pick_data(KEY)
    picked = settings.pick_comparison(KEY)
share.publish(KEY, share.MUSIC)  # the address bar now holds this setup

st.title("Music")
st.write("Each network reads the melodies of Bach's chorales one note at a time, a pitch and a length, and learns to "
         "guess the next one. After every epoch it continues the same opening, drawn as it trains; then pick any "
         "epoch and hear noise turn into something Bach might have sung. When training ends, give it an opening of "
         "your own.")
screen.settings_hint()

comparison = live.current(KEY)
action = live.take_request(KEY)
loaded = music.load(fields, seed=picked.train.seed)
runs, task = [], None
if loaded:
    cfg, task = loaded
    with st.expander("The chorales", expanded=comparison is None and action != "train"):
        music.show_corpus(cfg, task)
    runs = settings.comparison(cfg, picked.model, picked.train, picked.archs, task, picked.equal,
                                picked.seeds)
    settings.show_sizes(runs, task)
if not picked.archs:
    st.warning("Pick at least one architecture in the sidebar.")

comparison, log_scale = live.controls(KEY, action, runs, task, log_default=False)

if comparison is not None and comparison.running:
    music.train_live(comparison, log_scale, KEY)
if comparison is not None and comparison.report is not None:
    report = comparison.report
    st.subheader(f"Results · {report.task_title}")
    results.show_verdict(report, comparison.stopped_by_user)
    results.show_charts(report, log_scale)
    music.show_results(comparison, KEY)
    results.show_table(report)
    st.caption("Bits per note: how many yes/no questions the model needs, on average, to guess the next note, pitch "
               "and length together (cross-entropy / ln 2). Perplexity: as unsure as a fair choice among that many "
               "notes.")

    st.subheader("Continue a melody")
    music.continuation(comparison, KEY)

    st.subheader("Downloads")
    results.show_downloads(report, "seqlab-music")
    text.show_model_downloads(comparison, "seqlab-music", tokens="note")
