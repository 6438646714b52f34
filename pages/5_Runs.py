"""Runs: every run of this session, compared side by side, exported, reproduced; and results files opened again."""

import streamlit as st

from seqlab.app import live, runs, screen, sweeps

st.set_page_config(page_title="Runs · seqlab", page_icon="🗂️", layout="wide")
live.show_paused("runs")
st.title("Runs")
st.write("Every run you finish or stop in this session lands here, from any page and any guided demo. Pick some "
         "to overlay their loss curves, sort their results, see what a setting does, and take any of them home: "
         "its history, results, weights, and the exact command that trains it again.")
screen.settings_hint()

with st.sidebar:
    st.header("Open a results file")
    runs.import_results()
    sweeps.open_sweep()
if sweeps.show_sweep():  # a sweep's results file, opened in the sidebar
    st.divider()

log = runs.session_log()
if notice := runs.dropped_notice(log):
    st.info(notice, icon=":material/inventory_2:")
if not log.runs:
    st.info("No runs yet. Train something in the Lab, on another page or with a guided demo on the home page, or "
            "open a results JSON in the sidebar.", icon=":material/info:")
    st.page_link("pages/1_Lab.py", label="Go to the Lab", icon=":material/science:")
    st.stop()

picked = runs.pick_runs(log)
if not picked:
    st.warning("Pick at least one run above.")
    st.stop()

st.subheader("Loss curves")
runs.show_curves(picked)
st.subheader("Results")
table = runs.show_table(picked)
st.subheader("A setting against the loss")
runs.show_setting(table)
st.subheader("Export and reproduce")
runs.show_exports(picked)
