"""Stage 2's grounding check: a structured pick must be supported by what the user wrote."""

from __future__ import annotations

from typing import Any

import pytest

from intent.grounding import asked_kinds
from nodes.structured import grounded
from tools.specs import ToolSpec

PROFIT = ToolSpec(
    name="calculate_profit",
    description="Profit from revenue and cost",
    parameters={
        "type": "object",
        "properties": {"total_revenue": {"type": "number"}, "total_cost": {"type": "number"}},
    },
)
WEATHER = ToolSpec(
    name="get_weather",
    description="Current weather in a city",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}},
)


@pytest.mark.parametrize(
    ("args", "text", "ok"),
    [
        ({"total_revenue": 15000, "total_cost": 22000}, "revenue $15000 and cost $22000", True),
        ({"total_revenue": 15000, "total_cost": 22000}, "revenue $15,000 and cost 22,000.", True),
        ({"total_revenue": 150, "total_cost": 220}, "revenue $15000 and cost $22000", False),
        ({"total_revenue": 1.5, "total_cost": 2}, "1.5 and 2", True),
        ({"total_revenue": 5, "total_cost": 2}, "1.5 and 2", False),  # 5 is inside 1.5, not written
        ({"total_revenue": 10, "total_cost": 20}, "what is my profit?", False),  # invented
    ],
)
def test_numbers_must_be_written_by_the_user(args: dict[str, Any], text: str, ok: bool) -> None:
    assert grounded(PROFIT, args, text) is ok


def test_strings_must_mostly_appear() -> None:
    assert grounded(WEATHER, {"city": "Seoul"}, "Weather in seoul please")
    assert not grounded(WEATHER, {"city": "Paris"}, "Weather in Seoul please")


def test_a_call_without_arguments_needs_a_word_of_the_tool() -> None:
    bare = ToolSpec(name="system_info", description="Operating system and memory", parameters={})
    assert grounded(bare, {}, "How much memory is there?")
    assert not grounded(bare, {}, "Tell me a joke")


@pytest.mark.parametrize(
    "text",
    [
        "salva il riassunto, anzi tienimelo in note/riassunto.txt",
        "de uitkomst wil ik bewaren in rapport/week.txt",
        "хочу чтоб весь список остался в notes/list.txt",
        "zrób to tak, żeby wynik został w dane/wynik.txt",
    ],
)
def test_kept_in_a_file_is_a_write(text: str) -> None:
    assert "file" in asked_kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "co zostało w pliku dane/wynik.txt?",  # what remained there: a question
        "что осталось в файле notes/list.txt?",
    ],
)
def test_what_remained_in_a_file_is_no_write(text: str) -> None:
    assert asked_kinds(text) == set()


def test_a_get_or_a_head_sent_is_a_read() -> None:
    assert asked_kinds("wyślij GET na https://httpbin.org/get") == set()
    assert asked_kinds("doe een HEAD op https://example.com") == set()
    assert asked_kinds("wyślij POST na https://httpbin.org/post") == {"network"}


def test_two_http_methods_weighed_in_a_question_about_code_ground_nothing() -> None:
    assert asked_kinds("в чем разница между PUT и PATCH в rest api") == set()
