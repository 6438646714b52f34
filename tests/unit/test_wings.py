"""The package's import graph follows DESIGN.md's wings: each wing imports only the wings above it."""

import subprocess
import sys


def modules_loaded_by(module: str) -> set[str]:
    """Every seqlab module that importing `module` loads, in a fresh interpreter."""
    code = f"import sys, {module}; print(' '.join(m for m in sys.modules if m.startswith('seqlab')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_the_run_log_writes_commands_without_importing_the_cli():
    loaded = modules_loaded_by("seqlab.training.runlog")
    assert "seqlab.command" in loaded
    assert "seqlab.cli" not in loaded
