"""CI must prove what the README promises: .ci/run runs the README's test command, word for word."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def test_ci_runs_the_readme_test_command():
    blocks = re.findall(r"```bash\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    test_command = next(b for b in blocks if b.endswith("python -m pytest --all"))
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and line[0] != "#"]
    assert test_command in ci_lines
    assert "apt-get update -q && apt-get install -y -q chromium" in test_command
    assert "requirements-dev.txt" in test_command


def collected(*args: str) -> tuple[int, int]:
    """(selected, collected) tests of `pytest --collect-only` with these arguments, in a fresh process."""
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
                         capture_output=True, text=True, cwd=ROOT).stdout
    last = out.strip().splitlines()[-1]
    deselected = int(m.group(1)) if (m := re.search(r"(\d+) deselected", last)) else 0
    found = re.search(r"(\d+)(?:/(\d+))? tests? collected", last)
    selected = int(found.group(1)) if found else 0
    total = int(found.group(2)) if found and found.group(2) else selected + deselected
    return selected, total


@pytest.mark.slow  # tens of seconds: out of the fast loop, in CI (pytest --all)
def test_the_ci_command_collects_every_test_and_the_fast_loop_leaves_out_the_slow_kinds():
    """`--all` (the README's and CI's command) lifts the fast loop's marker filter: it selects every test pytest
    collects. Checked on one file of each left-out kind, to stay quick."""
    one_of_each = ["tests/e2e/test_worst_links.py", "tests/science/test_adding_memory.py",
                   "tests/faults/test_load.py", "tests/unit/test_bench_record_smoke.py"]
    selected, total = collected(*one_of_each)
    assert selected == 0 and total >= 4  # a plain `pytest` leaves them all out
    assert collected("--all", *one_of_each) == (total, total)


def test_the_readme_screenshot_exists():
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert pictures and all((ROOT / p).is_file() for p in pictures)


def test_the_performance_record_lives_beside_the_benchmarks_not_in_the_user_facing_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    record = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    assert "| bench_" not in readme and "(benchmarks/README.md)" in readme
    assert "| bench_train" in record and "run_all.py" in record
