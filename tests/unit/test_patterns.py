"""Stage 3: clear requests fire, everything else stays quiet."""

from __future__ import annotations

import pytest

from nodes.patterns import match_patterns

TOOLS = {"calculator", "time_now"}


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("What is 23*19?", "23*19"),
        ("what's 23 x 19", "23 * 19"),
        ("Calculate (2+3)**2 please", "(2+3)**2"),
        ("What is 12 times 7?", "12 * 7"),
        ("Now add 3 to 437", "437 + 3"),
        ("What is the square root of 144?", "sqrt(144)"),
        ("What is 15% of 80?", "(15/100*80)"),
        ("23 곱하기 19는?", "23 * 19"),
        ("3와 4를 더하면?", "3 + 4"),
        ("144의 제곱근은 얼마야?", "sqrt(144)"),
        ("5 factorial?", "factorial(5)"),
    ],
)
def test_arithmetic(text: str, expression: str) -> None:
    assert match_patterns(text, TOOLS) == [("calculator", {"expression": expression})]


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("What time is it in Seoul?", "Asia/Seoul"),
        ("서울은 지금 몇 시야?", "Asia/Seoul"),
        ("지금 뉴욕은 몇 시?", "America/New_York"),
        ("What's the time in LA?", "America/Los_Angeles"),
        ("current time in Europe/Berlin", "Europe/Berlin"),
        ("도쿄 현재 시간 알려줘", "Asia/Tokyo"),
    ],
)
def test_time(text: str, zone: str) -> None:
    assert match_patterns(text, TOOLS) == [("time_now", {"timezone": zone})]


def test_time_without_place() -> None:
    assert match_patterns("What time is it?", TOOLS) == [("time_now", {})]


def test_two_intents_in_one_message() -> None:
    calls = match_patterns("What is 6*7, and what time is it in Tokyo?", TOOLS)
    assert ("calculator", {"expression": "6*7"}) in calls
    assert ("time_now", {"timezone": "Asia/Tokyo"}) in calls


@pytest.mark.parametrize(
    "text",
    [
        "Hello! How are you?",
        "Tell me a joke about cats.",
        "I was born on 1990-05-04.",
        "Call me at 555-1234.",
        "Who wrote Hamlet?",
        "안녕하세요, 반가워요",
        "I have 3 apples and 2 pears.",
        "Let's meet at la plaza.",
    ],
)
def test_no_call(text: str) -> None:
    assert match_patterns(text, TOOLS) == []


def test_only_available_tools() -> None:
    assert match_patterns("What is 2+2?", {"time_now"}) == []
