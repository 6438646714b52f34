"""Where a classifier goes wrong: its confusion matrix, and the examples it gets wrong (digit images, texts)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from seqlab.analysis.evaluate import predict
from seqlab.data.task import Task

DIGIT_SHAPE = (8, 8)
SPECIAL_TOKENS = ("<pad>", "<unk>")  # ids 0 and 1 of a text classifier's vocabulary (seqlab.data.sentiment)


def predictions(model: torch.nn.Module, task: Task, part: str = "test") -> pd.DataFrame:
    """One row per sequence of a split: position, true and predicted class names, and the predicted
    class's probability (the model's confidence)."""
    truth, predicted, confidence = _predicted(model, task, part)
    names = np.array(_class_names(task))
    return pd.DataFrame({"position": np.arange(len(truth)), "true": names[truth], "predicted": names[predicted],
                         "confidence": confidence})


def confusion_matrix(model: torch.nn.Module, task: Task, part: str = "test") -> pd.DataFrame:
    """Tidy (true, predicted, count) rows for every pair of classes, zeros included, in class order."""
    truth, predicted, _ = _predicted(model, task, part)
    counts = np.zeros((task.output_size, task.output_size), dtype=np.int64)  # (C true, C predicted)
    np.add.at(counts, (truth, predicted), 1)
    names = _class_names(task)
    return pd.DataFrame([{"true": t, "predicted": p, "count": int(counts[i, j])}
                         for i, t in enumerate(names) for j, p in enumerate(names)])


def misclassified(model: torch.nn.Module, task: Task, part: str = "test", limit: int = 24) -> pd.DataFrame:
    """The wrongly classified sequences of a split, the model's most confident mistakes first.

    Columns: position (row in the split), true, predicted, confidence, and `image` (an 8x8 array of
    grey levels in [0, 1]) for the digits, or `text` (the tokens read, padding left out) for texts.
    """
    rows = predictions(model, task, part)
    wrong = rows[rows["true"] != rows["predicted"]].sort_values("confidence", ascending=False, kind="stable")
    wrong = wrong.head(max(int(limit), 0)).reset_index(drop=True)
    x = getattr(task, f"x_{part}")[torch.tensor(wrong["position"].tolist(), dtype=torch.long)]  # a copy
    if task.name == "digits":
        wrong["image"] = list(x.reshape(len(x), *DIGIT_SHAPE).numpy())  # (8, 8) each
    elif task.token_input and task.vocab is not None:
        wrong["text"] = [decode_tokens(ids, task.vocab) for ids in x.tolist()]
    return wrong


def decode_tokens(ids: list[int], vocab: tuple[str, ...]) -> str:
    """The text a classifier read: padding dropped; words joined by spaces, characters by nothing."""
    symbols = [vocab[i] for i in ids if vocab[i] != SPECIAL_TOKENS[0]]
    words = any(len(s) > 1 for s in vocab if s not in SPECIAL_TOKENS)
    return (" " if words else "").join(symbols)


def _predicted(model: torch.nn.Module, task: Task, part: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(true ids, predicted ids, probability of the prediction), each (N,), for one split."""
    if task.kind != "classification":
        raise ValueError(f"this needs a classification task, not a {task.kind!r} one")
    x, y = getattr(task, f"x_{part}"), getattr(task, f"y_{part}")
    probs = torch.softmax(predict(model, x), -1) if len(x) else torch.zeros(0, task.output_size)  # (N, C)
    confidence, predicted = probs.max(-1)
    return y.numpy(), predicted.numpy(), confidence.double().numpy()


def _class_names(task: Task) -> list[str]:
    return list(task.classes) if task.classes else [str(c) for c in range(task.output_size)]
