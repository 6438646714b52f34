"""Static checks over the app's source: nothing unpickles an upload, no user text reaches raw HTML, uploads are capped,
every query parameter goes through the checked parser, and nothing runs a shell."""

import ast
import re
import tomllib
from pathlib import Path

import pytest

from seqlab.data.corpus import MAX_TEXT_BYTES
from seqlab.data.upload import MAX_UPLOAD_BYTES

ROOT = Path(__file__).parents[2]
SOURCES = sorted([*(ROOT / "seqlab").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "dashboard.py"])


def calls(path: Path):
    """Every call in a file, with the dotted name of what is called (e.g. "torch.load", "st.markdown")."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call):
            yield node, ast.unparse(node.func)


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def test_the_source_tree_is_found():
    assert len(SOURCES) > 30 and ROOT / "pages" / "1_Lab.py" in SOURCES


def test_nothing_imports_pickle_or_its_relatives():
    unsafe = {"pickle", "cPickle", "dill", "joblib", "shelve", "marshal", "cloudpickle"}
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{where(path, node)} imports {n}" for n in names if n.split(".")[0] in unsafe]
    assert not found


def test_torch_load_is_always_weights_only():
    found = []
    for path in SOURCES:
        for node, name in calls(path):
            if name.endswith("torch.load"):
                safe = any(k.arg == "weights_only" and isinstance(k.value, ast.Constant) and k.value.value is True
                           for k in node.keywords)
                if not safe:
                    found.append(where(path, node))
    assert not found, f"torch.load without weights_only=True: {found}"


def _constant_html(path, node) -> bool:
    """An st.html call whose one argument is an UPPER_CASE module constant built from literals and other such
    constants only (the phone hint's fixed CSS): no text from a person can reach it."""
    if len(node.args) != 1 or node.keywords or not isinstance(node.args[0], ast.Name):
        return False
    constants = {t.id: a.value for a in ast.parse(path.read_text()).body if isinstance(a, ast.Assign)
                 for t in a.targets if isinstance(t, ast.Name) and t.id.isupper()}

    def literal(value) -> bool:  # literals, arithmetic and f-strings over them, and other such constants
        allowed = (ast.Constant, ast.JoinedStr, ast.FormattedValue, ast.BinOp, ast.operator, ast.Name, ast.Load)
        return all(isinstance(n, allowed) and (not isinstance(n, ast.Name) or
                                               (n.id in constants and literal(constants[n.id])))
                   for n in ast.walk(value))
    name = node.args[0].id
    return name in constants and literal(constants[name])


def test_no_raw_html_and_no_code_from_strings():
    """unsafe_allow_html, st.html and components render text as HTML; eval/exec run it. None is used (but for
    st.html of a fixed constant, the phone hint's CSS), so no user-supplied text (file names, columns, prompts,
    tickers, samples) can ever reach them."""
    found = []
    for path in SOURCES:
        text = path.read_text()
        for pattern in (r"unsafe_allow_html", r"components\.v1", r"\bcomponents\.html"):
            found += [f"{path.relative_to(ROOT)}: {m.group()}" for m in re.finditer(pattern, text)]
        found += [f"{where(path, node)} {name}" for node, name in calls(path)
                  if name.endswith(".html") and not _constant_html(path, node)]
        found += [f"{path.relative_to(ROOT)}: .html( not as a call" for _ in
                  range(text.count(".html(") - sum(1 for _, name in calls(path) if name.endswith(".html")))]
        found += [f"{where(path, node)} {name}" for node, name in calls(path)
                  if name in ("eval", "exec", "compile", "__import__", "builtins.eval", "builtins.exec")]
    assert not found


def test_nothing_runs_a_shell_or_a_subprocess():
    found = []
    for path in SOURCES:
        for node, name in calls(path):
            if name.startswith(("subprocess.", "os.system", "os.popen", "os.exec", "os.spawn")) or \
                    any(k.arg == "shell" for k in node.keywords):
                found.append(f"{where(path, node)} {name}")
    assert not found


def test_uploads_are_capped_by_the_server_and_by_the_readers():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    cap_mb = config["server"]["maxUploadSize"]
    assert 0 < cap_mb <= 5
    assert MAX_UPLOAD_BYTES == cap_mb * 2**20  # the reader refuses what the server would, with a message
    assert MAX_TEXT_BYTES <= MAX_UPLOAD_BYTES
    assert config["server"].get("maxMessageSize", 200) <= 200  # Streamlit's default, not raised


def test_every_file_uploader_names_its_file_types():
    """Each uploader, or each call of `kept_upload` (an uploader that outlives a visit to another page, which
    passes its caller's types on), names a literal list of harmless file types."""
    uploaders = []
    for path in SOURCES:
        for node, name in calls(path):
            if name.endswith("file_uploader"):
                kinds = next((k.value for k in node.keywords if k.arg == "type"), None)
                if isinstance(kinds, ast.Name) and kinds.id == "types" and path.name == "datasets.py":
                    continue  # inside kept_upload: its callers are checked below
            elif name.endswith("kept_upload"):
                kinds = node.args[1] if len(node.args) > 1 else None
            else:
                continue
            assert isinstance(kinds, ast.List) and kinds.elts, where(path, node)
            assert not {e.value for e in kinds.elts} & {"pkl", "pickle", "pt", "pth", "npy", "joblib"}
            uploaders.append(where(path, node))
    assert len(uploaders) >= 4  # the Lab's CSV and labelled texts, the Text page's .txt, the Runs page's JSON


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_query_parameters_are_read_only_through_the_checked_parser(path):
    """Only seqlab/app/share.py reads st.query_params, and it checks every value against the config's bounds
    (a page link may still write a query string of its own, as the guided demos' links do)."""
    if path.name == "share.py":
        return
    assert "st.query_params" not in path.read_text()


def test_ticker_and_dates_are_checked_before_any_fetch():
    source = (ROOT / "seqlab" / "data" / "stocks.py").read_text()
    fetch = source[source.index("def fetch_prices"):source.index("def clear_cache")]
    assert fetch.index("_check_ticker(") < fetch.index("_fetch_with_deadline(")
    assert fetch.index("_check_dates(") < fetch.index("_fetch_with_deadline(")
