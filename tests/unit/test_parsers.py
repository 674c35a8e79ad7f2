"""Stage 1 parsers: every text form a model writes tool calls in, and the broken ones."""

from __future__ import annotations

import pytest

from nodes.parsers import parse_text_tool_calls, strip_harmony


@pytest.mark.parametrize(
    "text",
    [
        # gpt-oss Harmony, as vLLM leaks it into content (vllm-project/vllm #22337)
        '<|channel|>commentary to=functions.calculator <|constrain|>json<|message|>{"expression": "23*19"}<|call|>',
        # without <|constrain|>
        '<|channel|>commentary to=functions.calculator json<|message|>{"expression": "23*19"}<|call|>',
        # to= in the role part
        '<|start|>assistant to=functions.calculator<|channel|>commentary <|constrain|>json<|message|>{"expression": "23*19"}<|call|>',
        # cut before <|call|>
        '<|channel|>commentary to=functions.calculator <|constrain|>json<|message|>{"expression": "23*19"}',
    ],
)
def test_harmony_forms(text: str) -> None:
    calls = parse_text_tool_calls(text)
    assert [(c.name, c.arguments, c.form) for c in calls] == [
        ("calculator", {"expression": "23*19"}, "harmony")
    ]


def test_harmony_several_calls() -> None:
    text = (
        '<|channel|>commentary to=functions.calculator <|constrain|>json<|message|>{"expression":"1+1"}<|call|>'
        '<|start|>assistant<|channel|>commentary to=functions.time_now <|constrain|>json<|message|>{"timezone":"UTC"}<|call|>'
    )
    assert [(c.name, c.arguments) for c in parse_text_tool_calls(text)] == [
        ("calculator", {"expression": "1+1"}),
        ("time_now", {"timezone": "UTC"}),
    ]


def test_hermes() -> None:
    text = 'Sure.\n<tool_call>\n{"name": "time_now", "arguments": {"timezone": "Asia/Seoul"}}\n</tool_call>'
    calls = parse_text_tool_calls(text)
    assert [(c.name, c.arguments, c.form) for c in calls] == [
        ("time_now", {"timezone": "Asia/Seoul"}, "hermes")
    ]


def test_hermes_unclosed_tag() -> None:
    calls = parse_text_tool_calls(
        '<tool_call>{"name": "calculator", "arguments": {"expression": "2+2"}}'
    )
    assert [(c.name, c.arguments) for c in calls] == [("calculator", {"expression": "2+2"})]


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "calculator", "arguments": {"expression": "2+2"}}',
        'I will call it: {"name": "calculator", "parameters": {"expression": "2+2"}} now.',
        '```json\n{"name": "calculator", "arguments": {"expression": "2+2"}}\n```',
        '{"name": "calculator", "arguments": "{\\"expression\\": \\"2+2\\"}"}',  # arguments as a JSON string
        '{"type": "function", "function": {"name": "calculator", "arguments": "{\\"expression\\": \\"2+2\\"}"}}',
        '{"tool_calls": [{"name": "calculator", "arguments": {"expression": "2+2"}}]}',
        '[{"name": "calculator", "args": {"expression": "2+2"}}]',
    ],
)
def test_json_forms(text: str) -> None:
    calls = parse_text_tool_calls(text)
    assert [(c.name, c.arguments) for c in calls] == [("calculator", {"expression": "2+2"})]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "The answer is 437.",
        '{"name": "calculator", "arguments": {"expression": "2+2"',  # truncated JSON
        '{"name": "calculator", "arguments": 42}',  # arguments of the wrong type
        '{"name": "Alice", "age": 30}',  # a record, not a call
        '<tool_call>{"name": </tool_call>',  # broken Hermes
        "<|channel|>commentary to=functions.calculator <|message|>{not json}<|call|>",
    ],
)
def test_not_calls(text: str) -> None:
    assert parse_text_tool_calls(text) == []


def test_deeply_nested_json_does_not_crash() -> None:
    text = "[" * 100_000 + "]" * 100_000
    assert parse_text_tool_calls(text) == []


def test_strip_harmony_keeps_final_channel() -> None:
    text = "<|channel|>analysis<|message|>thinking...<|end|><|start|>assistant<|channel|>final<|message|>It is 437.<|return|>"
    assert strip_harmony(text) == "It is 437."
    assert strip_harmony("plain") == "plain"
