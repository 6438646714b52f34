"""One registry each: the data sets (seqlab.data.REGISTRY) and the pages (seqlab.app.home.PAGES). Every data set
and every page appears wherever it must, and nothing keeps a second copy of either map."""

import ast
import re
from pathlib import Path

from seqlab.app import inside, runs, share
from seqlab.app.home import PAGES, TITLES
from seqlab.cli import main
from seqlab.config import TASKS, DataConfig, choices
from seqlab.data import COLUMNED, REGISTRY, SAMPLED
from seqlab.data.footprint import estimate_task_bytes
from seqlab.data.series import SHIPPED

ROOT = Path(__file__).parents[2]


def test_every_data_set_is_a_config_choice_a_link_value_and_a_cli_task(capsys):
    assert tuple(REGISTRY) == TASKS == choices(DataConfig, "task")
    assert set(SAMPLED) <= set(REGISTRY) and set(COLUMNED) <= set(REGISTRY)
    assert set(SHIPPED) <= set(COLUMNED)  # every shipped series has columns to pick from in the Lab and its links
    for name in REGISTRY:
        assert share.LAB["task"].parse(name) == name
        assert share.LAB["samples"].shown({"task": name}) == (name in SAMPLED)
        assert share.LAB["column"].shown({"task": name}) == (name in COLUMNED)
        assert estimate_task_bytes(DataConfig(task=name)) > 0  # the memory check knows its size
    assert main(["tasks"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == list(REGISTRY)


def test_every_data_set_is_in_the_readme_table_and_every_shipped_file_in_the_data_notes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = "\n".join(line for line in readme.splitlines() if line.startswith("| `"))
    assert set(re.findall(r"`(\w+)`", table)) >= set(REGISTRY)
    notes = (ROOT / "seqlab" / "data" / "files" / "DATA_NOTES.md").read_text(encoding="utf-8")
    for series in SHIPPED.values():
        assert (ROOT / "seqlab" / "data" / "files" / series.file).is_file() and series.file in notes


def page_literals(path: Path) -> dict[str, str]:
    """A page file's KEY, st.title and page_title, read from its syntax tree."""
    found = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["KEY"]:
            found["key"] = node.value.value
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "title" and node.args:
            found["title"] = node.args[0].value
        for keyword in getattr(node, "keywords", []) if isinstance(node, ast.Call) else []:
            if keyword.arg == "page_title":
                found["page_title"] = keyword.value.value
    return found


def test_every_page_is_registered_once_and_titled_as_the_registry_says():
    files = sorted((ROOT / "pages").glob("*.py"))
    assert sorted(page.path for page in PAGES) == [f"pages/{f.name}" for f in files]
    assert len(TITLES) == len(PAGES)  # keys are unique
    for page in PAGES:
        literals = page_literals(ROOT / page.path)
        assert literals["title"] == page.title and literals["page_title"] == f"{page.title} · seqlab"
        assert literals.get("key", page.key) == page.key


def test_no_other_module_keeps_its_own_map_of_page_titles():
    assert all(runs.SOURCES[key] == TITLES[key] for key in runs.SOURCES)
    assert set(inside.PAGES) <= set(TITLES)  # session keys only: titles come from the registry
    titles = set(TITLES.values())
    offenders = []
    for path in [*(ROOT / "seqlab").rglob("*.py"), ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py")]:
        if path.name == "home.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                named = {v.value for v in node.values if isinstance(v, ast.Constant) and v.value in titles}
                if len(named) >= 2:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
