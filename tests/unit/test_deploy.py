"""The repository deploys on Streamlit Community Cloud as it is: its Pipfile matches requirements.txt, with torch
from PyTorch's CPU index, and no system packages are needed."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]


def pins(path: Path) -> dict[str, str]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return dict(re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line).groups() for line in lines if line)


def test_the_pipfile_pins_what_requirements_txt_pins():
    pipfile = tomllib.loads((ROOT / "Pipfile").read_text())
    packages = {name: spec if isinstance(spec, str) else spec["version"]
                for name, spec in pipfile["packages"].items()}
    assert {name: spec.removeprefix("==") for name, spec in packages.items()} == pins(ROOT / "requirements.txt")
    assert pipfile["requires"]["python_version"] == "3.11"


def test_torch_comes_from_the_cpu_index_there():
    pipfile = tomllib.loads((ROOT / "Pipfile").read_text())
    sources = {s["name"]: s["url"] for s in pipfile["source"]}
    assert sources[pipfile["packages"]["torch"]["index"]] == "https://download.pytorch.org/whl/cpu"
    assert sources["pypi"] == "https://pypi.org/simple"


def test_no_system_packages_and_the_app_imports_from_the_checkout():
    assert not (ROOT / "packages.txt").exists()
    assert (ROOT / "dashboard.py").is_file() and (ROOT / "seqlab" / "__init__.py").is_file()  # on sys.path there
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] <= 5 and config["server"]["fileWatcherType"] == "none"
