"""Ask the real Yahoo Finance for a year of MSFT prices through seqlab, and fail unless real prices came back in time.

Needs the internet, so it is not part of the test suite (tests/unit/test_stocks.py fakes yfinance;
tests/faults/test_network.py puts the real library in front of a misbehaving local server). Run it by hand when
yfinance or Yahoo may have changed:

    .venv/bin/python benchmarks/check_yfinance.py [--deadline SECONDS]

Exit code 0: real prices within the deadline; 1: a fallback (the notice says why) or too slow.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from seqlab.data.stocks import DEADLINE, fetch_prices  # noqa: E402

TRADING_DAYS_2015 = 252  # NYSE sessions in 2015


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadline", type=float, default=DEADLINE, help=f"seconds (default {DEADLINE:g})")
    args = parser.parse_args(argv)
    started = time.monotonic()
    data, notice = fetch_prices("MSFT", "2015-01-01", "2016-01-01", deadline=args.deadline)
    seconds = time.monotonic() - started
    if notice is not None:
        print(f"FAIL in {seconds:.1f} s: {notice}")
        return 1
    rows = len(data.frame)
    ok = rows >= TRADING_DAYS_2015 - 2 and seconds < args.deadline + 1  # a holiday either way
    print(f"{'OK' if ok else 'FAIL'}: {rows} trading days of MSFT in 2015 (about {TRADING_DAYS_2015}) in "
          f"{seconds:.1f} s (deadline {args.deadline:g} s); first close {data.frame['close'].iloc[0]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
