"""Gradient flow: why a plain RNN forgets and an LSTM or GRU remembers, measured on models trained here."""

import streamlit as st

from seqlab.app import gradients, live, results, screen, settings, share

KEY = "grad"
st.set_page_config(page_title="Gradient flow · seqlab", page_icon="📉", layout="wide")
share.restore(KEY, share.GRAD)  # a shared link sets the widgets before they are drawn
live.show_paused(KEY)

with st.sidebar:
    st.header("The demo")
    template, archs, seeds = gradients.pick_demo(KEY)
share.publish(KEY, share.GRAD)  # the address bar now holds this setup

st.title("Gradient flow")
st.write(
    f"The adding problem at T={template.data.length}: the target is the sum of two numbers marked somewhere in a "
    "long sequence, so a model must carry them to the end. Training sends the error back through every step; "
    "here you see how much of that gradient arrives at each step, measured exactly on the models you train."
)
screen.settings_hint()
task = gradients.demo_task(template)
runs = settings.comparison(template.data, template.model, template.train, archs, task, False, len(seeds)) \
    if task is not None else []
settings.show_notices(runs)
comparison, log_scale = live.controls(KEY, live.take_request(KEY), runs, task, label="Run the demo")
if not archs:
    st.warning("Pick at least one architecture in the sidebar.")

if comparison is not None and comparison.running:
    live.train_live(comparison, log_scale, beside=gradients.live_decay)
if comparison is not None and comparison.report is not None:
    report = comparison.report
    results.show_verdict(report, comparison.stopped_by_user)
    decay, loss = st.columns(2, gap="large")
    with decay:
        gradients.show_decay(report.history, KEY, gradients.receptive_fields(comparison.training.runs))
        st.caption("Each line is one model: log10 of the gradient's size at each step, counted back from the "
                   "loss: with respect to each input step (every architecture), and with respect to the hidden "
                   "state (recurrent ones). A line that falls steeply means the early steps get almost no signal, "
                   "so the model cannot learn that the marked numbers there matter.")
    with loss:
        gradients.show_loss(report, log_scale)
        st.caption("Compare with the left: the models whose gradient still reaches far back are the ones whose "
                   "loss drops below the dashed line (always predicting 1).")
    st.subheader("Weight gradients per layer")
    gradients.show_layer_norms(report.history, comparison.training.runs[0].run.train.clip)
    st.caption("The size of each layer's weight gradient, averaged over an epoch, before clipping. Turn clipping "
               "off and raise the learning rate to 0.3 to watch it explode.")

st.subheader("The forget-gate bias, at initialisation")
forget_chart = gradients.forget_bias_chart(template) if task is not None else None
if forget_chart is not None:
    st.altair_chart(forget_chart, width="stretch")
st.caption("Two untrained LSTMs with the same weights but the forget gates' bias: PyTorch's default starts them "
           "half open (0.5); a bias of 1 opens them to 0.73, so the gradient decays more slowly from the start.")
