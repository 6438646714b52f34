"""The Lab: pick a data set and architectures, train them side by side, judge them against an honest baseline."""

import streamlit as st

from seqlab.app import data, live, results, settings

KEY = "lab"
st.set_page_config(page_title="Lab · seqlab", page_icon="🧪", layout="wide")

with st.sidebar:
    st.header("Data")
    choice = data.pick_data(KEY)
    st.header("Models")
    archs = settings.pick_archs(KEY)
    model, equal = settings.pick_model(KEY)
    with st.expander("Training", expanded=True):
        train = settings.pick_training(KEY)

st.title("Lab")
st.write("Choose a data set and architectures in the sidebar, press **Train**, and watch them learn side by side "
         "on the same data. Every result is judged against an honest baseline.")

comparison = live.current(KEY)
loaded = data.load_task(choice, KEY, seed=train.seed)
runs = []
if loaded:
    cfg, task = loaded
    with st.expander("The data", expanded=comparison is None):
        data.show_data(task)
    runs = settings.comparison(cfg, model, train, archs, task, equal)
    settings.show_sizes(runs, task)
if not archs:
    st.warning("Pick at least one architecture in the sidebar.")

action = live.take_request(KEY)
if action == "train" and runs:
    comparison = live.start(KEY, runs, task)
elif action == "stop" and comparison is not None and comparison.running:
    comparison.stop()

train_col, stop_col, log_col = st.columns([1, 1, 3], vertical_alignment="center")
train_col.button("Train", type="primary", icon=":material/play_arrow:", width="stretch", disabled=not runs,
                 on_click=live.request, args=(KEY, "train"))
stop_col.button("Stop", icon=":material/stop:", width="stretch", on_click=live.request, args=(KEY, "stop"),
                disabled=comparison is None or not comparison.running)
log_scale = log_col.toggle("Log-scale loss", True, key=f"{KEY}_log")

if comparison is not None and comparison.running:
    live.train_live(comparison, log_scale)
if comparison is not None and comparison.report is not None:
    results.show_report(comparison.report, comparison.stopped_by_user, log_scale, unit=comparison.task.unit,
                        name=f"seqlab-{comparison.task.name}")
