"""Languages the phrasebooks do not cover (Italian, Russian, Dutch, Turkish, Polish), through the
whole graph on the embedded default over real HTTP (issue 29).

Requests written by hand for this test (none from the typed set): each reaches the right built-in
tool with the arguments the user wrote (numbers in words read by text2num, number-parser or our
Turkish and Polish tables; places by their names in that language), and small talk reaches none.
They assert the wiring; how often the choice is right is measured by ``python -m evals.typed``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.server_process import ServerProcess

TOOL_CASES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("it", "quanto fa trecentoventi diviso otto?", "calculator", {"expression": "320 / 8"}),
    ("it", "che ore sono adesso a Lisbona?", "time_now", {"timezone": "Europe/Lisbon"}),
    ("ru", "Сколько будет сто двадцать умножить на четыре?", "calculator", {"expression": "120 * 4"}),
    ("ru", "Который час сейчас в Токио?", "time_now", {"timezone": "Asia/Tokyo"}),
    ("nl", "hoeveel is achttien keer zeven?", "calculator", {"expression": "18 * 7"}),
    ("nl", "hoe laat is het nu in Sydney?", "time_now", {"timezone": "Australia/Sydney"}),
    ("tr", "dokuz yüz bölü üç kaç eder?", "calculator", {"expression": "900 / 3"}),
    ("tr", "Tokyo'da şu an saat kaç?", "time_now", {"timezone": "Asia/Tokyo"}),
    ("pl", "ile to sto dwadzieścia razy cztery?", "calculator", {"expression": "120 * 4"}),
    ("pl", "pokaż pliki w folderze docs", "file_list", {"path": "docs"}),
]  # fmt: skip

SMALL_TALK = [
    ("it", "ciao, grazie mille!"),
    ("ru", "Привет! Как у тебя дела?"),
    ("nl", "hoi, hoe gaat het?"),
    ("tr", "merhaba, nasılsın?"),
    ("pl", "cześć, co słychać?"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("languages")
    (tmp / "workspace" / "docs").mkdir(parents=True, exist_ok=True)
    (tmp / "workspace" / "docs" / "readme.txt").write_text("hello", encoding="utf-8")
    process = ServerProcess(tmp).start()
    yield process
    process.stop()


@pytest.mark.parametrize(
    ("lang", "text", "tool", "args"), TOOL_CASES, ids=[f"{c[0]}-{c[2]}" for c in TOOL_CASES]
)
def test_a_request_in_a_new_language_reaches_the_right_tool(
    server: ServerProcess, lang: str, text: str, tool: str, args: dict[str, Any]
) -> None:
    output = server.invoke(text, f"lang-{lang}-{tool}")
    calls = [c for m in output["messages"] if m["type"] == "ai" for c in m.get("tool_calls") or []]
    assert [(c["name"], c["args"]) for c in calls] == [(tool, args)]
    assert output["messages"][-1]["type"] == "ai" and output["messages"][-1]["content"].strip()


@pytest.mark.parametrize(("lang", "text"), SMALL_TALK, ids=[c[0] for c in SMALL_TALK])
def test_small_talk_in_a_new_language_reaches_no_tool(
    server: ServerProcess, lang: str, text: str
) -> None:
    output = server.invoke(text, f"lang-talk-{lang}")
    assert not [m for m in output["messages"] if m["type"] == "tool"]
