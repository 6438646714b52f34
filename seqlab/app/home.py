"""What the home page shows: a card per page, and a diagram of an unrolled RNN and LSTM."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    key: str  # the prefix of the page's session state ("lab": lab_comparison, lab_hidden, ...)
    path: str  # as st.page_link wants it, relative to dashboard.py
    title: str
    icon: str
    picture: str  # a screenshot of the page, relative to dashboard.py
    blurb: str


PAGES = (
    Page("lab", "pages/1_Lab.py", "Lab", ":material/science:", "docs/lab.png",
         "Pick a data set, train RNN, LSTM and GRU side by side and watch the loss fall live; then compare "
         "their forecasts and metrics with an honest baseline, and download everything."),
    Page("grad", "pages/2_Gradient_flow.py", "Gradient flow", ":material/trending_down:", "docs/gradient_flow.png",
         "Why a plain RNN forgets: train the three cells on the adding problem and see, measured exactly, how much "
         "of the gradient reaches each step back in time, epoch by epoch."),
    Page("cell", "pages/3_Inside_the_cell.py", "Inside the cell", ":material/grid_on:", "docs/inside_the_cell.png",
         "Open a trained model on one sequence: the hidden state, the cell state and every gate of every unit, "
         "step by step, with the steps that matter marked."),
    Page("text", "pages/4_Text.py", "Text", ":material/edit_note:", "docs/text.png",
         "RNN, LSTM and GRU learn to write one character at a time: watch their samples turn from noise into "
         "words epoch by epoch, then give them a prompt of your own and download the trained models."),
    Page("runs", "pages/5_Runs.py", "Runs", ":material/folder_open:", "docs/runs.png",
         "Every run of your session in one place: overlay their loss curves, sort their results, see what a setting "
         "does, download weights, and get the exact command that trains a run again."),
    Page("translate", "pages/6_Translation.py", "Translation", ":material/translate:", "docs/translation.png",
         "An encoder-decoder learns to write dates from seven languages as ISO dates, with and without attention: "
         "watch its translations sharpen, see accuracy fall with input length without attention, and where "
         "attention looks."),
    Page("table1", "pages/7_Table_1.py", "Table 1", ":material/table_chart:", "docs/table1.png",
         "Is a recurrent network still the right choice? RNN, LSTM, GRU, a TCN and a small Transformer meet on Bai "
         "et al.'s tasks at equal parameter counts, over seeds, with the paper's figures beside ours."),
    Page("music", "pages/8_Music.py", "Music", ":material/music_note:", "docs/music.png",
         "A network learns Bach: RNN, LSTM and GRU read the melodies of his chorales note by note. Hear what each "
         "writes after every epoch, see it as a piano roll, then continue an opening of your own and take the MIDI."),
)
TITLES = {page.key: page.title for page in PAGES}  # the one map from a page's key to its title

CELL_DIAGRAM = """
digraph {
  rankdir=LR; bgcolor="transparent"; nodesep=0.25; ranksep=0.35;
  node [shape=box, style="rounded,filled", fillcolor="#eef3f8", color="#4c78a8", fontname="sans-serif",
        fontsize=16, width=0.7, height=0.45];
  edge [color="#333333", arrowsize=0.7, fontname="sans-serif", fontsize=14];
  subgraph cluster_lstm {
    label="LSTM"; fontname="sans-serif"; fontsize=14; color="#cccccc";
    c1 [label="c₁"]; c2 [label="c₂"]; c3 [label="c₃"]; cl [label="loss", fillcolor="#fdebd3", color="#f58518"];
    c1 -> c2 -> c3 -> cl;
    cl -> c3 -> c2 -> c1 [color="#d62728", style=dashed, label="× f", fontcolor="#d62728", constraint=false];
  }
  subgraph cluster_rnn {
    label="vanilla RNN"; fontname="sans-serif"; fontsize=14; color="#cccccc";
    r1 [label="h₁"]; r2 [label="h₂"]; r3 [label="h₃"]; rl [label="loss", fillcolor="#fdebd3", color="#f58518"];
    r1 -> r2 -> r3 -> rl;
    rl -> r3 -> r2 -> r1 [color="#d62728", style=dashed, label="× W·tanh′", fontcolor="#d62728", constraint=false];
  }
}
"""
