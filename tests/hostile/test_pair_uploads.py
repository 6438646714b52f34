"""Bad CSVs of translation pairs, refused or cleaned with a clear message; a good one trains."""

import pytest
from hostile import clear, page, refused, train, upload

from seqlab.config import DataConfig
from seqlab.data import DataError, make_task
from seqlab.data.pair_upload import MAX_LINE_CHARS, MAX_PAIR_BYTES, read_pairs

GOOD = "".join(f"I have {n} cats,J'ai {n} chats\n" for n in range(200)).encode()
HEADED = b"english,french\n" + GOOD


def rows(lines) -> bytes:
    return ("text,translation\n" + "".join(line + "\n" for line in lines)).encode()


BAD_PAIRS = [
    ("empty", b"", ["empty"]),
    ("one column", rows([f"hello {i}" for i in range(100)]).replace(b"text,translation", b"text"),
     ["one column", "two"]),
    ("too few pairs", rows([f"hi {i},salut {i}" for i in range(20)]), ["only 20 usable pairs", "at least 64"]),
    ("one-sided rows only", rows([f"hello {i}," for i in range(100)]), ["one of the two columns empty",
                                                                         "same line"]),
    ("every line over-long", rows([f"{'a' * 150},{'b' * 10}"] * 100), [f"longer than {MAX_LINE_CHARS}",
                                                                       "split long sentences"]),
    ("UTF-16", GOOD.decode().encode("utf-16"), ["UTF-16", "UTF-8"]),
    ("latin-1", "Caf\u00e9,Kaffee\n".encode("latin-1") * 100, ["not UTF-8", "re-save"]),
    ("binary", bytes(range(256)) * 40, ["binary"]),
    ("over the size cap", b"a,b\n" + b"hello there,bonjour\n" * (MAX_PAIR_BYTES // 20 + 1), ["over the 2 MB limit"]),
    ("a huge alphabet", rows([f"{chr(0x4E00 + i)}{chr(0x4E00 + i + 400)},x" for i in range(400)]),
     ["distinct characters", "alphabet"]),
]


@pytest.mark.parametrize("data, phrases", [c[1:] for c in BAD_PAIRS], ids=[c[0] for c in BAD_PAIRS])
def test_the_pair_reader_refuses_with_a_clear_message(data, phrases):
    with pytest.raises(DataError) as caught:
        read_pairs(data, 10_000)
    clear(str(caught.value), *phrases)


def test_one_sided_empty_and_over_long_rows_are_left_out_and_named():
    lines = [f"hello {i},bonjour {i}" for i in range(100)] + ["only a source,", ",only a target", ",",
                                                               f"{'x' * 200},court"]
    sources, targets, notes = read_pairs(rows(lines), 10_000)
    assert len(sources) == len(targets) == 100
    said = " ".join(notes)
    clear(said, "2 row(s) with only one side", "'only a source', 'only a target'", "1 pair(s) with a side over 100",
          "'xxxxxxxxxx")


def test_more_columns_use_the_first_two_and_a_cap_keeps_the_first_pairs():
    data = b"en,fr,id\n" + b"".join(f"dog {i},chien {i},{i}\n".encode() for i in range(300))
    sources, targets, notes = read_pairs(data, 100)
    assert sources[0] == "dog 0" and targets[99] == "chien 99" and len(sources) == 100
    clear(" ".join(notes), "3 columns", "the first 100 of 300 pairs")


def test_an_uploaded_task_is_a_translation_task():
    task = make_task(DataConfig(task="pairs", n_samples=500), HEADED)
    assert task.kind == "translation" and sum(task.sizes().values()) == 200
    assert "chats" in "".join(task.target_vocab[3:]) or set("chats") <= set(task.target_vocab)


def pairs_page():
    return page("6_Translation.py", "translate", translate_task="pairs", translate_pairs=500,
                translate_attention=["on"])


def test_the_page_asks_for_a_file_then_refuses_a_bad_one_and_trains_a_good_one():
    at = pairs_page()
    assert not at.exception and any("Upload a CSV file" in i.value for i in at.info)
    at = upload(at, "pairs.csv", rows([f"hello {i}," for i in range(100)]))
    refused(at, "one of the two columns empty")
    at = upload(at, "pairs.csv", HEADED)
    assert not at.error, [e.value for e in at.error]
    train(at)


def test_the_cli_trains_an_uploaded_file_and_asks_for_one_when_missing(tmp_path, capsys):
    from seqlab import cli

    path = tmp_path / "pairs.csv"
    path.write_bytes(HEADED)
    args = ["compare", "--task", "pairs", "--archs", "gru", "--attention", "on", "--epochs", "1", "--hidden", "8",
            "--quiet"]
    assert cli.main([*args, "--csv", str(path)]) == 0
    assert "GRU + attention" in capsys.readouterr().out
    assert cli.main(args) == 2
    clear(capsys.readouterr().err, "--task pairs needs --csv PATH")
    runs = cli.run_configs(cli._parser().parse_args([*args, "--csv", str(path)]))
    assert cli.comparison_command(runs, "pairs.csv").endswith("--csv pairs.csv")
