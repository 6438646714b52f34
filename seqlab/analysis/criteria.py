"""What "solved" means: three stated levels per kind of task, the one judgement every verdict uses.

A run is *solved*, *learned something* or *no better than the baseline*. "Better than the baseline by 1 %" is
not enough to call a run solved: on the adding problem a model at test MSE 0.177 beside a 0.179 baseline has
learned nothing, yet read as a win. Every level here is a pure function of one run's test score and its
baselines' scores; counting levels over seeds is `count_levels`, saying them is `seeds_sentence`.

Two bars, per kind (`KINDS`):
- *learned something*: better than the task's reference baseline (the trivial strategy: persistence for a
  forecast, the training mean or the task's own trivial strategy, the commonest class, symbol frequencies)
  by more than a stated margin. Beating it means the model uses its input at all.
- *solved*: learned something, and reached the task's own bar. That is where the strongest simple baseline a
  practitioner would use comes in: it must be beaten by the margin (the linear forecast, a counted n-gram),
  or, when it has an advantage the network lacks (it sees the whole input at once), matched within a few
  points. A network that a least-squares line or a counting model still beats has solved nothing a
  practitioner needs it for.
Why the strongest baseline sets the bar for "solved" and not for "learned": the order-free digit classifier
answers an easier question (it needs no memory), so falling short of it does not mean that a pixel-by-pixel
reader learned nothing; and for a text, where the counted n-gram is the only bar above symbol frequencies,
using it for both would merge two of the three levels.

A score that is NaN (a diverged run) or a bar that could not be computed is never met.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

SOLVED, LEARNED, NO_BETTER = "solved", "learned something", "no better than the baseline"
LEVELS = (SOLVED, LEARNED, NO_BETTER)  # best first

# "Learned something": a loss (MSE, cross-entropy) more than 5 % below the reference's. Untrained or stuck
# models land within a few percent of the baseline on either side (the adding problem's 0.177 against 0.179 is
# 1.1 %); 5 % is the smallest round margin above that scatter.
LOSS_MARGIN = 0.05
# "Learned something" for a classifier: accuracy more than 5 points above the commonest class's share. On the
# 270 test digits one standard error at 10 % accuracy is 1.8 points, so 5 points is nearly three of them.
ACCURACY_MARGIN = 0.05
# "Solved" for a task with one right answer (adding, copy memory): a loss below 10 % of the trivial strategy's.
# On the adding problem, using only one of the two marked numbers leaves half the baseline's MSE (1/12 of
# 1/6): below a tenth, the model must be adding both. On copy memory a tenth of the blank strategy's loss
# means the recalled symbols get about 0.8 of the probability (e^(-0.1 ln 8)) instead of 1/8.
EXACT_SOLVED_SHARE = 0.10
# "Solved" for a forecast: skill 1 - MSE / MSE(persistence) of at least 0.10 (a tenth of persistence's squared
# error removed), and an MSE more than LOSS_MARGIN below every simple baseline's (linear, seasonal naive, window
# mean): a network that only ties a least-squares line on the window has not earned the word.
FORECAST_SKILL = 0.10
# "Solved" for a classifier: accuracy within 5 points of the model that sees the whole input at once (or
# ignores the order): the sequence reader then pays (almost) nothing for having to remember.
ORDER_FREE_GAP = 0.05
# "Solved" for a text: a cross-entropy more than 5 % below the best counted n-gram's: the network uses
# more than the last few characters, which is all counting can use.
NGRAM_MARGIN = LOSS_MARGIN
# "Solved" for a translation: at least 90 % of the test inputs translated exactly right, every character. The
# trivial translation (each position's commonest character) gets almost none right; "learned something" is
# ACCURACY_MARGIN (5 points) above it on exact matches or on character accuracy (a model that gets the year and
# the dashes right but never a whole date has learned something).
TRANSLATION_SOLVED = 0.90

KINDS = {
    "exact": "a task with one right answer (adding, copy memory)",
    "forecast": "a forecast of a series",
    "classification": "naming the class of a sequence",
    "text": "predicting the next character of a text (or note of a melody)",
    "translation": "translating a text into another, character by character",
}


def _lower(value: float, bar: float, margin: float) -> bool:
    """`value` below `bar` by more than `margin` of it (False when either is NaN)."""
    return value < bar * (1 - margin)


def exact_level(loss: float, trivial: float) -> str:
    """Adding, copy memory: solved below 10 % of the trivial strategy's loss, learned 5 % below it."""
    if _lower(loss, trivial, LOSS_MARGIN):
        return SOLVED if loss < EXACT_SOLVED_SHARE * trivial else LEARNED
    return NO_BETTER


def skill(mse: float, persistence: float) -> float:
    """The forecast skill score 1 - MSE / MSE(persistence): 0 for persistence itself, 1 for a perfect forecast."""
    return 1 - mse / persistence if persistence > 0 else math.nan


def forecast_level(mse: float, persistence: float, strongest: float | None) -> str:
    """Learned: 5 % below persistence's MSE. Solved: skill >= 0.10 and 5 % below every simple baseline's MSE."""
    if not _lower(mse, persistence, LOSS_MARGIN):
        return NO_BETTER
    clear = strongest is not None and _lower(mse, strongest, LOSS_MARGIN)
    return SOLVED if clear and skill(mse, persistence) >= FORECAST_SKILL else LEARNED


def classification_level(accuracy: float, chance: float, order_free: float | None) -> str:
    """Learned: 5 points above the commonest class's share. Solved: also within 5 points of the order-free model."""
    if not accuracy > chance + ACCURACY_MARGIN:
        return NO_BETTER
    near = order_free is not None and accuracy >= order_free - ORDER_FREE_GAP
    return SOLVED if near else LEARNED


def text_level(cross_entropy: float, frequencies: float, best_ngram: float | None) -> str:
    """Learned: 5 % below symbol frequencies' cross-entropy. Solved: also 5 % below the best counted n-gram's."""
    if not _lower(cross_entropy, frequencies, LOSS_MARGIN):
        return NO_BETTER
    return SOLVED if best_ngram is not None and _lower(cross_entropy, best_ngram, NGRAM_MARGIN) else LEARNED


def translation_level(exact: float, trivial: float, chars: float = math.nan, trivial_chars: float = math.nan) -> str:
    """Learned: exact matches, or characters right, 5 points above the trivial translation's. Solved: also at least
    90 % of the inputs translated exactly."""
    if not (exact > trivial + ACCURACY_MARGIN or chars > trivial_chars + ACCURACY_MARGIN):
        return NO_BETTER
    return SOLVED if exact >= TRANSLATION_SOLVED else LEARNED


_JUDGES = {"translation": lambda v, ref, _: translation_level(v, ref),
           "exact": lambda v, ref, _: exact_level(v, ref), "forecast": forecast_level,
           "classification": classification_level, "text": text_level}


def level(kind: str, value: float, reference: float, strongest: float | None = None) -> str:
    """One run's level on a task of `kind` (see KINDS), from its test score on the headline metric, the
    reference baseline's (the bar for "learned something") and the strongest simple baseline's (part of the
    bar for "solved"; unused for exact tasks)."""
    if kind not in _JUDGES:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return _JUDGES[kind](value, reference, strongest)


def bars(kind: str, metric: str, reference: str, reference_value: float, strongest: str = "",
         strongest_value: float = math.nan) -> str:
    """The two bars in words and numbers, for a verdict or a caption: "Solved means a test MSE below ..."."""
    ref, best = f"the {reference} baseline's {reference_value:.3g}", f"the {strongest} baseline's {strongest_value:.3g}"
    under = f"{LOSS_MARGIN:.0%} under"
    if kind == "exact":
        solved = f"a test {metric} below {EXACT_SOLVED_SHARE * reference_value:.3g} ({EXACT_SOLVED_SHARE:.0%} of {ref})"
        learned = f"below {(1 - LOSS_MARGIN) * reference_value:.3g} ({under} it)"
    elif kind == "forecast":
        solved = (f"a skill of at least {FORECAST_SKILL:.2f} over {reference} (a test {metric} below "
                  f"{(1 - FORECAST_SKILL) * reference_value:.3g}) and {under} every simple baseline (below "
                  f"{(1 - LOSS_MARGIN) * strongest_value:.3g}, {under} {best})")
        learned = f"a test {metric} below {(1 - LOSS_MARGIN) * reference_value:.3g} ({under} {ref})"
    elif kind == "translation":
        solved = f"a test {metric} of at least {TRANSLATION_SOLVED:.0%}"
        learned = (f"above {reference_value + ACCURACY_MARGIN:.1%} ({ACCURACY_MARGIN * 100:.0f} points over {ref}), "
                   f"or a character accuracy {ACCURACY_MARGIN * 100:.0f} points over that baseline's")
    elif kind == "classification":
        gap, margin = ORDER_FREE_GAP * 100, ACCURACY_MARGIN * 100
        solved = (f"a test {metric} of at least {strongest_value - ORDER_FREE_GAP:.1%} (within {gap:.0f} points of "
                  f"the {strongest} baseline's {strongest_value:.1%})")
        learned = f"above {reference_value + ACCURACY_MARGIN:.1%} ({margin:.0f} points over the {reference} " \
                  f"baseline's {reference_value:.1%})"
    else:
        solved = f"a test {metric} below {(1 - NGRAM_MARGIN) * strongest_value:.3g} ({under} {best})"
        learned = f"below {(1 - LOSS_MARGIN) * reference_value:.3g} ({under} {ref})"
    return f"Solved means {solved}; learned something, {learned}."


def count_levels(levels: Sequence[str]) -> dict[str, int]:
    """How many runs (seeds) reached each level, every level present, best first."""
    return {name: sum(lv == name for lv in levels) for name in LEVELS}


def seeds_sentence(levels: Mapping[str, Sequence[str]]) -> str:
    """'GRU solved the task in 5 of 5 seeds; LSTM in 2 of 5; RNN in 0 of 5.' with, for an architecture whose
    seeds reached different levels, what the others reached, and a sentence saying the seeds disagree."""
    parts, split = [], []
    for i, (label, found) in enumerate(levels.items()):
        counts, n = count_levels(found), len(found)
        first = i == 0
        text = f"{label} {'solved the task ' if first else ''}in {counts[SOLVED]} of {n}{' seeds' if first else ''}"
        others = [f"{name} in {counts[name]}" for name in LEVELS[1:] if counts[name]]
        parts.append(text + (f" ({', '.join(others)})" if others else ""))
        if sum(1 for c in counts.values() if c) > 1:
            split.append(label)
    sentence = "; ".join(parts) + "."
    if split:
        sentence += f" The seeds disagree for {_names(split)}: one run of {'it' if len(split) == 1 else 'them'} " \
                    "is not enough to judge."
    return sentence


def _names(labels: Sequence[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
