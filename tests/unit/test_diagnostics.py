"""Gradient norms through time against a hand computation and the fused modules; weight-gradient norms; traces."""

import math
from types import SimpleNamespace

import pytest
import torch

from seqlab.analysis import diagnostics as dg
from seqlab.analysis.diagnostics import FLOOR_LOG10, GradientRecorder, grad_norms_through_time
from seqlab.config import ModelConfig
from seqlab.models.recurrent import SequenceModel, task_loss


def model(arch="rnn", hidden=1, layers=1, kind="regression", inputs=1, outputs=1, **cfg) -> SequenceModel:
    return SequenceModel(ModelConfig(arch=arch, hidden_size=hidden, num_layers=layers, **cfg), inputs, outputs,
                         kind, token_input=kind == "next-token")


def one_unit_rnn(w_ih: float, w_hh: float, v: float) -> SequenceModel:
    m = model()
    with torch.no_grad():
        for p in m.parameters():
            p.zero_()
        m.rnn.weight_ih_l0.fill_(w_ih)
        m.rnn.weight_hh_l0.fill_(w_hh)
        m.head.weight.fill_(v)
    return m


def test_one_unit_rnn_matches_the_chain_rule_by_hand():
    a, w, v, xs, y = 0.75, 1.25, 2.0, [0.5, -1.0, 0.75], 0.25  # exact in float32: the model stores them so
    h0 = math.tanh(a * xs[0])
    h1 = math.tanh(a * xs[1] + w * h0)
    h2 = math.tanh(a * xs[2] + w * h1)
    g2 = 2 * v * (v * h2 - y)  # L = (v h2 - y)^2
    g1 = g2 * w * (1 - h2 ** 2)  # dh2/dh1 = w (1 - h2^2)
    g0 = g1 * w * (1 - h1 ** 2)
    table = grad_norms_through_time(one_unit_rnn(a, w, v), torch.tensor([[[x] for x in xs]]), torch.tensor([[y]]))
    assert table["step"].tolist() == [0, 1, 2] and table["steps_back"].tolist() == [2, 1, 0]
    assert table["norm"].tolist() == pytest.approx([abs(g0), abs(g1), abs(g2)], rel=1e-12)
    assert table["log10_norm"].tolist() == pytest.approx([math.log10(abs(g)) for g in (g0, g1, g2)], rel=1e-12)
    assert not table["below_floor"].any()


def test_batch_norm_is_the_mean_of_per_sequence_norms():
    m, x, y = model("gru", hidden=4, inputs=2), torch.randn(3, 6, 2), torch.randn(3, 1)
    together = grad_norms_through_time(m, x, y)["norm"]
    alone = sum(grad_norms_through_time(m, x[b:b + 1], y[b:b + 1])["norm"] for b in range(3)) / 3
    assert together.tolist() == pytest.approx(alone.tolist(), rel=1e-9)


def split_run_grad(m: SequenceModel, x: torch.Tensor, y: torch.Tensor, t: int) -> torch.Tensor:
    """Oracle from the fused module: run it to step t, make h_t a leaf, run on, take dL/dh_t."""
    _, state = m.rnn(x[:, :t + 1])
    h = (state[0] if isinstance(state, tuple) else state).detach().requires_grad_(True)  # (1, B, H)
    rest = (h, state[1].detach()) if isinstance(state, tuple) else h
    if t + 1 < x.shape[1]:
        _, after = m.rnn(x[:, t + 1:], rest)
        final = after[0] if isinstance(after, tuple) else after
    else:
        final = h
    loss = task_loss(m.head(final[-1]), y, "regression") * len(x)
    return torch.autograd.grad(loss, h)[0][0]  # (B, H)


@pytest.mark.parametrize("arch", ["rnn", "lstm", "gru"])
def test_every_step_matches_the_fused_module_run_in_two_parts(arch):
    m, x, y = model(arch, hidden=5, inputs=2).double(), torch.randn(4, 7, 2).double(), torch.randn(4, 1).double()
    table = grad_norms_through_time(m, x, y)
    expected = [split_run_grad(m, x, y, t).norm(dim=1).mean().item() for t in range(7)]
    assert table["norm"].tolist() == pytest.approx(expected, rel=1e-8)


def test_float64_keeps_what_float32_loses_and_zeros_are_flagged_below_the_floor():
    m, x, y = one_unit_rnn(1.0, 1e-3, 1.0), torch.rand(1, 200, 1), torch.ones(1, 1)
    table = grad_norms_through_time(m, x, y).set_index("steps_back")
    single = grad_norms_through_time(m, x, y, dtype=torch.float32).set_index("steps_back")
    assert single.loc[20, "norm"] == 0 and 0 < table.loc[20, "norm"] < 1e-55  # each step multiplies by < 1e-3
    assert table.loc[150, "below_floor"] and table.loc[150, "log10_norm"] == FLOOR_LOG10
    assert not table.loc[20, "below_floor"] and table.loc[20, "log10_norm"] < -55


def test_two_layers_and_a_next_token_model_give_a_row_per_layer_and_step():
    m = model("lstm", hidden=6, layers=2, kind="next-token", inputs=10, outputs=10)
    ids = torch.randint(0, 10, (3, 8))
    table = grad_norms_through_time(m, ids, ids)
    assert len(table) == 16 and sorted(table["layer"].unique()) == [0, 1]
    assert (table["norm"] > 0).all()
    curve = dg.grad_through_time_curve(m, ids, ids)
    last = table[table["layer"] == 1].sort_values("steps_back")["log10_norm"]
    assert curve == pytest.approx(last.tolist(), abs=1e-4)  # index = steps back


def test_layer_groups_follow_the_model_layers():
    m = model("gru", hidden=4, layers=2, kind="next-token", inputs=10, outputs=10)
    groups = dg.layer_groups(m)
    assert list(groups) == ["embedding", "l0", "l1", "head"]
    assert sum(len(v) for v in groups.values()) == len(list(m.parameters()))


def test_layer_grad_norms_add_up_to_the_global_norm():
    m = model("lstm", hidden=4, layers=2, inputs=2)
    assert all(math.isnan(v) for v in dg.layer_grad_norms(m).values())  # no backward yet
    _, loss = m(torch.randn(5, 6, 2), torch.randn(5, 1))
    loss.backward()
    norms = dg.layer_grad_norms(m)
    total = torch.nn.utils.get_total_norm([p.grad for p in m.parameters()]).item()
    assert math.sqrt(sum(v ** 2 for v in norms.values())) == pytest.approx(total, rel=1e-5)


def test_cell_traces_give_every_signal_of_every_unit_and_step():
    m, x = model("lstm", hidden=3, layers=2, inputs=2), torch.randn(5, 2)
    traces = dg.cell_traces(m, x)
    assert set(traces["signal"]) == {"h", "c", "i", "f", "g", "o"}
    assert len(traces) == 2 * 6 * 5 * 3  # layers x signals x steps x units
    h_last = traces[(traces["signal"] == "h") & (traces["layer"] == 1) & (traces["step"] == 4)]
    out, _ = m.rnn(x.unsqueeze(0))
    assert h_last.sort_values("unit")["value"].tolist() == pytest.approx(out[0, -1].tolist(), abs=1e-6)
    assert traces[traces["kind"] == "gate"]["signal"].isin(["i", "f", "g", "o"]).all()


def test_cell_traces_of_a_big_model_are_bounded_by_what_is_kept_not_by_the_model():
    m, x = model("lstm", hidden=512, layers=4, inputs=2), torch.randn(1000, 2)
    marks = [3, 500]
    traces = dg.cell_traces(m, x, ["h", "f"], max_units=32, max_steps=150, keep_steps=marks)
    assert len(traces) <= 4 * 2 * 32 * (150 + len(marks))  # not 4 x 6 x 512 x 1000 = 12,288,000
    assert traces.attrs == {"steps": 1000, "units": 512, "stride": 7}
    assert set(traces["step"]) == set(range(0, 1000, 7)) | set(marks)
    out, _ = m.rnn(x.unsqueeze(0))  # the fused module's last layer, as the oracle
    h = traces[(traces["signal"] == "h") & (traces["layer"] == 3)]
    assert h["unit"].nunique() == 32
    steps, units = torch.tensor(h["step"].to_numpy()), torch.tensor(h["unit"].to_numpy())
    assert h["value"].tolist() == pytest.approx(out[0, steps, units].tolist(), abs=1e-5)
    assert set(h["unit"]) == set(out[0].std(dim=0).argsort(descending=True)[:32].tolist())  # the most active


def test_recorder_averages_layer_norms_over_steps_and_resets_each_epoch():
    m = model("rnn", hidden=4, inputs=2)
    task = SimpleNamespace(x_val=torch.randn(10, 6, 2), y_val=torch.randn(10, 1))
    recorder = GradientRecorder(m, task, probe_size=4)
    first = recorder.epoch_fields()
    assert len(first["grad_through_time"]) == 6 and math.isnan(first["layer_grad_norm_l0"])
    seen = []
    for _ in range(3):
        m.zero_grad()
        m(torch.randn(5, 6, 2), torch.randn(5, 1))[1].backward()
        recorder.after_backward()
        seen.append(dg.layer_grad_norms(m))
    fields = recorder.epoch_fields()
    assert fields["layer_grad_norm_head"] == pytest.approx(sum(s["head"] for s in seen) / 3)
    assert math.isnan(recorder.epoch_fields()["layer_grad_norm_head"])  # a new epoch starts empty


def test_recorder_skips_the_curve_of_a_bidirectional_model():
    m = model("gru", hidden=4, inputs=2, kind="classification", outputs=3, bidirectional=True)
    task = SimpleNamespace(x_val=torch.randn(10, 6, 2), y_val=torch.randint(0, 3, (10,)))
    fields = GradientRecorder(m, task).epoch_fields()
    assert fields["grad_through_time"] == [] and "layer_grad_norm_l0" in fields


def test_history_tables_are_tidy_and_skip_records_without_gradients():
    history = [
        {"label": "RNN", "arch": "rnn", "epoch": 0, "grad_norm": math.nan, "grad_through_time": [0.0, -2.0],
         "layer_grad_norm_l0": math.nan, "layer_grad_norm_head": math.nan},
        {"label": "RNN", "arch": "rnn", "epoch": 1, "grad_norm": 2.0, "grad_through_time": [0.0, FLOOR_LOG10],
         "layer_grad_norm_l0": 1.5, "layer_grad_norm_head": 1.0},
        {"label": "GRU", "arch": "gru", "epoch": 1, "grad_norm": 1.0},  # recorded without gradients
        {"label": "LSTM", "arch": "lstm", "epoch": 0, "grad_through_time": [None]},  # NaN read back from JSON
    ]
    curves = dg.grad_through_time_history(history)
    assert len(curves) == 5 and curves["below_floor"].tolist() == [False, False, False, True, False]
    assert math.isnan(curves["log10_norm"].iloc[-1])
    norms = dg.layer_grad_norm_history(history)
    assert norms[["layer", "norm"]].values.tolist() == [["l0", 1.5], ["head", 1.0], ["total", 2.0]]
