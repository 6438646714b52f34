"""What a person sees of a task before training: a few example sequences, and the steps that matter."""

from __future__ import annotations

import pandas as pd
import torch

from seqlab.data.task import Task

MARKER = "marker"  # an input channel of 0/1 flags, such as the adding problem's second channel


def key_steps(task: Task, x: torch.Tensor) -> torch.Tensor:
    """(N, T) booleans: the input steps a model must remember to succeed, where the task has them.

    Steps flagged by a marker channel (the adding problem's two values), or the task's leading
    `key_prefix` steps (the symbols to recall in the copy task).
    """
    steps = torch.zeros(x.shape[:2], dtype=torch.bool)
    if task.channel_names and MARKER in task.channel_names:
        steps |= x[..., task.channel_names.index(MARKER)] == 1
    steps[:, :task.key_prefix] = True
    return steps


def example_sequences(task: Task, n: int = 3, part: str = "train", start: int = 0) -> pd.DataFrame:
    """Tidy rows (sequence, step, channel, value, marked) of `n` sequences of a split from index `start`.

    Token inputs appear as their ids in one channel "symbol"; a "marker" input channel is not drawn
    as a line, it is what `marked` says.
    """
    x = getattr(task, f"x_{part}")[start:start + n]
    marked = key_steps(task, x)
    if task.token_input:
        channels = {"symbol": x.float()}
    else:
        names = task.channel_names or tuple(f"x{i + 1}" for i in range(x.shape[-1]))
        channels = {name: x[..., i] for i, name in enumerate(names) if name != MARKER}
    steps = torch.arange(x.shape[1]).expand(len(x), -1)
    rows = [pd.DataFrame({"sequence": torch.arange(start, start + len(x)).repeat_interleave(x.shape[1]).numpy(),
                          "step": steps.reshape(-1).numpy(), "channel": name,
                          "value": values.reshape(-1).double().numpy(), "marked": marked.reshape(-1).numpy()})
            for name, values in channels.items()]
    return pd.concat(rows, ignore_index=True)
