"""Tool choice on the embedded default, through the whole graph over real HTTP (issue #14).

Requests written by hand for this test, in the eight languages the intent model knows, none taken
from its phrasing generator (``intent/training/phrasings.py``) or from ``tests/intent_fresh.jsonl``: each
reaches the right built-in tool with the arguments the user wrote, and its result; small talk
reaches none. These assert the wiring (intent model, extractors, route, call-tool, respond) in
each language; how often the choice is right is measured by the evals, not here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.server_process import ServerProcess

TOOL_CASES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("en", "got a sec? what's the clock saying in Reykjavik", "time_now", {"timezone": "Atlantic/Reykjavik"}),
    ("en", "which files do I have in my workspace?", "file_list", {}),
    ("ko", "128 나누기 4는 얼마야?", "calculator", {"expression": "128 / 4"}),
    ("ko", "SELECT name FROM people 쿼리 좀 돌려줘", "database_query", {"sql": "SELECT name FROM people"}),
    ("ja", "15足す27はいくつ？", "calculator", {"expression": "15 + 27"}),
    ("ja", 'このJSONは正しい？ {"a": 1}', "json_parse", {"text": '{"a": 1}'}),
    ("zh", "现在东京几点了？", "time_now", {"timezone": "Asia/Tokyo"}),
    ("zh", "九乘以九等于多少", "calculator", {"expression": "9 * 9"}),
    ("es", "¿Cuánto es 45 por 3?", "calculator", {"expression": "45 * 3"}),
    ("es", "muéstrame los procesos que están corriendo", "process_list", {}),
    ("fr", "Combien font 7 fois 8 ?", "calculator", {"expression": "7 * 8"}),
    ("fr", "calcule la moyenne de 4, 8, 15 et 16", "statistics", {"operations": ["mean"], "values": [4, 8, 15, 16]}),
    ("de", "Wie spät ist es gerade in Wien?", "time_now", {"timezone": "Europe/Vienna"}),
    ("de", "Was ergibt zwölf mal drei?", "calculator", {"expression": "12 * 3"}),
    ("pt", "Quanto é 81 dividido por 9?", "calculator", {"expression": "81 / 9"}),
    ("pt", "qual é o valor da variável de ambiente HOME?", "environment", {"names": ["HOME"]}),
]  # fmt: skip

SMALL_TALK: list[tuple[str, str]] = [
    ("en", "thanks, that was helpful!"),
    ("ko", "오늘 기분이 좋아"),
    ("ja", "おはようございます、元気ですか"),
    ("zh", "你好，最近怎么样？"),
    ("es", "¡Hola! ¿Cómo estás?"),
    ("fr", "Merci beaucoup, bonne soirée"),
    ("de", "Hallo, wie geht es dir?"),
    ("pt", "Obrigado pela ajuda!"),
]


@pytest.fixture(scope="module")
def people_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    import sqlite3

    tmp = tmp_path_factory.mktemp("intent")
    with sqlite3.connect(tmp / "sandbox.db") as conn:
        conn.execute("CREATE TABLE people (name TEXT)")
        conn.executemany("INSERT INTO people VALUES (?)", [("Ana",), ("Ben",)])
    process = ServerProcess(tmp).start()
    yield process
    process.stop()


@pytest.mark.parametrize(
    ("lang", "text", "tool", "args"), TOOL_CASES, ids=[f"{c[0]}-{c[2]}" for c in TOOL_CASES]
)
def test_a_fresh_request_reaches_the_right_tool(
    people_server: ServerProcess, lang: str, text: str, tool: str, args: dict[str, Any]
) -> None:
    output = people_server.invoke(text, f"intent-{lang}-{tool}")
    calls = [c for m in output["messages"] if m["type"] == "ai" for c in m.get("tool_calls") or []]
    assert [(c["name"], c["args"]) for c in calls] == [(tool, args)]
    assert output["call_stages"][calls[0]["id"]] == "intent"
    (result,) = [m for m in output["messages"] if m["type"] == "tool"]
    assert result["status"] == "success", result["content"]
    assert output["messages"][-1]["type"] == "ai" and output["messages"][-1]["content"].strip()


def test_the_french_product_is_56_from_the_calculator(people_server: ServerProcess) -> None:
    output = people_server.invoke("Combien font 7 fois 8 ?", "intent-fr-56")
    (result,) = [m for m in output["messages"] if m["type"] == "tool"]
    assert json.loads(result["content"])["result"] == "56"
    assert "56" in output["messages"][-1]["content"]


@pytest.mark.parametrize(("lang", "text"), SMALL_TALK, ids=[c[0] for c in SMALL_TALK])
def test_small_talk_reaches_no_tool(people_server: ServerProcess, lang: str, text: str) -> None:
    output = people_server.invoke(text, f"talk-{lang}")
    assert not [m for m in output["messages"] if m["type"] == "tool"]
    assert output["messages"][-1]["type"] == "ai" and output["messages"][-1]["content"].strip()
