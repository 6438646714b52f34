"""The package's import graph follows DESIGN.md's wings: each wing imports only the wings above it."""

import subprocess
import sys

WINGS = ("analysis", "charts", "app")  # what training must not know


def modules_loaded_by(module: str) -> set[str]:
    """Every seqlab module that importing `module` loads, in a fresh interpreter."""
    code = f"import sys, {module}; print(' '.join(m for m in sys.modules if m.startswith('seqlab')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_the_run_log_writes_commands_without_importing_the_cli_and_training_loads_no_later_wing():
    """One fresh interpreter imports the whole training wing: the run log writes commands through seqlab.command,
    never the CLI, and nothing of analysis, charts or the app comes along."""
    loaded = modules_loaded_by("seqlab.training.runlog, seqlab.training.loop, seqlab.training.parallel")
    assert "seqlab.command" in loaded and "seqlab.training.loop" in loaded
    assert "seqlab.cli" not in loaded
    assert not {m for m in loaded if m.split(".")[1:2] and m.split(".")[1] in WINGS}



def seqlab_imports(path) -> set[str]:
    """Every seqlab module a file imports, at its top or inside a function, read from its syntax tree."""
    import ast

    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return {n for n in names if n == "seqlab" or n.startswith("seqlab.")}


def test_training_imports_nothing_from_analysis_charts_or_the_app():
    """DESIGN.md's wing rule: training knows nothing of analysis or the app; analysis plugs in as callbacks."""
    from pathlib import Path

    files = sorted((Path(__file__).parents[2] / "seqlab" / "training").glob("*.py"))
    assert {f.name for f in files} >= {"loop.py", "callbacks.py", "parallel.py", "runlog.py", "scoring.py"}
    wrong = {f.name: sorted(n for n in seqlab_imports(f) if n.split(".")[1:2] and n.split(".")[1] in WINGS)
             for f in files}
    assert {name: found for name, found in wrong.items() if found} == {}

