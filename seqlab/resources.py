"""How much memory and time an action will take, estimated from its configuration before it starts.

A shared server (Streamlit Community Cloud: one process, about 2.7 GB for every visitor together) must refuse
what would exhaust it before starting, not die trying. Everything here is arithmetic on sizes, no allocation.
The budget an estimate is held against comes from `seqlab.app.limits` (the app) or the CLI's options.

Memory of one training step, in float32 (measured peaks on this CPU with `benchmarks/bench_resources.py`;
the estimate is an upper bound, checked by `tests/unit/test_resources.py` within a stated factor):

    activations kept for backward = 4 B T H (a L + b)       a, b per cell below (fused kernels keep gates,
                                                             states and their inputs for every step)
    next-token head               = 4 B T (E + 10 V)        logits, log-softmax and their gradient
    weights                       = 16 P                    weights, gradients and Adam's two moments

Evaluation keeps no graph: 4 B' T H (c + L/2) for a batch of B' sequences, so its batch is sized to fit
EVAL_BYTES whatever the training batch. Recording the gradient through time runs the explicit cells in
float64 with a graph over every step: 8 p T H L GRAD_STATE for a probe of p sequences.

A translation model (seqlab.models.seq2seq) runs two recurrent stacks, the encoder over the S source steps and
the decoder over the T target steps, so its activations count S + T steps, plus its head's logits over T steps
and, with attention, the (T, S) weights and a context per target step. Its greedy decoding runs T steps one at
a time: GREEDY_STEP seconds of Python and kernel launches each, per batch.
The TCN and the Transformer follow the same formulas with H their width (channels, d_model) and L their blocks
(levels, layers); their a, b, c are measured the same way. A Transformer's attention is computed by torch's fused
kernel, which keeps no T x T matrix for backward; the explicit maps of Inside the cell do (4 h T^2 per sequence).
Their gradient recording (the gradient with respect to each input step) runs the model itself in float64 on the
probe: twice a training step's activations, per sequence.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from seqlab.config import ModelConfig, RunConfig

MB = 2**20
FLOAT = 4
TRAIN_STATE = {"rnn": (4, 8), "lstm": (10, 12), "gru": (9, 6),  # floats per unit and step: a per layer, b once
               "tcn": (10, 4), "transformer": (24, 8)}
EVAL_STATE = {"rnn": 5.5, "lstm": 4.5, "gru": 7.5,  # floats per unit and step without a graph: c (+ L/2)
              "tcn": 6, "transformer": 40}
GATES = {"rnn": 1, "lstm": 4, "gru": 3}  # matrix products per step and layer
# float64 values per unit, step and layer the explicit cells' graph keeps; measured 17-46 for the LSTM and GRU,
# and up to 135 for a 2-layer RNN (its gradient underflows into subnormal numbers)
GRAD_STATE = {"rnn": 140, "lstm": 50, "gru": 50}
LOGIT_STATE = 10  # floats per vocabulary entry and step for a next-token head in training (3 in evaluation)
OVERHEAD = 80 * MB  # allocator slack, kernels loaded on first use (oneDNN) and torch's buffers, beyond the arithmetic
EXTRA_OVERHEAD = {"transformer": 48 * MB}  # scoring a Transformer peaked 20 MB above the rest of its estimate
EVAL_BYTES = 96 * MB  # what one evaluation batch may hold: the batch shrinks for long sequences and big states
MAX_EVAL_BATCH = 512
# Sustained float32 rates of one torch thread on these 2-core machines, forward and backward (flop/s), and the
# per-step cost that dominates small models (seconds per time step and layer). LSTM runs in oneDNN's fused kernel.
FLOP_RATE = {"rnn": 1.5e10, "lstm": 4e10, "gru": 2e10,  # measured 19-21, 42-99 and 20-30 GFLOP/s
             "tcn": 2.5e10, "transformer": 1.2e10}  # measured 25-34 and 11-14 GFLOP/s
STEP_OVERHEAD = 1.5e-5
GREEDY_STEP = 4e-4  # seconds per decoding step of a batch: the decoder, attention and head called once each


@dataclass(frozen=True)
class Shape:
    """What an estimate needs to know of a task: its sizes, without its tensors."""

    length: int  # steps per sequence (T)
    input_size: int  # features per step, or the vocabulary for token inputs
    output_size: int  # horizon, classes or vocabulary
    kind: str  # regression, classification, next-token
    token_input: bool
    n_train: int
    n_val: int
    n_test: int
    target_length: int = 0  # translation: target steps T (the source's are `length`)

    @classmethod
    def of(cls, task) -> Shape:
        target = int(task.y_train.shape[1]) if task.kind == "translation" else 0
        return cls(length=int(task.x_train.shape[1]), input_size=task.input_size, output_size=task.output_size,
                   kind=task.kind, token_input=task.token_input, n_train=len(task.x_train), n_val=len(task.x_val),
                   n_test=len(task.x_test), target_length=target)

    @property
    def steps(self) -> int:
        """Recurrent steps one sequence runs through: the source's, plus the target's for a translation."""
        return self.length + self.target_length


@dataclass(frozen=True)
class Estimate:
    """Peak memory and time of one training, from its configuration."""

    peak_bytes: int  # the most it holds at once: weights plus the largest of a step, an evaluation, a recording
    step_seconds: float  # one gradient step
    epoch_seconds: float  # one epoch with its validation (and gradient recording)
    first_seconds: float  # scoring the untrained model, then the first epoch
    total_seconds: float  # every epoch, then the final test scoring


def _vocab_floats(shape: Shape, per_entry: float) -> float:
    """Floats per step for the logits: every step of a next-token model; a translation's target steps (averaged
    over all its steps, as the callers multiply by `shape.steps`), with its attention weights and context."""
    if shape.kind == "translation":
        return (per_entry * shape.output_size + 3 * shape.length + 3) * shape.target_length / shape.steps
    return per_entry * shape.output_size if shape.kind == "next-token" else 0.0


def _input_width(model: ModelConfig, shape: Shape) -> int:
    return model.embedding_dim if shape.token_input else shape.input_size


def overhead(model: ModelConfig) -> int:
    """What a training holds beyond the arithmetic: OVERHEAD, plus what an architecture's kernels were measured to
    add (bench_resources.py)."""
    return OVERHEAD + EXTRA_OVERHEAD.get(model.arch, 0)


def depth(model: ModelConfig) -> int:
    """Blocks the input goes through: recurrent or Transformer layers, TCN levels."""
    return model.levels if model.arch == "tcn" else model.num_layers


def _tcn_params(model: ModelConfig, shape: Shape) -> int:
    c, k, total, width = model.hidden_size, model.kernel_size, 0, _input_width(model, shape)
    for _ in range(model.levels):
        total += c * width * k + c + c * c * k + c + (c * width + c if width != c else 0)
        width = c
    return total + c * shape.output_size + shape.output_size + (shape.input_size * model.embedding_dim
                                                                  if shape.token_input else 0)


def _transformer_params(model: ModelConfig, shape: Shape) -> int:
    d = model.hidden_size
    first = shape.input_size * d + (0 if shape.token_input else d)  # embedding, or the input's linear map
    return first + model.num_layers * (12 * d * d + 13 * d) + 2 * d + d * shape.output_size + shape.output_size


def param_estimate(model: ModelConfig, shape: Shape) -> int:
    """Parameters of the model, by formula (the same count as `seqlab.models.recurrent.count_params`, without torch)."""
    if model.arch == "tcn":
        return _tcn_params(model, shape)
    if model.arch == "transformer":
        return _transformer_params(model, shape)
    g, h, d = GATES[model.arch], model.hidden_size, 2 if model.bidirectional else 1
    total, width = 0, _input_width(model, shape)
    for _ in range(model.num_layers):
        total += d * g * h * (width + h + 2)
        width = d * h
    head = width * shape.output_size + shape.output_size
    if shape.kind == "translation":  # a decoder stack as big as the encoder, its embedding, W_c
        combine = 2 * h * h + h if model.attention else 0
        return 2 * total + head + (shape.input_size + shape.output_size) * model.embedding_dim + combine
    return total + head + (shape.input_size * model.embedding_dim if shape.token_input else 0)


def train_step_bytes(model: ModelConfig, shape: Shape, batch: int) -> int:
    """Activations one gradient step keeps for backward."""
    a, b = TRAIN_STATE[model.arch]
    d = 2 if model.bidirectional else 1
    per_step = d * model.hidden_size * (a * depth(model) + b) + _input_width(model, shape) \
        + _vocab_floats(shape, LOGIT_STATE)
    return int(FLOAT * batch * shape.steps * per_step)


def eval_sequence_bytes(model: ModelConfig, shape: Shape) -> int:
    """What scoring one sequence holds without a graph."""
    d = 2 if model.bidirectional else 1
    per_step = d * model.hidden_size * (EVAL_STATE[model.arch] + depth(model) / 2) \
        + _input_width(model, shape) + _vocab_floats(shape, 3)
    return int(FLOAT * shape.steps * per_step)


def eval_batch_size(model: ModelConfig, shape: Shape, limit: int = EVAL_BYTES) -> int:
    """Sequences scored at once: as many as fit in `limit`, between 1 and MAX_EVAL_BATCH."""
    return max(1, min(MAX_EVAL_BATCH, limit // max(eval_sequence_bytes(model, shape), 1)))


def gradient_bytes(model: ModelConfig, shape: Shape, probe: int) -> int:
    """Recording the gradient through time on a probe batch (explicit cells, float64, a graph over every step; the
    TCN and Transformer: the model itself in float64, see `input_gradient_bytes`)."""
    inputs = input_gradient_bytes(model, shape, probe)  # every architecture; the cells' graph comes after it
    if model.arch not in GRAD_STATE:
        return inputs
    return max(inputs, int(8 * probe * shape.steps * model.hidden_size * model.num_layers * GRAD_STATE[model.arch]))


def input_gradient_bytes(model: ModelConfig, shape: Shape, probe: int) -> int:
    """The gradient of the loss with respect to every input step on a probe batch: a training step's graph in
    float64 (twice float32's bytes), plus the model's float64 copy."""
    return 2 * train_step_bytes(model, shape, probe) + 8 * param_estimate(model, shape)


def attention_map_bytes(model: ModelConfig, shape: Shape, sequences: int = 1) -> int:
    """The explicit attention weights of every layer and head over `sequences` sequences (Inside the cell)."""
    return FLOAT * sequences * model.num_layers * model.heads * shape.length ** 2 * 3  # scores, mask, softmax


def _flops_per_sequence(model: ModelConfig, shape: Shape) -> float:
    """Forward multiply-adds (x2) of one sequence through the recurrent layers (convolutions, attention) and the
    head."""
    steps_out = shape.length if shape.kind == "next-token" else 1
    h, t = model.hidden_size, shape.length
    if model.arch == "tcn":
        params = _tcn_params(model, shape) - h * shape.output_size  # every weight is used once per step
        return 2 * params * t + 2 * h * shape.output_size * steps_out
    if model.arch == "transformer":
        # per layer: 12 d^2 weights per step, and Q K^T and A V over every pair of steps
        per_layer = 2 * 12 * h * h * t + 2 * 2 * t * t * h
        return 2 * shape.input_size * h * t + model.num_layers * per_layer + 2 * h * shape.output_size * steps_out
    g, width, total = GATES[model.arch], _input_width(model, shape), 0.0
    for _ in range(model.num_layers):
        total += 2 * g * h * (width + h) * shape.steps
        width = h
    if shape.kind == "translation":  # the head on every target step; attention's scores, context and W_c
        attention = (4 * shape.length * h + 4 * h * h) * shape.target_length if model.attention else 0
        return total + 2 * width * shape.output_size * shape.target_length + attention
    steps_out = shape.length if shape.kind == "next-token" else 1
    return total + 2 * width * shape.output_size * steps_out


def seconds(model: ModelConfig, shape: Shape, sequences: int, batch: int, backward: bool) -> float:
    """Time to run `sequences` through the model in batches of `batch` (forward and backward when training)."""
    passes = 3 if backward else 1
    batches = math.ceil(sequences / max(batch, 1))
    compute = passes * _flops_per_sequence(model, shape) * sequences / FLOP_RATE[model.arch]
    if model.arch in ("tcn", "transformer"):  # every step at once: the overhead is per layer, not per step
        return compute + passes * batches * depth(model) * 20 * STEP_OVERHEAD
    overhead = passes * batches * shape.steps * model.num_layers * STEP_OVERHEAD
    if shape.kind == "translation" and not backward:  # scoring decodes greedily too, one step at a time
        overhead += 2 * batches * shape.target_length * GREEDY_STEP
    return compute + overhead


def estimate(run: RunConfig, shape: Shape, probe: int = 8) -> Estimate:
    """Peak memory and time of training `run` on a task of this shape, with its evaluations."""
    m, t = run.model, run.train
    eval_batch = eval_batch_size(m, shape)
    weights = 16 * param_estimate(m, shape)
    batch_bytes = FLOAT * min(t.batch_size, shape.n_train) * shape.length * (shape.input_size + 1)
    largest = max(train_step_bytes(m, shape, min(t.batch_size, shape.n_train)),
                  eval_sequence_bytes(m, shape) * min(eval_batch, max(shape.n_val, shape.n_test, 1)),
                  gradient_bytes(m, shape, probe) if t.record_gradients else 0)
    step = seconds(m, shape, min(t.batch_size, shape.n_train), t.batch_size, backward=True)
    validation = seconds(m, shape, shape.n_val, eval_batch, backward=False)
    recording = (20 if m.arch in GRAD_STATE else 4) * seconds(m, shape, probe, probe, backward=True) \
        if t.record_gradients else 0.0  # a python loop over steps for the recurrent cells
    epoch = seconds(m, shape, shape.n_train, t.batch_size, backward=True) + validation + recording
    first = seconds(m, shape, min(1024, shape.n_train), eval_batch, backward=False) + validation + epoch
    test = seconds(m, shape, shape.n_test, eval_batch, backward=False)
    return Estimate(peak_bytes=weights + batch_bytes + largest + overhead(m), step_seconds=step,
                    epoch_seconds=epoch, first_seconds=first, total_seconds=first + (t.epochs - 1) * epoch + test)


def size_text(n: float) -> str:
    """Bytes for people: "31 GB", "540 MB"."""
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{max(n, 0) / MB:,.0f} MB"


# --- what this process may use -------------------------------------------------------------------------------

def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii") as f:
            return f.read().strip()
    except (OSError, UnicodeDecodeError):
        return None


def cgroup_memory_limit(root: str = "/sys/fs/cgroup") -> int | None:
    """The memory limit of this process's cgroup in bytes (v2 `memory.max`, or v1), or None when unlimited."""
    for path in (f"{root}/memory.max", f"{root}/memory/memory.limit_in_bytes"):
        text = _read(path)
        if text and text.isdigit() and int(text) < 2**60:  # v1 writes a huge number for "no limit"
            return int(text)
    return None


def machine_memory(meminfo: str = "/proc/meminfo") -> int:
    """The machine's memory in bytes (MemTotal), or 2 GB when it cannot be read."""
    for line in (_read(meminfo) or "").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return 2 * 2**30


def process_memory(root: str = "/sys/fs/cgroup") -> tuple[int, str]:
    """(bytes this process may use, where that figure comes from)."""
    limit, machine = cgroup_memory_limit(root), machine_memory()
    if limit is not None and limit < machine:
        return limit, "the container's memory limit"
    return machine, "the machine's memory"


def cgroup_cpu_quota(root: str = "/sys/fs/cgroup") -> float | None:
    """CPUs this cgroup may use (v2 `cpu.max` "quota period", or v1), or None when unlimited."""
    text = _read(f"{root}/cpu.max")
    if text:
        quota, _, period = text.partition(" ")
        if quota.isdigit() and period.isdigit() and int(period) > 0:
            return int(quota) / int(period)
        return None
    quota, period = _read(f"{root}/cpu/cpu.cfs_quota_us"), _read(f"{root}/cpu/cpu.cfs_period_us")
    if quota and period and quota.isdigit() and period.isdigit() and int(period) > 0:
        return int(quota) / int(period)
    return None


def usable_cpus(root: str = "/sys/fs/cgroup") -> int:
    """CPUs this process may actually use: its affinity, cut by the cgroup's quota (os.cpu_count() sees neither:
    a hosted server reports the host's cores, not the app's share)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    quota = cgroup_cpu_quota(root)
    if quota is not None:
        cpus = min(cpus, max(1, math.floor(quota)))
    return max(1, cpus)


# --- budgets and refusals ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Budget:
    """What one visitor's action may take on this server (see `seqlab.app.limits.budget`)."""

    training_bytes: int  # the peak of one training (one architecture and seed)
    data_bytes: int  # one data set, as loaded and cached
    seconds: float  # the wall time of one training, its evaluations included
    where: str = "this server"  # said in a refusal: "this server allows ..."
    comparison_bytes: int | None = None  # what a whole comparison holds at once (every run's weights and Adam's
    # moments stay in memory while some of them train); None: one training's share


# The settings a refusal lowers, in the order a person would give them up, each down to a floor first:
# batch to 8 (steps get noisier, not useless), layers to 1, hidden units to 8, then batch to 1.
LEVERS = (("train", "batch_size", 8), ("model", "num_layers", 1), ("model", "hidden_size", 8),
          ("train", "batch_size", 1))
TIME_LEVERS = (("model", "num_layers", 1), ("model", "hidden_size", 8))  # a smaller batch only adds steps
WORDS = {"batch_size": "batch {}", "num_layers": "{} layers", "hidden_size": "{} hidden units"}


def _lowered(run: RunConfig, section: str, name: str, floor: int) -> list[RunConfig]:
    """The run with one setting lowered step by step, halved (batch, hidden) or one less (layers), to `floor`."""
    import dataclasses

    value, out = getattr(getattr(run, section), name), []
    while value > floor:
        value = max(floor, value - 1 if name == "num_layers" else value // 2)
        try:
            part = dataclasses.replace(getattr(run, section), **{name: value})
        except ValueError:  # a Transformer's d_model its heads no longer divide: the next halving may fit
            continue
        out.append(run.replace(**{section: part}))
    return out


def _suggestion(run: RunConfig, fits, levers=LEVERS) -> str:
    """"try batch 32", or, when one setting is not enough, "try batch 8, 1 layers and 64 hidden units": each
    setting lowered in LEVERS' order, only as far as needed."""
    current, changed = run, {}
    for section, name, floor in levers:
        for lowered in _lowered(current, section, name, floor):
            current, changed[name] = lowered, getattr(getattr(lowered, section), name)
            if fits(current):
                parts = [WORDS[k].format(v) for k, v in changed.items()]
                return "try " + (parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1])
    return "try a shorter sequence or window" + (", or fewer sequences" if levers is TIME_LEVERS else "")


NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU", "tcn": "TCN", "transformer": "Transformer"}


def _describe(run: RunConfig, shape: Shape) -> str:
    m = run.model
    if m.arch == "tcn":
        size = f"{m.hidden_size} channels × {m.levels} levels"
    elif m.arch == "transformer":
        size = f"d_model {m.hidden_size} × {m.num_layers} layer{'s' if m.num_layers > 1 else ''}"
    else:
        size = f"{m.hidden_size} hidden units × {m.num_layers} layer{'s' if m.num_layers > 1 else ''}"
    return f"{NAMES[m.arch]} with batch {run.train.batch_size}, {size} at {shape.length} steps"


def check_training(runs: list[RunConfig], shape: Shape, budget: Budget) -> list[str]:
    """A refusal for every run that would not fit the budget, naming the setting to lower and by how much, and one
    when the comparison's runs together would hold more weights than it may (many seeds of a wide model)."""
    refusals = [] if (held := _held_together(runs, shape, budget)) is None else [held]
    for run in runs:
        est = estimate(run, shape)
        if est.peak_bytes > budget.training_bytes:
            refusals.append(
                f"{_describe(run, shape)} needs about {size_text(est.peak_bytes)} to train here; {budget.where} "
                f"allows {size_text(budget.training_bytes)} per training: "
                + _suggestion(run, lambda r: estimate(r, shape).peak_bytes <= budget.training_bytes) + ".")
        elif est.first_seconds > 2 * budget.seconds:
            refusals.append(
                f"{_describe(run, shape)} needs about {est.first_seconds:,.0f} s for its first epoch here; "
                f"{budget.where} allows {budget.seconds:,.0f} s per training: "
                + _suggestion(run, lambda r: estimate(r, shape).first_seconds <= budget.seconds, TIME_LEVERS) + ".")
    return refusals


def _held_together(runs: list[RunConfig], shape: Shape, budget: Budget) -> str | None:
    """A refusal when every run's weights, gradients and Adam moments (16 bytes a parameter, held from the first
    step to the end) exceed what one comparison may hold, with the number of seeds that would fit."""
    limit = budget.comparison_bytes or budget.training_bytes
    held = sum(16 * param_estimate(run.model, shape) for run in runs)
    if held <= limit:
        return None
    seeds = len({run.train.seed for run in runs})
    per_seed = held / seeds
    fit = int(limit // per_seed)
    fix = f"try at most {fit} seed{'s' if fit > 1 else ''}" if fit >= 1 else "try fewer hidden units or layers"
    return (f"{len(runs)} runs ({len(runs) // seeds} architectures × {seeds} seeds) keep their weights and "
            f"optimiser state in memory together, which needs about {size_text(held)}; {budget.where} allows "
            f"{size_text(limit)} for one comparison: {fix}.")


def time_notice(runs: list[RunConfig], shape: Shape, budget: Budget) -> str | None:
    """A sentence when the runs will likely stop at the wall-time budget before their last epoch."""
    slow = [(run, estimate(run, shape)) for run in runs]
    slow = [(run, est) for run, est in slow if est.total_seconds > budget.seconds]
    if not slow:
        return None
    run, est = max(slow, key=lambda pair: pair[1].total_seconds)
    fit = max(1, int((budget.seconds - est.first_seconds) // max(est.epoch_seconds, 1e-9)) + 1)
    return (f"At about {est.epoch_seconds:,.1f} s an epoch, the {NAMES[run.model.arch]} fits about "
            f"{min(fit, run.train.epochs)} of its {run.train.epochs} epochs in the {budget.seconds:,.0f} s each "
            "training may take here; training stops there and keeps what it learned.")


__all__ = ["EVAL_BYTES", "Budget", "Estimate", "Shape", "cgroup_cpu_quota", "cgroup_memory_limit", "check_training",
           "attention_map_bytes", "depth", "estimate", "eval_batch_size", "eval_sequence_bytes", "gradient_bytes",
           "input_gradient_bytes", "overhead", "machine_memory", "param_estimate",
           "process_memory", "seconds", "size_text", "time_notice", "train_step_bytes", "usable_cpus"]
