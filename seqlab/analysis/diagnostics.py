"""Gradient norms back through time (w.r.t. hidden states and w.r.t. inputs), weight-gradient norms per layer, and
gate and state traces of trained models.

Tables are tidy pandas DataFrames (one row per value), ready for `seqlab.charts.diagnostics`.
"""

from __future__ import annotations

import copy
import math
import re
import weakref

import pandas as pd
import torch
import torch.nn.functional as F

from seqlab.models.cells import GATE_NAMES, Trace, run_model
from seqlab.models.recurrent import is_recurrent, task_loss
from seqlab.training.callbacks import Callback

FLOOR = 1e-300  # norms below this (0 included: float64 underflow) are reported as "below 1e-300"
FLOOR_LOG10 = -300.0  # the log10 value written in their place; `below_floor` flags them
PROBE_SIZE = 8  # validation sequences in the probe batch; 8 keeps the per-epoch probe under 10% of an epoch
GRAD_THROUGH_TIME = "grad_through_time"  # record key: list of log10 ||dL/dh_t||, last layer, index = steps back
INPUT_GRAD = "input_grad_through_time"  # record key: list of log10 ||dL/dx_t||, index = steps back (every arch)
LAYER_NORM_PREFIX = "layer_grad_norm_"  # record keys: layer_grad_norm_l0, ..._head, ..._embedding


def last_step_output(model: torch.nn.Module, trace: Trace) -> torch.Tensor:
    """The model's prediction from the last step's hidden state of the last layer, in the trace's dtype.

    Regression and classification heads read the final hidden state anyway; for a next-token
    model this is the prediction of the last step only: (B, output_size).
    """
    head = model.head
    h_last = trace.hidden_steps[-1][-1]  # (B, H)
    return F.linear(h_last, head.weight.detach().to(h_last.dtype), head.bias.detach().to(h_last.dtype))


def last_step_loss(model: torch.nn.Module, trace: Trace, y: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of each sequence's own loss at the last step (the model's loss function)."""
    output = last_step_output(model, trace)
    if model.kind == "next-token":
        y = y[:, -1]  # (B,) the last step's target token
    elif model.kind == "regression":
        y = y.to(output.dtype)
    return task_loss(output, y, model.kind)


def hidden_grad_norms(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor,
                      dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """(layers, T) tensor: mean over the B sequences of ||dL_b/dh_t|| for every layer and step t.

    L_b is sequence b's own loss at the last step. Each sequence's hidden states reach only its
    own loss, so row b of d(sum_b L_b)/dh_t is exactly dL_b/dh_t: one backward pass gives them all.
    """
    with torch.enable_grad():
        trace = run_model(model, x, dtype=dtype, differentiable=True)
        loss = last_step_loss(model, trace, y) * len(x)  # sum over sequences of each one's loss
        steps = [h for layer in trace.hidden_steps for h in layer]
        grads = torch.autograd.grad(loss, steps, allow_unused=True)
    grads = [torch.zeros_like(h) if g is None else g for g, h in zip(grads, steps, strict=True)]
    norms = torch.stack(grads).norm(dim=2)  # (layers*T, B): one norm per sequence
    return norms.mean(dim=1).view(trace.num_layers, -1)  # (layers, T)


def floored_log10(norms: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(log10 of the norms with FLOOR_LOG10 below the floor, boolean below-floor mask)."""
    below = norms < FLOOR
    return torch.where(below, torch.full_like(norms, FLOOR_LOG10), norms.clamp_min(FLOOR).log10()), below


def grad_norms_through_time(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor,
                            dtype: torch.dtype = torch.float64) -> pd.DataFrame:
    """How much the loss at the last step feels each earlier hidden state: ||dL/dh_t|| per layer and step.

    x, y: a batch of B sequences and their targets, as the model takes them. The norm at (layer, t)
    is the mean over the batch of per-sequence norms ||dL_b/dh_t|| (not the norm of the
    batch-summed gradient, where sequences could cancel), where L_b is the model's loss on
    sequence b's prediction from the final hidden state (next-token models: the last step's
    prediction). Exact (autograd through the explicit cells on the trained weights, no dropout),
    in float64 by default: a vanilla RNN's norms fall below float32's range after a few dozen steps.

    Returns one row per layer and step, columns:
      layer (0 = first), step (t, 0-based), steps_back (T-1-t: 0 is the step the loss reads),
      norm (float), log10_norm (FLOOR_LOG10 = -300 where below_floor), below_floor (bool: the norm is
      under 1e-300, usually exactly 0 because even float64 underflowed; shown as "below 1e-300").
    """
    norms = hidden_grad_norms(model, x, y, dtype)  # (L, T)
    layers, steps = norms.shape
    log10, below = floored_log10(norms)
    return pd.DataFrame({
        "layer": torch.arange(layers).repeat_interleave(steps).numpy(),
        "step": torch.arange(steps).repeat(layers).numpy(),
        "steps_back": (steps - 1 - torch.arange(steps)).repeat(layers).numpy(),
        "norm": norms.flatten().numpy(), "log10_norm": log10.flatten().numpy(),
        "below_floor": below.flatten().numpy(),
    })


def input_grad_norms(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor,
                     dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """(T,) tensor: mean over the B sequences of ||dL_b/dx_{b,t}||, the gradient of sequence b's own loss at the
    last step with respect to what the model reads at step t (its features, or its token's embedding).

    Every architecture has it, recurrent or not: it is how far back the loss reaches into the input. L_b is the
    loss of `last_step_loss` (the last step's prediction), so a TCN's norms are exactly 0 beyond its receptive
    field. Sequences do not mix inside a model, so row b of d(sum_b L_b)/dx is dL_b/dx_b: one backward pass gives
    every sequence's gradient. Exact: autograd through a float64 copy of the model in evaluation mode (no
    dropout), on which a vanilla RNN's norms stay above float32's underflow for hundreds of steps.
    """
    twin = copy.deepcopy(model).to(dtype).eval()  # the trained model is left as it is, mode and dtype alike
    with torch.enable_grad():
        e = twin.inputs(x).detach().to(dtype).requires_grad_(True)  # (B, T, F)
        output, _ = twin.from_inputs(e)
        if twin.kind == "next-token":
            output, y = output[:, -1], y[:, -1]  # (B, V), (B,): the last step's prediction and target
        target = y.to(dtype) if twin.kind == "regression" else y
        loss = task_loss(output, target, twin.kind) * len(x)  # sum over sequences of each one's loss
        (grad,) = torch.autograd.grad(loss, e)
    return grad.norm(dim=2).mean(dim=0)  # (T,)


def input_grad_curve(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> list[float]:
    """log10 ||dL/dx_t|| as plain floats, index = steps back (FLOOR_LOG10 where below the floor: a TCN's norms
    beyond its receptive field are exactly 0)."""
    norms = input_grad_norms(model, x, y).flip(0)  # (T,), steps back 0, 1, ...
    return [round(v, 4) for v in floored_log10(norms)[0].tolist()]


def input_grads_through_time(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> pd.DataFrame:
    """`input_grad_norms` as a table: step, steps_back, norm, log10_norm, below_floor (as `grad_norms_through_time`
    has them, without layers)."""
    norms = input_grad_norms(model, x, y)
    steps = len(norms)
    log10, below = floored_log10(norms)
    return pd.DataFrame({"step": range(steps), "steps_back": range(steps - 1, -1, -1), "norm": norms.numpy(),
                         "log10_norm": log10.numpy(), "below_floor": below.numpy()})


MAX_ATTENTION_STEPS = 60  # steps per axis of an attention map: 3,600 cells a panel


def attention_table(model: torch.nn.Module, x: torch.Tensor, max_steps: int = MAX_ATTENTION_STEPS,
                    keep_steps=()) -> pd.DataFrame:
    """A Transformer's attention weights over one sequence, per layer and head, as a tidy table: layer, head, query
    (the step that looks), key (the step looked at), weight (rows sum to 1 over all keys).

    x: one sequence, (T, F) or (T,) token ids. Beyond `max_steps` steps, every k-th step is kept on both axes (k the
    smallest that leaves at most `max_steps`), and `keep_steps` always; `attrs` say steps (T) and stride (k).
    """
    if x.dim() == (1 if model.embed is not None else 2):
        x = x.unsqueeze(0)
    maps = model.attention_maps(x[:1])  # [layer] (1, h, T, T)
    steps = maps[0].shape[-1]
    stride = max(1, math.ceil(steps / max_steps))
    kept = torch.tensor(sorted(set(range(0, steps, stride)) | {int(s) for s in keep_steps if 0 <= s < steps}))
    frames = []
    for layer, weights in enumerate(maps):
        w = weights[0][:, kept][:, :, kept]  # (h, S, S)
        heads, shown = w.shape[0], len(kept)
        frames.append(pd.DataFrame({
            "layer": layer, "head": torch.arange(heads).repeat_interleave(shown * shown).numpy(),
            "query": kept.repeat_interleave(shown).repeat(heads).numpy(), "key": kept.repeat(shown * heads).numpy(),
            "weight": w.flatten().double().numpy(),
        }))
    table = pd.concat(frames, ignore_index=True)
    table.attrs.update(steps=steps, stride=stride)
    return table


def probe_batch(task, size: int = PROBE_SIZE) -> tuple[torch.Tensor, torch.Tensor]:
    """The first `size` validation sequences and targets: a fixed batch to compare epochs and models on."""
    return task.x_val[:size], task.y_val[:size]


def compare_grad_norms(runs, task, size: int = PROBE_SIZE) -> pd.DataFrame:
    """`grad_norms_through_time` for several trained runs (anything with .model and .label) on one probe
    batch, with `label` and `arch` columns added: one table for a chart of every architecture."""
    x, y = probe_batch(task, size)
    tables = [grad_norms_through_time(r.model, x, y).assign(label=r.label, arch=r.model.cfg.arch) for r in runs]
    return pd.concat(tables, ignore_index=True)


def grad_through_time_curve(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> list[float]:
    """The last layer's log10 ||dL/dh_t|| as plain floats, index = steps back (FLOOR_LOG10 below the floor)."""
    norms = hidden_grad_norms(model, x, y)[-1].flip(0)  # (T,), steps back 0, 1, ...
    return [round(v, 4) for v in floored_log10(norms)[0].tolist()]


def cell_traces(model: torch.nn.Module, x: torch.Tensor, signals: list[str] | None = None,
                max_units: int | None = None, max_steps: int | None = None, keep_steps=()) -> pd.DataFrame:
    """Gates and states of the units at the steps of one sequence, for heatmaps: all of them by default.

    x: one sequence, (T, F) features or (T,) token ids (or the same with a leading batch of 1).
    Columns: layer (0 = first), signal (a key of GATE_NAMES: "h", "c" for LSTM, then the gates
    i f g o / r z n / pre), name (GATE_NAMES[signal]), kind ("state" or "gate"), step, unit, value.

    A table has a row per value, so a 4-layer, hidden-512 LSTM on 1,000 steps gives 12 million rows (2.5 GB)
    for a heatmap that shows a few thousand. The choice is made on the tensors, before any row exists:
    `signals` keeps only those; `max_units` keeps, in each layer, the units whose hidden state h varies most
    over the sequence (`strongest_units`); `max_steps` keeps every k-th step (k the smallest that leaves at most
    `max_steps`), and `keep_steps` always. Then the table has at most layers x signals x max_units x
    (max_steps + len(keep_steps)) rows whatever the model's size. `attrs` say what was kept of what:
    steps (T), units (H) and stride (k).
    """
    if x.dim() == (2 if model.embed is not None else 3):
        x = x[0]
    with torch.no_grad():
        trace = run_model(model, x.unsqueeze(0))
    hidden = trace.hidden  # [layer] (1, T, H)
    found = {"h": hidden, **({"c": trace.cell} if trace.cell is not None else {}), **trace.gates}
    steps, units = hidden[0].shape[1:]
    stride = max(1, math.ceil(steps / max_steps)) if max_steps else 1
    kept = sorted(set(range(0, steps, stride)) | {int(s) for s in keep_steps if 0 <= s < steps})
    at = torch.tensor(kept)  # (S,)
    frames = []
    for layer in range(trace.num_layers):
        chosen = strongest_units(hidden[layer][0], max_units or units)  # (K,)
        for signal in (signals or found):
            if signal not in found:
                continue
            values = found[signal][layer][0][at][:, chosen]  # (S, K)
            frames.append(pd.DataFrame({
                "layer": layer, "signal": signal, "name": GATE_NAMES[signal],
                "kind": "state" if signal in ("h", "c") else "gate",
                "step": at.repeat_interleave(len(chosen)).numpy(), "unit": chosen.repeat(len(at)).numpy(),
                "value": values.flatten().numpy(),
            }))
    columns = ["layer", "signal", "name", "kind", "step", "unit", "value"]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    table.attrs.update(steps=steps, units=units, stride=stride)
    return table


def strongest_units(h: torch.Tensor, count: int) -> torch.Tensor:
    """The `count` units whose h (T, H) varies most over time (standard deviation, ties to the lower unit), in
    unit order: the ones worth a row of a heatmap."""
    spread = torch.nan_to_num(h.double().std(dim=0)) if len(h) > 1 else h.new_zeros(h.shape[1])  # (H,)
    return torch.argsort(spread, descending=True, stable=True)[:count].sort().values


def layer_of(name: str) -> str:
    """The group of a model's parameter: "embedding" (or the Transformer's input map), "l0", "l1", ... (recurrent
    layers, TCN levels, Transformer blocks), "head", or any other top-level module (the Transformer's "norm")."""
    if name.startswith(("embed.", "project.")):
        return "embedding"
    block = re.match(r"blocks\.(\d+)\.", name)
    if block:
        return f"l{block.group(1)}"
    found = re.search(r"_l(\d+)(_reverse)?$", name)
    if name.startswith("rnn.") and found:
        return f"l{found.group(1)}"
    return name.split(".")[0]  # "head", or any other top-level module


def layer_groups(model: torch.nn.Module) -> dict[str, list[torch.nn.Parameter]]:
    """Trainable parameters grouped by layer, in model order: embedding, l0, l1, ..., head."""
    groups: dict[str, list] = {}
    for name, p in model.named_parameters():
        if p.requires_grad:
            groups.setdefault(layer_of(name), []).append(p)
    return groups


def layer_grad_norms(model: torch.nn.Module) -> dict[str, float]:
    """After backward: the 2-norm of each layer group's gradient, e.g. {"l0": 0.8, "head": 0.3}.

    Layers without gradients yet get NaN. The global norm that clipping uses is the root of the
    sum of their squares.
    """
    return {layer: _group_norm(params).item() for layer, params in layer_groups(model).items()}


def _group_norm(params: list[torch.nn.Parameter]) -> torch.Tensor:
    grads = [p.grad for p in params if p.grad is not None]
    return torch.nn.utils.get_total_norm(grads) if grads else torch.tensor(math.nan)


class GradientRecorder:
    """Per-epoch gradient diagnostics for a training loop that knows nothing of the architecture.

    Call `after_backward()` after each backward pass (before clipping) and merge `epoch_fields()`
    into the epoch's record. The fields, all JSON-friendly:
      input_grad_through_time: `input_grad_curve` of the model on a fixed probe batch (the first
        PROBE_SIZE validation sequences), a list of floats indexed by steps back; every architecture;
      grad_through_time: `grad_through_time_curve` on the same batch, recurrent models only (RNN, LSTM, GRU:
        the ones with a hidden state h_t);
      layer_grad_norm_<layer>: the mean over the epoch's steps of each layer group's gradient norm
        before clipping (NaN at epoch 0, which has no steps).
    """

    def __init__(self, model: torch.nn.Module, task, probe_size: int = PROBE_SIZE):
        self.model = model
        self.inputs = probe_batch(task, probe_size)
        self.recurrent = is_recurrent(model)
        one_way = self.recurrent and not model.rnn.bidirectional  # cells: one way only
        self.x, self.y = probe_batch(task, probe_size if one_way else 0)
        self.groups = layer_groups(model)
        self.params = [p for params in self.groups.values() for p in params]
        self.group_of = torch.tensor([g for g, params in enumerate(self.groups.values()) for _ in params])  # (P,)
        self._norms: list[torch.Tensor] = []  # this epoch's per-parameter gradient norms, one (P,) per step

    def after_backward(self) -> None:
        """Keep this step's per-parameter gradient norms: one foreach kernel, as this runs on every step."""
        grads = [p.grad if p.grad is not None else p.new_zeros(()) for p in self.params]
        self._norms.append(torch.stack(torch._foreach_norm(grads)))  # (P,)

    def layer_means(self) -> list[float]:
        """Per layer group, the mean over the epoch's steps of its gradient norm (NaN without steps)."""
        if not self._norms:
            return [math.nan] * len(self.groups)
        squares = torch.stack(self._norms).double().square()  # (steps, P)
        per_group = squares.new_zeros(len(squares), len(self.groups)).index_add_(1, self.group_of, squares)
        return per_group.sqrt().mean(dim=0).tolist()  # (groups,)

    def epoch_fields(self) -> dict:
        means, self._norms = self.layer_means(), []
        curves = {INPUT_GRAD: input_grad_curve(self.model, *self.inputs) if len(self.inputs[0]) else []}
        if self.recurrent:
            curves[GRAD_THROUGH_TIME] = grad_through_time_curve(self.model, self.x, self.y) if len(self.x) else []
        return {**curves, **{LAYER_NORM_PREFIX + g: m for g, m in zip(self.groups, means, strict=True)}}


class GradientRecording(Callback):
    """The training callback (seqlab.training.callbacks) that records gradient diagnostics for every run whose
    `TrainConfig.record_gradients` is on, with a `GradientRecorder` per run: its fields join every record
    (`grad_through_time` and `layer_grad_norm_<layer>`). Runs with recording off are left alone, so one
    `GradientRecording()` can go to every training. The training's numbers are the same with it or without it.
    """

    def __init__(self, probe_size: int = PROBE_SIZE):
        self.probe_size = probe_size
        self.recorders = weakref.WeakKeyDictionary()  # TrainingRun -> its GradientRecorder, gone with the run

    def on_train_start(self, run) -> None:
        if run.run.train.record_gradients:
            self.recorders[run] = GradientRecorder(run.model, run.task, self.probe_size)

    def after_backward(self, run) -> None:
        recorder = self.recorders.get(run)
        if recorder is not None:
            recorder.after_backward()

    def on_epoch_end(self, run, record: dict) -> None:
        recorder = self.recorders.get(run)
        if recorder is not None:
            record.update(recorder.epoch_fields())


def grad_through_time_history(history: list[dict], key: str = GRAD_THROUGH_TIME) -> pd.DataFrame:
    """The `grad_through_time` curves of a history (or those of another key, such as INPUT_GRAD) as one tidy table.

    Columns: label, arch, seed, epoch, steps_back, log10_norm, below_floor. Records without the key
    (recording was off, or a model without hidden states) are skipped; null values (NaN read back from JSON)
    become NaN.
    """
    rows = [{"label": rec["label"], "arch": rec["arch"], "seed": rec.get("seed", 0), "epoch": rec["epoch"],
             "steps_back": back,
             "log10_norm": math.nan if value is None else value,
             "below_floor": value is not None and value <= FLOOR_LOG10}
            for rec in history for back, value in enumerate(_curve(rec.get(key)))]
    return pd.DataFrame(rows, columns=["label", "arch", "seed", "epoch", "steps_back", "log10_norm", "below_floor"])


def _curve(value) -> list:
    """A record's curve, or [] where it has none (a key missing, or NaN where a table filled the gap)."""
    return list(value) if isinstance(value, (list, tuple)) else []


def layer_grad_norm_history(history: list[dict]) -> pd.DataFrame:
    """Per-layer weight-gradient norms of a history as one tidy table: label, arch, epoch, layer, norm.

    `layer` is "embedding", "l0", "l1", ..., "head", plus "total": the global norm before clipping
    (the record's `grad_norm`), the one the clipping threshold applies to. Epoch 0 (no steps) is left out.
    """
    rows = []
    for rec in history:
        norms = {k[len(LAYER_NORM_PREFIX):]: v for k, v in rec.items() if k.startswith(LAYER_NORM_PREFIX)}
        if norms and rec["epoch"] > 0:
            norms["total"] = rec.get("grad_norm", math.nan)
            rows += [{"label": rec["label"], "arch": rec["arch"], "epoch": rec["epoch"], "layer": layer, "norm": v}
                     for layer, v in norms.items()]
    return pd.DataFrame(rows, columns=["label", "arch", "epoch", "layer", "norm"])


def forget_bias_effect(model_cfg, task, seed: int, bias: float = 1.0, size: int = PROBE_SIZE) -> pd.DataFrame:
    """Gradient through time of two untrained LSTMs with the same weights but for the forget-gate bias:
    PyTorch's default start (gates about half open) and `bias` (Gers et al. 2000 use 1.0).

    Returns the `compare_grad_norms` table with labels "LSTM, default start" and "LSTM, forget bias <bias>".
    """
    from dataclasses import replace
    from types import SimpleNamespace

    from seqlab.models.recurrent import build_model, seeded

    models = []
    for label, value in (("LSTM, default start", None), (f"LSTM, forget bias {bias:g}", bias)):
        with seeded(seed):  # the same weights but for the bias
            model = build_model(replace(model_cfg, arch="lstm", forget_bias=value), task)
        models.append(SimpleNamespace(label=label, model=model))  # what compare_grad_norms reads of a run
    return compare_grad_norms(models, task, size)


__all__ = ["FLOOR", "FLOOR_LOG10", "GRAD_THROUGH_TIME", "LAYER_NORM_PREFIX", "PROBE_SIZE", "GradientRecorder",
           "GradientRecording",
           "cell_traces", "compare_grad_norms", "floored_log10", "forget_bias_effect", "grad_norms_through_time",
           "grad_through_time_curve", "grad_through_time_history", "hidden_grad_norms", "INPUT_GRAD",
           "input_grad_curve",
           "input_grad_norms", "input_grads_through_time", "MAX_ATTENTION_STEPS", "attention_table", "last_step_loss",
           "last_step_output", "layer_grad_norm_history", "layer_grad_norms", "layer_groups", "layer_of",
           "probe_batch", "strongest_units"]
