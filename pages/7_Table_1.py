"""Table 1: a small-scale replication of Bai et al. (2018)'s comparison of recurrent and convolutional networks."""

import streamlit as st

from seqlab.app import screen, table1

KEY = "table1"  # the page's session keys (table1_run, ...)
st.set_page_config(page_title="Table 1 · seqlab", page_icon="📋", layout="wide")

with st.sidebar:
    st.header("The quick table")
    archs, seeds = table1.pick()

st.title("Table 1")
st.write("Bai, Kolter & Koltun (2018) set RNN, LSTM and GRU against a temporal convolutional network (TCN) on the "
         "same tasks at equal parameter counts. Here the five architectures, a small Transformer included, meet "
         "on the adding problem, copy memory, handwritten digits read pixel by pixel (8×8 digits, 64 steps, stand "
         "in for sequential MNIST's 784) and next-character prediction on the shipped text, each sized to the "
         "parameters of one GRU. Small sequences and few epochs: where the paper's ordering does not hold at this "
         "scale, the table says so.")
screen.settings_hint()
if not archs:
    st.warning("Pick at least one architecture in the sidebar.")
elif st.button("Run the quick table", type="primary", key=f"{KEY}_run"):
    table1.run_live(archs, seeds)
table1.show_latest()
st.caption("The default table (longer sequences, more data, 3 seeds; about 10 minutes on 2 cores) and a --scale "
           "closer to the paper's sizes run from a terminal: `python -m seqlab table1 --seeds 3 --json table1.json`.")
