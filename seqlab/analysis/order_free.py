"""Classification baselines that ignore order: a logistic regression that sees the whole input at once.

Reading a digit one pixel at a time and naming it after the 64th is a memory test; a logistic regression on
all 64 pixels at once needs no memory, and reaches about 97 %. Beside it, a recurrent network's 60–80 % reads
as "the memory costs this much", not as "recurrent networks classify digits badly". For texts the same model
on token frequencies is a bag of words: what the words alone say, with their order ignored.

Both are multinomial logistic regressions fitted by L-BFGS from zero weights on the training part (a convex
problem: the same data give the same weights, no seed needed), with the L2 penalty that scores best on the
validation part among `PENALTIES`.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

PENALTIES = (1e-4, 1e-3, 1e-2)  # L2 weights tried; the validation part picks one, as a practitioner would
MAX_ITER = 200  # L-BFGS iterations: the digits converge in about 100 (a few tenths of a second)
PAD_ID = 0  # seqlab.data.sentiment pads at the front with id 0; padding is no word
INPUT_UNITS = {"digits": "pixels"}  # what one input value is, for the baseline's label


def label(task) -> str:
    """What the baseline is, said plainly: it sees everything at once, or ignores the order."""
    if task.token_input:
        words = any(len(s) > 1 for s in (task.vocab or ())[2:])  # ids 0 and 1 are <pad> and <unk>
        return f"bag of {'words' if words else 'characters'} (order ignored)"
    n_inputs = task.x_train[0].numel()
    return f"logistic regression on all {n_inputs} {INPUT_UNITS.get(task.name, 'input values')} at once"


def _features(task, x: torch.Tensor) -> torch.Tensor:
    """(N, D) inputs of the linear model: the flattened sequence, or each token's share of its text (padding
    left out) as a sparse matrix, so a large vocabulary never makes an (N, V) table of mostly zeros."""
    if not task.token_input:
        return x.reshape(len(x), -1).double()
    rows = torch.arange(len(x)).unsqueeze(1).expand_as(x)  # (N, T)
    real = x != PAD_ID
    lengths = real.sum(1, keepdim=True).clamp_min(1).expand_as(x)
    index = torch.stack([rows[real], x[real]])
    shares = torch.sparse_coo_tensor(index, 1.0 / lengths[real].double(), (len(x), task.input_size),
                                     check_invariants=False)  # built from valid ids: nothing to check
    return shares.coalesce().to_sparse_csr()  # repeated tokens summed once, then fast row-major products


def _logits(features: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """(N, C) scores; weights (D + 1, C) with the bias in the last row."""
    return features @ weights[:-1] + weights[-1]


def _fit(features: torch.Tensor, transposed: torch.Tensor, y: torch.Tensor, classes: int,
         penalty: float) -> torch.Tensor:
    """Weights (D + 1, C) of the multinomial logistic regression, minimising mean cross-entropy + L2 penalty.

    The gradient is written out rather than left to autograd, because a sparse matrix's transpose product is
    then a product with a transposed copy made once (`transposed`, D x N; ten times faster for a 5,000-word
    vocabulary): d loss / d logits = (softmax(logits) - one_hot(y)) / N; the weights' gradient is features^T
    times it.
    """
    target = F.one_hot(y, classes).double()  # (N, C)
    weights = torch.zeros(features.shape[1] + 1, classes, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([weights], max_iter=MAX_ITER, line_search_fn="strong_wolfe")

    def closure():
        with torch.no_grad():
            logits = _logits(features, weights)
            loss = F.cross_entropy(logits, y) + penalty * (weights[:-1] ** 2).sum()
            residual = (torch.softmax(logits, 1) - target) / len(y)  # (N, C)
            weights.grad = torch.cat([transposed @ residual + 2 * penalty * weights[:-1], residual.sum(0, True)])
        return loss

    optimizer.step(closure)
    return weights.detach()


def fitted_weights(task) -> torch.Tensor:
    """The weights of the penalty that scores best on the validation part, fitted once per task: the results table
    scores its validation and test parts, the loss chart the validation part (the fit is deterministic, and the
    weights are (D + 1) x C numbers, so they stay with the task)."""
    cached = task.__dict__.get("_order_free_weights")
    if cached is not None:
        return cached
    train = _features(task, task.x_train)
    val_x = task.x_val if len(task.x_val) else task.x_train
    val_y = task.y_val if len(task.y_val) else task.y_train
    val = _features(task, val_x)
    transposed = train.t().to_sparse_csr() if train.layout == torch.sparse_csr else train.t()
    fitted = [_fit(train, transposed, task.y_train, task.output_size, p) for p in PENALTIES]
    best = min(fitted, key=lambda w: float(F.cross_entropy(_logits(val, w), val_y)))
    task.__dict__["_order_free_weights"] = best
    return best


def scores(task, part: str = "test") -> dict[str, float]:
    """Cross-entropy (nats) and accuracy of the order-free model on one split of a classification task."""
    x, y = getattr(task, f"x_{part}"), getattr(task, f"y_{part}")
    if task.kind != "classification" or not len(task.x_train) or not len(x):
        return {"cross_entropy": math.nan, "accuracy": math.nan}
    logits = _logits(_features(task, x), fitted_weights(task))
    return {"cross_entropy": float(F.cross_entropy(logits, y)),
            "accuracy": float((logits.argmax(1) == y).double().mean())}
