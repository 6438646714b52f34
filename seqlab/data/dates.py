"""Dates written out in several languages, from the Unicode CLDR's locale data through Babel, to ISO 8601.

"samedi 21 novembre 2026", "Samstag, 21. November 2026", "Nov 21, 2026" -> "2026-11-21". Real language (the
month and weekday names, word orders and punctuation of each locale as CLDR records them), generated offline
and seeded, with one right answer for every input: a translation a small model learns in seconds.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np

from seqlab.config import DataConfig
from seqlab.data.pairs import pairs_task
from seqlab.data.task import DataError, Task

LOCALES = ("en", "fr", "de", "es", "it", "nl", "pt")  # English, French, German, Spanish, Italian, Dutch, Portuguese
FORMATS = ("full", "long", "medium")  # CLDR's date lengths: with the weekday, month in words, abbreviated
FIRST, LAST = dt.date(1950, 1, 1), dt.date(2049, 12, 31)
SOURCE = "Unicode CLDR locale data (Unicode License v3) via Babel (BSD 3-Clause)"


def _babel():
    try:
        from babel.dates import format_date
    except ImportError:  # requirements.txt pins it; a bare install may lack it
        raise DataError("the dates task needs the Babel package: pip install babel") from None
    return format_date


@functools.lru_cache(maxsize=4096)
def write_date(day: dt.date, locale: str, form: str) -> str:
    """`day` as `locale` writes it in CLDR's `form` ("full", "long", "medium")."""
    return _babel()(day, form, locale=locale)


def date_pairs(n: int, seed: int, locales=LOCALES, forms=FORMATS) -> tuple[list[str], list[str]]:
    """`n` (written date, ISO date) pairs: days uniform in FIRST..LAST, locale and form uniform, seeded."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, (LAST - FIRST).days + 1, size=n)
    which_locale, which_form = rng.integers(0, len(locales), size=n), rng.integers(0, len(forms), size=n)
    sources, targets = [], []
    for d, lo, fo in zip(days, which_locale, which_form, strict=True):
        day = FIRST + dt.timedelta(days=int(d))
        sources.append(write_date(day, locales[lo], forms[fo]))
        targets.append(day.isoformat())
    return sources, targets


def dates_task(cfg: DataConfig) -> Task:
    """The dates task of `cfg.n_samples` pairs, split with its fractions and seed (by length if `longer_test`)."""
    sources, targets = date_pairs(cfg.n_samples, cfg.seed)
    return pairs_task(sources, targets, cfg, "dates", "Dates in 7 languages → ISO", source=SOURCE,
                      notes=(f"{cfg.n_samples:,} dates from {FIRST.year} to {LAST.year} written as CLDR's "
                             f"{', '.join(FORMATS)} formats of {', '.join(LOCALES)}",))
