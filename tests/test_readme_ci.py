"""CI must prove what the README promises: .ci/run runs the README's test command, word for word."""

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_ci_runs_the_readme_test_command():
    blocks = re.findall(r"```bash\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    test_command = next(b for b in blocks if b.endswith("python -m pytest"))
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and line[0] != "#"]
    assert test_command in ci_lines
    assert "apt-get update -q && apt-get install -y -q chromium" in test_command
    assert "requirements-dev.txt" in test_command


def test_the_readme_screenshot_exists():
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert pictures and all((ROOT / p).is_file() for p in pictures)


def test_the_performance_record_lives_beside_the_benchmarks_not_in_the_user_facing_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    record = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    assert "| bench_" not in readme and "(benchmarks/README.md)" in readme
    assert "| bench_train" in record and "run_all.py" in record
