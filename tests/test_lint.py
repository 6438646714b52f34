"""House style is part of the suite: ruff (pinned in requirements-dev.txt) must pass on the whole tree."""

import shutil
import subprocess
import sys
from pathlib import Path


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    done = subprocess.run([ruff, "check", "."], capture_output=True, text=True, cwd=Path(__file__).parents[1])
    assert done.returncode == 0, done.stdout + done.stderr
