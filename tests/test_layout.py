"""A test module never imports another test module (or a conftest): shared helpers live in tests/helpers.py
(tests/e2e/helpers.py for the browser), fixtures in conftest.py."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def test_no_test_module_imports_another_or_a_conftest():
    offenders = []
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for module in modules:
                last = module.rsplit(".", 1)[-1]
                if module.startswith("tests.") and (last.startswith("test_") or last == "conftest"):
                    offenders.append(f"{path.relative_to(TESTS)} imports {module}")
    assert offenders == []
