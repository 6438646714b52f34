"""seqlab's home page. The Lab and the other pages arrive in pages/; this page says what seqlab holds."""

import pandas as pd
import streamlit as st

from seqlab.data import REGISTRY

st.set_page_config(page_title="seqlab", page_icon="🔁", layout="wide")

st.title("seqlab: how sequence models learn")
st.write(
    "seqlab trains small recurrent networks (a vanilla RNN, an LSTM and a GRU) live on your CPU, "
    "side by side on the same data, and shows how each one learns. Every comparison is judged "
    "against an honest baseline, so you see when a network really beats the obvious guess."
)

st.subheader("Data sets")
st.caption("Every one of them works offline; a stock ticker falls back to the shipped Microsoft prices.")
tasks = pd.DataFrame(
    [{"name": k, "data set": v.title, "kind": v.kind, "group": v.group, "what it is": v.description}
     for k, v in REGISTRY.items()]
)
st.dataframe(tasks, hide_index=True, width="stretch")

st.subheader("The same runs from a terminal")
st.code("python -m seqlab compare --task adding --length 50 --archs rnn,lstm,gru --epochs 30 --seed 0", "bash")
