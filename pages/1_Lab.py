"""The Lab: pick a data set and architectures, train them side by side, judge them against an honest baseline."""

import streamlit as st

from seqlab.app import datasets as data
from seqlab.app import live, results, screen, settings, share

KEY = "lab"
st.set_page_config(page_title="Lab · seqlab", page_icon="🧪", layout="wide")
share.restore(KEY, share.LAB)  # a shared link sets the widgets before they are drawn
live.show_paused(KEY)

with st.sidebar:
    st.header("Data")
    choice = data.pick_data(KEY)
    picked = settings.pick_comparison(KEY, training_open=True)

st.title("Lab")
st.write("Choose a data set and architectures in the sidebar, press **Train**, and watch them learn side by side "
         "on the same data. Every result is judged against an honest baseline.")
screen.settings_hint()

action = live.take_request(KEY)
first_run = live.current(KEY) is None and action != "train"  # the data stays open until something is trained
loaded = data.load_task(choice, KEY, seed=picked.train.seed)  # draws the column picker, if the data has columns
share.publish(KEY, share.LAB)  # the address bar now holds this setup
runs, task = [], None
if loaded:
    cfg, task = loaded
    with st.expander("The data", expanded=first_run):
        data.show_data(task)
    runs = settings.comparison(cfg, picked.model, picked.train, picked.archs, task, picked.equal,
                                picked.seeds)
    settings.show_sizes(runs, task)
if not picked.archs:
    st.warning("Pick at least one architecture in the sidebar.")

comparison, log_scale = live.controls(KEY, action, runs, task)

if comparison is not None and comparison.running:
    live.train_live(comparison, log_scale)
if comparison is not None and comparison.report is not None:
    results.show_report(comparison.report, comparison.stopped_by_user, log_scale, unit=comparison.task.unit,
                        name=f"seqlab-{comparison.task.name}")
