"""seqlab's home page: what seqlab is, its pages at a glance, and how RNN, LSTM and GRU differ."""

from pathlib import Path

import streamlit as st

from seqlab.app import demo_cards as demos
from seqlab.app import live, navigation
from seqlab.app.datasets import registry_table
from seqlab.app.home import CELL_DIAGRAM, PAGES

ROOT = Path(__file__).parent
st.set_page_config(page_title="seqlab", page_icon="🔁", layout="wide")
navigation.route()  # another page was asked for: it ran, and this script stopped there
live.show_paused("demo")

st.title("seqlab: see how sequence models learn")
st.write(
    "seqlab trains small sequence models (a vanilla RNN, an LSTM, a GRU, a temporal convolutional network and a "
    "small Transformer) live on your own CPU, side by side on the same data and over several seeds, and shows you "
    "how each one learns and what it remembers. Every comparison is judged against an honest "
    "baseline, so you see when a network beats the obvious guess and when it does not. "
    "It all works offline, from this app or from a terminal."
)

st.header("Guided demos")
st.caption("One click each: a short story, about ten seconds of training on this computer, and a conclusion drawn "
           "from what actually happened.")
demos.show_cards()
demos.show_active()

st.header("The pages")
for i, page in enumerate(PAGES):
    if i % 3 == 0:
        columns = st.columns(3)  # a new row of cards
    with columns[i % 3].container(border=True):
        if (ROOT / page.picture).exists():
            st.image(str(ROOT / page.picture), width="stretch")
        st.page_link(page.path, label=page.title, icon=page.icon)
        st.caption(page.blurb)

st.header("RNN, LSTM and GRU in three paragraphs")
text, picture = st.columns([1, 1], gap="large")
with text:
    st.markdown(
        "**Hidden state.** All three read a sequence one step at a time and carry a *hidden state* $h_t$, a "
        "vector that sums up what they have seen so far. A vanilla RNN updates it with the same weights at "
        "every step: $h_t = \\tanh(W h_{t-1} + U x_t + b)$.\n\n"
        "**Backpropagation through time.** Training unrolls the network over the steps and sends the error "
        "back along that chain. Each step back multiplies the gradient by $W$ and by the slope of tanh (at "
        "most 1), so over many steps it shrinks towards zero, or blows up. A vanilla RNN therefore struggles "
        "to learn from anything that happened long ago: the *vanishing gradient* (Bengio et al., 1994).\n\n"
        "**Gates.** An LSTM (Hochreiter & Schmidhuber, 1997) adds a *cell state* that is updated by addition, "
        "$c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$: sigmoid gates decide what to forget ($f$), what to "
        "write ($i$) and what to show ($o$). While the forget gate stays near 1, the gradient flows back along "
        "$c$ almost untouched. A GRU (Cho et al., 2014) folds this into an *update* gate and a *reset* gate "
        "with no separate cell state: fewer parameters, much the same memory."
    )
with picture:
    st.graphviz_chart(CELL_DIAGRAM, width="stretch")
    st.caption("Forward (black): each step feeds its state to the next. Backward (red): the gradient of the "
               "loss travels back one step at a time; the LSTM's cell state gives it a path with no squashing.")

st.header("Data sets")
st.caption("Every one works offline; a stock ticker falls back to the shipped Microsoft prices with a notice.")
st.table(registry_table().set_index("data set"))  # a static table: every row shown, long text wrapped

st.header("The same runs from a terminal")
st.code("python -m seqlab compare --task adding --length 50 --archs rnn,lstm,gru --epochs 30 --seed 0", "bash")
