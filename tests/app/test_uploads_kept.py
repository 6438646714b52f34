"""An uploaded file outlives a visit to another page (Streamlit forgets the uploader of a page not drawn), until
another file replaces it or it is removed."""

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parents[2]
SHOP = pd.DataFrame({"day": pd.date_range("2020-01-01", periods=300, freq="D").strftime("%Y-%m-%d"),
                     "sales": [float(i % 7) for i in range(300)]}).to_csv(index=False).encode()


def kept_notes(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if "uploaded before you left" in c.value]


def test_an_uploaded_csv_is_still_there_after_a_visit_to_another_page_and_goes_when_removed():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    at.switch_page("pages/1_Lab.py").run()
    at.selectbox(key="lab_task").set_value("csv").run()
    at.get("file_uploader")[0].set_value(("shop.csv", SHOP, "text/csv")).run()
    assert not at.exception and at.selectbox(key="lab_column_csv").options == ["sales"]
    assert not kept_notes(at)  # the uploader shows the file itself

    at.query_params.clear()
    at.switch_page("pages/2_Gradient_flow.py").run()
    assert "lab_csv" not in at.session_state  # Streamlit dropped the uploader
    at.query_params.clear()
    at.switch_page("pages/1_Lab.py").run()
    assert not at.exception and not at.error
    assert at.selectbox(key="lab_task").value == "csv" and at.selectbox(key="lab_column_csv").options == ["sales"]
    assert kept_notes(at) == ["Using **shop\\.csv** (4.4 kB), uploaded before you left this page. Upload another "
                              "file to replace it."]
    at.select_slider(key="lab_length").set_value(20).run()  # any other change keeps using it
    assert kept_notes(at) and at.selectbox(key="lab_column_csv").options == ["sales"]

    at.get("file_uploader")[0].set_value(("shop.csv", SHOP, "text/csv")).run()
    at.get("file_uploader")[0].set_value(None).run()  # the user removes the file: it is gone
    assert not at.exception and not kept_notes(at)
    assert not any(s.key == "lab_column_csv" for s in at.selectbox)


def test_an_uploaded_text_is_still_there_after_a_visit_to_another_page():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    at.switch_page("pages/4_Text.py").run()
    at.radio(key="text_corpus").set_value("upload").run()
    cats = "".join(f"Line {i}: the cat sat on the mat.\n" for i in range(300)).encode()
    at.get("file_uploader")[0].set_value(("cats.txt", cats, "text/plain")).run()
    trainable = not next(b for b in at.button if b.label == "Train").disabled
    at.query_params.clear()
    at.switch_page("pages/5_Runs.py").run()
    at.query_params.clear()
    at.switch_page("pages/4_Text.py").run()
    assert not at.exception and not at.error and trainable
    assert at.radio(key="text_corpus").value == "upload" and kept_notes(at)[0].startswith("Using **cats\\.txt**")
    assert not next(b for b in at.button if b.label == "Train").disabled  # the text is there to train on
