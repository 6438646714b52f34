"""Inside the cell: the hidden state, cell state and gates of a trained model, step by step, on one sequence."""

import streamlit as st

from seqlab.app import inside, live, screen
from seqlab.data import make_task
from seqlab.presets import CELL_DEMO, comparison_runs

KEY = "cell"
st.set_page_config(page_title="Inside the cell · seqlab", page_icon="🔬", layout="wide")
live.show_paused(KEY)

st.title("Inside the cell")
st.write("Pick a trained model and one sequence, and see what every unit of the network holds at every step: "
         "the hidden state, and for an LSTM or a GRU the gates that decide what to keep and what to forget.")

if live.take_request(KEY) == "train":
    live.start(KEY, comparison_runs(CELL_DEMO), make_task(CELL_DEMO.data))
comparison = live.current(KEY)
if comparison is not None and comparison.running:
    live.train_live(comparison, log_scale=True)

models = inside.trained_models()
if not models:
    st.info("No trained model in this session yet. Train one on any page or with a guided demo on the home page, "
            "or train RNN, LSTM and GRU on the adding problem (T=20) here, in a few seconds.")
st.button("Train RNN, LSTM and GRU here" if not models else "Train a fresh set here (adding problem, T=20)",
          type="primary" if not models else "secondary", on_click=live.request, args=(KEY, "train"))
if models:
    screen.settings_hint()  # the model and the sequence are picked in the sidebar
    with st.sidebar:
        name = st.selectbox("Trained model", list(models), key=f"{KEY}_model")
        run, task = models[name]
        count = min(len(task.x_test), inside.MAX_SEQUENCES)
        index = st.number_input("Test sequence", 0, count - 1, 0, key=f"{KEY}_index")
    inside.show_sequence(task, int(index))
    st.markdown(inside.prediction_sentence(run, task, int(index)))
    st.info(inside.what_to_look_for(task, int(index)), icon=":material/lightbulb:")
    inside.show_cell(run, task, int(index))
