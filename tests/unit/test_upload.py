"""A user's CSV: what is accepted and cleaned, and every refusal comes as a DataError a person can act on."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlab.data.task import DataError, SeriesData
from seqlab.data.upload import MAX_UPLOAD_BYTES, read_csv_series
from tests.helpers import check_series

RAW_PANDAS = ("Error tokenizing", "C error", "Traceback", "No columns to parse")


def csv(header: str, rows: list[str], sep: str = ",") -> bytes:
    return "\n".join([header.replace(",", sep), *(r.replace(",", sep) for r in rows)]).encode()


def daily(n: int = 20, value=lambda i: f"{i * 1.5 + (i % 3)}") -> list[str]:
    return [f"2021-03-{i + 1:02d},{value(i)}" for i in range(n)]


def refusal(data, **kw) -> str:
    with pytest.raises(DataError) as caught:
        read_csv_series(data, **kw)
    message = str(caught.value)
    assert not any(raw in message for raw in RAW_PANDAS)
    return message


def test_comma_csv_with_dates():
    data = read_csv_series(csv("date,sales", daily()), name="shop.csv")
    assert isinstance(data, SeriesData)
    assert (data.time_column, data.value_columns, data.default_column) == ("date", ("sales",), "sales")
    assert pd.api.types.is_datetime64_dtype(data.frame["date"])
    assert data.frame["sales"].dtype == np.float64 and len(data.frame) == 20
    assert data.name == "shop.csv"


@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolon_and_tab_separated(sep):
    rows = [f"{r},1{i % 4}" for i, r in enumerate(daily())]
    data = read_csv_series(csv("date,sales,cost", rows, sep))
    assert data.value_columns == ("sales", "cost")


def test_utf8_byte_order_mark_is_accepted():
    data = read_csv_series("\ufeffdate,sales\n".encode() + "\n".join(daily()).encode())
    assert data.time_column == "date"


def test_crlf_line_ends_are_accepted():
    data = read_csv_series(csv("date,sales", daily()).replace(b"\n", b"\r\n"))
    assert len(data.frame) == 20


def test_without_a_date_column_the_row_order_is_time():
    data = read_csv_series(csv("a,b", [f"{i},{i * i}" for i in range(12)]))
    assert data.time_column == "row"
    assert data.frame["row"].tolist() == list(range(12))
    assert data.default_column == "a"
    assert any("row order" in note for note in data.notes)


def test_year_column_gives_integer_time():
    data = read_csv_series(csv("year,count", [f"{1900 + i},{i % 7}" for i in range(15)]))
    assert data.time_column == "year" and data.frame["year"].dtype == np.int64


def test_text_column_of_dates_is_found_whatever_its_name():
    data = read_csv_series(csv("when,value", daily()))
    assert data.time_column == "when"


def test_unsorted_dates_are_sorted():
    data = read_csv_series(csv("date,sales", daily()[::-1]))
    assert data.frame["date"].is_monotonic_increasing
    assert data.frame["sales"].iloc[0] == 0.0


def test_duplicated_dates_are_averaged_and_noted():
    rows = daily() + ["2021-03-05,100", "2021-03-05,200"]
    data = read_csv_series(csv("date,sales", rows))
    assert data.frame["date"].is_unique and len(data.frame) == 20
    day5 = data.frame.loc[data.frame["date"] == "2021-03-05", "sales"].item()
    assert day5 == pytest.approx((7.0 + 100 + 200) / 3)
    assert any("averaged" in note for note in data.notes)


def test_missing_and_infinite_values_are_interpolated():
    rows = daily(value=lambda i: {4: "", 5: "inf", 9: "-inf"}.get(i, str(float(i))))
    data = read_csv_series(csv("date,x", rows))
    assert np.isfinite(data.frame["x"]).all()
    assert data.frame["x"].iloc[4:6].tolist() == pytest.approx([4.0, 5.0])
    assert any("3 missing values in 'x'" in note and "interpolation" in note for note in data.notes)


def test_missing_values_at_the_edges_take_the_nearest_value():
    rows = daily(value=lambda i: "" if i in (0, 19) else str(float(i)))
    x = read_csv_series(csv("date,x", rows)).frame["x"]
    assert (x.iloc[0], x.iloc[-1]) == (1.0, 18.0)


def test_unparseable_dates_drop_their_rows_with_a_note():
    data = read_csv_series(csv("date,x", daily() + ["not a date,5"]))
    assert len(data.frame) == 20
    assert any("1 rows" in note and "dropped" in note for note in data.notes)


def test_text_columns_are_left_out_with_a_note():
    data = read_csv_series(csv("date,x,label", [r + ",rain" for r in daily()]))
    assert data.value_columns == ("x",)
    assert any("label" in note for note in data.notes)


def test_constant_column_is_left_out_when_another_remains():
    data = read_csv_series(csv("date,x,flat", [r + ",7" for r in daily()]))
    assert data.value_columns == ("x",)
    assert any("constant" in note for note in data.notes)


def test_headerless_numbers_are_read_as_data():
    data = read_csv_series("\n".join(str(i % 5) for i in range(15)).encode())
    assert len(data.frame) == 15 and data.value_columns == ("column_1",)


@pytest.mark.parametrize("data, phrase", [
    ("date,x\n", "bytes"),
    (b"", "empty"),
    (b"\n\n  \n", "empty"),
    (b"date,x", "no rows"),
    (b"date,x\n2021-01-01,1\n2021-01-02,2\n", "only 2"),
    (b"PK\x03\x04\x00\x00binary", "binary"),
    (bytes(range(1, 32)) * 20, "binary"),
    ("date,température\n2021-01-01,1\n".encode("latin-1"), "UTF-8"),
    ("date,x\n".encode("utf-16"), "UTF-8"),
])
def test_unusable_files_are_refused(data, phrase):
    assert phrase in refusal(data)


def test_over_the_size_cap_names_the_cap_in_mb():
    message = refusal(b"x\n" + b"1\n" * (MAX_UPLOAD_BYTES // 2))
    assert "5 MB" in message


def test_no_numeric_column_lists_the_columns_found():
    message = refusal(csv("date,city", [r.split(",")[0] + ",Paris" for r in daily()]))
    assert "no numeric column" in message and "'city'" in message and "'date'" in message


def test_all_missing_column_is_refused():
    message = refusal(csv("date,x", [r.split(",")[0] + ",inf" for r in daily()]))
    assert "'x' has no numbers" in message


def test_constant_only_column_is_refused():
    assert "constant" in refusal(csv("date,x", [r.split(",")[0] + ",3" for r in daily()]))


def test_mostly_missing_column_is_refused():
    rows = daily(value=lambda i: str(i) if i < 8 else "")
    assert "more than half" in refusal(csv("date,x", rows))


def test_ragged_rows_are_explained():
    message = refusal(csv("date,x", daily() + ["2021-04-01,1,2,3"]))
    assert "line 22" in message and "separator" in message


def test_too_many_rows_suggests_trimming():
    message = refusal(b"x\n" + b"1\n2\n" * 100_001)
    assert "200,000" in message and "keep" in message


def test_too_many_columns_is_refused():
    header = ",".join(f"c{i}" for i in range(600))
    assert "columns" in refusal((header + "\n" + ",".join("1" * 600)).encode())


def test_too_few_rows_uses_min_rows():
    assert "at least 30" in refusal(csv("date,x", daily()), min_rows=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789.,;-\t eE:aT\"", max_size=30), min_size=0, max_size=30))
def test_any_csv_like_text_gives_finite_series_or_data_error(lines):
    check_series(("date,x\n" + "\n".join(lines)).encode())
