"""One named file, with its verbs: write it or read it (issue 29); lines of CSV with words of rows
or sorting: a transform. By kind, in languages the phrasebooks lack and in those they have."""

from __future__ import annotations

import pytest

from intent.file_asks import file_tools, written_not_read
from intent.json_asks import csv_tools
from intent.model import IntentModel
from tests.unit.turn_decisions import shipped_model, tools_of


@pytest.fixture(scope="module")
def model() -> IntentModel:
    return shipped_model()


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("Zapisz w pliku notatki/pomysly.txt: kupić farbę, zadzwonić do Ewy", "file_write"),
        ("Kun je opschrijven in thuis/status.txt dat de oven uit is?", "file_write"),
        ("docs/보고서.md 파일 좀 열어서 보여줘", "file_read"),
    ],
)
def test_one_named_file_with_its_verbs(model: IntentModel, text: str, tool: str) -> None:
    assert tools_of(model, text) == {tool}


def test_file_tools_by_kind() -> None:
    assert file_tools(["file_list"], "Zapisz w pliku a/b.txt: mleko") == ["file_write"]
    assert file_tools(["file_list"], "docs/보고서.md 파일 좀 보여줘") == ["file_read"]
    assert file_tools([], "Kun je 'x' opschrijven in thuis/status.txt?") == ["file_write"]
    # a read chosen stays a read; two files, a folder beside, two tools: left to the model
    assert file_tools(["file_read"], "read a/b.txt and add a line") is None
    assert file_tools(["file_list"], "copy a/b.txt to c/d.txt") is None
    assert file_tools(["file_list"], "list reports/ and write a/b.txt") is None
    assert file_tools(["file_list", "calculator"], "write 2+2 to a/b.txt") is None
    # no verb of writing and no listing chosen: nothing to decide
    assert file_tools([], "what is in a/b.txt?") is None


@pytest.mark.parametrize(
    "text",
    [
        # the model alone: a database change, statistics
        "Lascia solo le righe con peso sopra 2:\noggetto,peso\nzaino,3\nborraccia,1\ntenda,4",
        "Sadece stok 5ten fazla olan satırları bırak:\nurun,stok\nkalem,8\nsilgi,2\ndefter,12",
        "sortuj według wieku:\nimie,wiek\nOla,31\nJan,27\nEwa,45",
        "mach aus der CSV bitte JSON:\nstadt,plz\nBonn,53111\nUlm,89073",
    ],
)
def test_csv_with_words_of_rows_or_sorting_is_a_transform(model: IntentModel, text: str) -> None:
    assert csv_tools(["statistics"], text) == ["data_transform"]
    assert tools_of(model, text) == {"data_transform"}


def test_csv_with_a_computation_is_left_to_the_model() -> None:
    text = "average of the prezzo column:\nfrutto,prezzo\nmela,3\nmango,7"
    assert csv_tools(["statistics"], text) is None
    assert csv_tools(["statistics"], "3, 4\n5, 6\nwhat are these?") is None


def test_a_verb_of_writing_beside_one_file_writes_whatever_file_tools_were_heard() -> None:
    # the model heard a listing and a read; the words put something in the file
    assert file_tools(["file_read", "file_list"], "zet in lijstjes/markt.txt: prei, uien") == [
        "file_write"
    ]
    assert file_tools(["file_read"], "dopisz do notatki/dom.txt: zadzwonić do hydraulika") == [
        "file_write"
    ]


def test_a_file_to_write_beside_another_tool_is_not_read() -> None:
    chosen = ["web_scrape", "file_read"]
    assert written_not_read(chosen, "https://example.org/a 요약해서 notes/a.md에 써줘") == [
        "web_scrape",
        "file_write",
    ]
    # a verb of reading the file, or two files: the model's choice stands
    assert written_not_read(chosen, "open notes/a.md and write its summary") is None
    assert written_not_read(["file_read", "calculator"], "what's 2+2, read a.txt") is None


@pytest.mark.parametrize(
    "text",
    [
        "was ist im Verzeichnis `daten/2023` drin?",
        "qu'est-ce qu'il y a dans le répertoire « docs/archives »",
        "`static/css` 폴더 안에 뭐 있어?",
    ],
)
def test_a_folder_named_with_the_word_for_one_is_listed_not_read(text: str) -> None:
    assert file_tools(["file_read"], text) == ["file_list"]


def test_a_file_with_an_extension_in_a_folder_is_still_read() -> None:
    assert file_tools(["file_read"], "lies die Datei notizen/plan.md im Ordner notizen") is None
