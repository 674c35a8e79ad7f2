"""A request about a named table: read it, change it, or both, as its verbs say (intent/table_asks.py)."""

from __future__ import annotations

import pytest

from intent.grounding import database_change_asked, verb_kinds
from intent.model import IntentModel
from intent.table_asks import named_table, table_tools
from nodes.decision import decide

BUILTINS = frozenset(
    {"calculator", "statistics", "time_now", "database_query", "database_execute", "file_read",
     "file_write", "file_list", "web_scrape", "api_request", "system_info", "environment",
     "process_list", "memory_save", "memory_recall"}
)  # fmt: skip


@pytest.fixture(scope="module")
def model() -> IntentModel:
    return IntentModel.load()


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        # the numbers beside the table mislead the model to the calculator
        ("Füge Jonas Berg, 41, in die Tabelle staff ein", ["database_execute"]),
        ("Elimina dalla tabella orders le righe annullate e poi mostrami quante ne restano",
         ["database_execute", "database_query"]),
        ("Покажи из таблицы people всех старше 30", ["database_query"]),
        ("customers 테이블에 이민호 추가하고 전체 목록 보여줘", ["database_execute", "database_query"]),
        ("把 orders 表里的状态改成已发货", ["database_execute"]),
        ("count the records in the projects table", ["database_query"]),
        # joining a table is adding a row to it
        ("welcome Marco, 35, to the staff table", ["database_execute"]),
        ("onboard Kenji Ito (44) into the employees table", ["database_execute"]),
        ("Inscris Paul, 19 ans, dans la table etudiants", ["database_execute"]),
        # a verb with a pronoun after it takes a stress mark: "bórralas", "actualízalo"
        ("Bórralas de la tabla pedidos, las anteriores a 2019", ["database_execute"]),
        ("actualízalo en la tabla precios a 12,50", ["database_execute"]),
    ],
)  # fmt: skip
def test_the_verbs_say_read_or_change(text: str, tools: list[str]) -> None:
    assert table_tools(["calculator"], text) == tools


def test_no_table_named_is_no_table_request() -> None:
    assert table_tools(["calculator"], "what is 12 times 7?") is None
    assert table_tools([], "Pra que serve um índice numa tabela SQL?") is None  # a concept
    assert table_tools([], "env列表") is None  # 列表 is a list, not a table called env


@pytest.mark.parametrize(
    "text",
    [
        "print the times table for 7",
        "what is 7 times the multiplication table row 8?",
        "what's a pivot table in excel?",
        "la tabla de multiplicar del 9",
    ],
)
def test_tables_that_are_not_a_databases(text: str) -> None:
    assert named_table(text) is None
    assert table_tools(["calculator"], text) is None


def test_the_name_is_not_an_article_before_the_word() -> None:
    assert named_table("inserta a Ana en la tabla people") == "people"
    assert named_table("Voeg Sanne toe aan de tabel medewerkers") == "medewerkers"
    assert named_table("wstaw Jana do tabeli klienci") == "klienci"
    assert named_table("put her in the `staff` table") == "staff"


def test_a_file_or_url_beside_the_table_keeps_its_tool() -> None:
    assert table_tools(["file_write", "web_scrape"], "save the page to the notes table") is None


def test_joining_grounds_a_change_only_with_a_table() -> None:
    assert "database" in verb_kinds("welcome Marco, 35, to the staff table")
    assert "database" not in verb_kinds("welcome to the team, Marco!")
    assert database_change_asked("guárdalo en la tabla gastos")
    assert not database_change_asked("muestra las filas con prioridad alta")
    assert not database_change_asked("Zeig mir die Zeilen vom Montag")
    assert not database_change_asked("show the table metadata")


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        # without intent/table_asks.py the model adds the calculator, or reads instead of changing
        ("add Hana, 27, and Olu, 33, to the members table", "database_execute"),
        ("Ajoute Chloé, 24 ans, salaire 2300, à la table employes", "database_execute"),
        ("Borra las filas viejas de la tabla logs, las de hace más de 90 días", "database_execute"),
        ("orders 테이블에서 2020년 이전 주문 삭제해줘", "database_execute"),
        ("products tablosuna 3 adet kalem ekle, fiyatı 12.5", "database_execute"),
        ("在 staff 表里加上王芳，29岁", "database_execute"),
        ("how many rows in the invoices table are over 250?", "database_query"),
    ],
)
def test_the_decision_is_the_database_never_the_calculator(
    model: IntentModel, text: str, tool: str
) -> None:
    decision = decide(model, text, BUILTINS)
    chosen = [call["name"] for call in decision["calls"]] + list(decision["missing"])
    assert chosen == [tool]


def test_a_change_denied_is_not_asked(model: IntentModel) -> None:
    decision = decide(model, "don't delete anything, just show the orders table", BUILTINS)
    chosen = [call["name"] for call in decision["calls"]] + list(decision["missing"])
    assert "database_execute" not in chosen


@pytest.mark.parametrize(
    "text",
    [
        "stwórz tabelę faktury z kolumnami id, kwota, data",
        "faturalar diye bir tablo oluştur: id, tutar, tarih",
        "cancella dalla tabella ordini quelli annullati",
    ],
)
def test_creating_or_cancelling_in_a_table_is_a_change(text: str) -> None:
    assert database_change_asked(text)


@pytest.mark.parametrize(
    "text",
    [
        "Wie viele Kunden stehen in der Tabelle kunden? Danach die Zahl bitte in out/anzahl.txt speichern.",
        "musteriler tablosunda kac kisi var bilmem lazim sonucu rapor/sayi.txt ye kaydet",
    ],
)
def test_a_verb_of_saving_beside_a_file_changes_no_table(text: str) -> None:
    assert table_tools(["database_execute", "file_write"], text) == [
        "database_query",
        "file_write",
    ]


def test_a_change_of_the_table_beside_a_file_written_stays_a_change() -> None:
    text = "lösche alle Zeilen aus der Tabelle logs und schreib den Bericht in out.txt"
    assert table_tools(["database_execute", "file_write"], text) == [
        "database_execute",
        "file_write",
    ]
