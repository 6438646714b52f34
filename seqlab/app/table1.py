"""The Table 1 page's parts: run the quick table live with progress, within this server's budget, and show it."""

from __future__ import annotations

import streamlit as st

from seqlab import resources
from seqlab.analysis.table1 import PAPER_SOURCE, quick_rows, row_runs, run_table, table_frame, verdicts
from seqlab.app import limits
from seqlab.config import ARCHS
from seqlab.data import make_task
from seqlab.models.recurrent import LABELS

KEY = "table1"
MAX_LIVE_SEEDS = 3


def refusals(archs: list[str], seeds: list[int]) -> list[str]:
    """What this server refuses of the quick table (every row checked before anything trains)."""
    budget, found = limits.current().budget(), []
    for row in quick_rows():
        task = make_task(row.data)
        found += resources.check_training(row_runs(row, archs, seeds, task), resources.Shape.of(task), budget)
    return list(dict.fromkeys(found))


def pick() -> tuple[list[str], list[int]]:
    archs = st.pills("Architectures", ARCHS, selection_mode="multi", default=list(ARCHS), key=f"{KEY}_archs",
                     format_func=LABELS.get)
    seeds = st.slider("Seeds", 1, MAX_LIVE_SEEDS, 1, key=f"{KEY}_seeds",
                      help="Each seed trains every architecture on every task again: about a minute a seed here.")
    return [a for a in ARCHS if a in (archs or [])], list(range(seeds))


def run_live(archs: list[str], seeds: list[int]) -> None:
    """Train the quick table now, a progress bar moving with each finished training; keep it in the session."""
    refused = refusals(archs, seeds)
    if refused:
        st.error("**Too big for this server:** " + " ".join(refused))
        return
    bar = st.progress(0.0, text="Starting…")

    def progress(what: str, done: int, total: int) -> None:
        bar.progress(done / total, text=f"{done} of {total} trainings done · last: {what}")

    results = run_table(archs, seeds, rows=quick_rows(), workers=limits.current().max_concurrent, progress=progress)
    bar.empty()
    st.session_state[f"{KEY}_results"] = {"results": results, "seeds": seeds}


def show_latest() -> None:
    """The latest table this session ran, the paper's figures beside ours, and what holds at this scale."""
    latest = st.session_state.get(f"{KEY}_results")
    if latest is None:
        st.info("No table yet in this session: press **Run the quick table** (about a minute a seed), or run the "
                "full one from a terminal: `python -m seqlab table1 --seeds 3 --csv table1.csv`.")
        return
    frame = table_frame(latest["results"])
    seeds = len(latest["seeds"])
    st.subheader(f"Ours ({seeds} seed{'s' if seeds > 1 else ''}, quick setting) beside {PAPER_SOURCE}")
    st.dataframe(frame.drop(columns=["paper setting"]), hide_index=True, width="stretch")
    st.markdown("\n".join(f"- {line}" for line in verdicts(latest["results"])))
    st.download_button("Download the table (CSV)", frame.to_csv(index=False), "seqlab-table1.csv", "text/csv",
                       key=f"{KEY}_csv")
