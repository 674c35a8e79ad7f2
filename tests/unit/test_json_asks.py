"""Pasted JSON asked about by a key or a value of it is a query (issue 29), by kind: the model's
pull toward json_parse (the word JSON) or toward the calculator and statistics (the numbers in it)
does not decide; a check of the whole JSON is a parse; a reshaping, a computation, rows and
columns stay with the model."""

from __future__ import annotations

import pytest

from intent.json_asks import json_tools, sort_and_compute, statistic_tools
from intent.model import IntentModel
from tests.unit.turn_decisions import decide_all, shipped_model

CARS = '[{"modell": "Kombi", "farbe": "rot", "preis": 25900}, {"modell": "Mini", "farbe": "blau", "preis": 14500}]'
CLIENTS = '[{"klient": "Nowak", "miasto": "Gdańsk", "kraj": "PL"}, {"klient": "Berg", "miasto": "Malmö", "kraj": "SE"}]'


@pytest.fixture(scope="module")
def model() -> IntentModel:
    return shipped_model()


@pytest.mark.parametrize(
    "text",
    [
        f"aus diesem JSON bitte nur die Farben der Autos über 20000 Euro: {CARS}",
        f"z tego JSON-a wypisz miasta klientów z kraju PL:\n{CLIENTS}",
        'quanto vale timeout qui? {"timeout": 30, "retries": 3, "verbose": false}',
        'このレスポンスの user の login だけ教えて {"user": {"id": 7, "login": "ken"}, "ok": true}',
        f"dans ce JSON, qui a une Kombi ? {CARS}",
    ],
)
def test_a_question_about_pasted_json_is_a_query(model: IntentModel, text: str) -> None:
    decision = decide_all(model, text)
    assert {c["name"] for c in decision["calls"]} | set(decision["missing"]) == {"json_query"}


@pytest.mark.parametrize(
    "text",
    [
        f"sort this JSON by preis: {CARS}",
        f"average preis in this JSON: {CARS}",
        f"keep only the rows with farbe rot from this JSON: {CARS}",
        f"save the farbe values of this JSON to cars/colours.txt: {CARS}",
        f"which modell is cheapest? {CARS}",  # records, no word of JSON: rows to keep or drop
    ],
)
def test_other_asks_about_json_are_left_to_the_model(text: str) -> None:
    assert json_tools(["json_parse"], text) is None


def test_only_data_tools_are_replaced() -> None:
    text = f"from this JSON the farbe of the Kombi, and write it to notes.txt {CARS}"
    assert json_tools(["json_query", "file_write"], text) is None
    assert json_tools(["calculator"], f"from this JSON the farbe of the Kombi {CARS}") == [
        "json_query"
    ]


@pytest.mark.parametrize(
    "text",
    [
        'la config non parte, controlla se questo JSON è valido: {"porta": 8080, "debug": true,}',
        'проверь, корректный ли это JSON: {"retries": 3, "backoff": [1, 2, 4]}',
        '帮我看看这段 JSON 格式对不对：{"a": 1, "b": [2, 3]}',
    ],
)
def test_a_check_of_the_whole_json_is_a_parse(model: IntentModel, text: str) -> None:
    decision = decide_all(model, text)
    assert {c["name"] for c in decision["calls"]} | set(decision["missing"]) == {"json_parse"}


def test_a_check_naming_a_key_is_left_to_the_model() -> None:
    text = f"is this JSON valid, and which farbe has the Kombi? {CARS}"
    assert json_tools(["json_parse"], text) is None
    assert json_tools(["json_query"], f"is this JSON valid? {CARS}") == ["json_parse"]


@pytest.mark.parametrize(
    "text",
    [
        f"ordena por preis y dame la media de preis: {CARS}",
        "posortuj według wyniku i podaj medianę wyniku:\nimie,wynik\nOla,31\nJan,27\nEwa,45",
    ],
)
def test_sorting_and_a_computation_over_pasted_records_are_two_tools(
    model: IntentModel, text: str
) -> None:
    assert sort_and_compute(["statistics"], text) == ["data_transform", "statistics"]
    decision = decide_all(model, text)
    made = {c["name"] for c in decision["calls"]} | set(decision["missing"])
    assert made == {"data_transform", "statistics"}


def test_grouping_with_a_computation_is_one_transform() -> None:
    text = "agrupa por farbe y calcula la media de preis: " + CARS
    assert sort_and_compute(["data_transform"], text) is None
    assert sort_and_compute(["statistics"], f"dame la media de preis: {CARS}") is None


@pytest.mark.parametrize(
    "text",
    [
        "la moyenne de douze, quinze, dix-huit et vingt et un ?",
        "медиана чисел четыре, восемь, пятнадцать, шестнадцать и двадцать три",
        "九、十二、十五、二十一の平均は？",
        "wat is het gemiddelde van 4, 9, 13 en 20?",
    ],
)
def test_a_statistic_of_a_list_is_statistics_not_the_calculator(text: str) -> None:
    assert statistic_tools(["calculator"], text) == ["statistics"]


def test_a_statistic_word_beside_an_operation_or_two_numbers_stays_the_calculator() -> None:
    assert statistic_tools(["calculator"], "the average of (12 + 15 + 18) / 3") is None
    assert statistic_tools(["calculator"], "mean of 12 and 14") is None
    assert statistic_tools(["calculator"], "what is 12 times 15 times 18?") is None
    assert statistic_tools(["statistics", "calculator"], "mean of 1, 2, 3 and 5*5") is None
