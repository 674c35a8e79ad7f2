"""Stage 1 of detect-intent: tool calls that a model wrote into its text.

Recognised forms, each seen from real backends:

- Harmony (gpt-oss): ``<|channel|>commentary to=functions.NAME <|constrain|>json<|message|>{...}<|call|>``,
  with or without ``<|constrain|>``, with ``to=`` in the role or in the channel part, and with the
  closing ``<|call|>`` missing when the text was cut.
- Hermes / Qwen: ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>``.
- Bare or fenced JSON: ``{"name": ..., "arguments": {...}}`` (also ``parameters``/``args``),
  OpenAI's ``{"type": "function", "function": {...}}``, ``{"tool_calls": [...]}`` and lists of them.

The parsers only find candidates; :mod:`tools.specs` decides whether a candidate names a
known tool with arguments that fit its schema.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from backends.messages import loads_first

MAX_SCAN_CHARS = 100_000
MAX_CANDIDATES = 16
MAX_DECODE_ATTEMPTS = 64  # JSON starts tried in one text; bounds the work on hostile input

_HARMONY_CALL = re.compile(
    r"to=(?:functions\.)?(?P<name>[A-Za-z0-9_\-.]+)"  # recipient, in the role or the channel
    r"(?P<header>.*?)"  # channel, content type, <|constrain|>json ...
    r"<\|message\|>(?P<body>.*?)(?:<\|call\|>|<\|end\|>|<\|return\|>|<\|start\|>|\Z)",
    re.DOTALL,
)
_HERMES_CALL = re.compile(r"<tool_call>\s*(?P<body>.*?)\s*(?:</tool_call>|\Z)", re.DOTALL)
_FENCE = re.compile(r"```(?:json|tool_call|javascript|js)?\s*(?P<body>.*?)```", re.DOTALL)
HARMONY_TOKEN = re.compile(r"<\|[a-z_]+\|>")


@dataclass
class ParsedCall:
    """A tool call found in text: a name, its arguments, and the form it was written in."""

    name: str
    arguments: dict[str, Any]
    form: str
    raw_arguments: str | None = field(default=None, repr=False)


def _arguments(value: Any) -> dict[str, Any] | None:
    """Arguments as a dict: given as an object, a JSON string of one, or absent (empty)."""
    if value is None:
        return {}
    if isinstance(value, str):
        decoded = loads_first(value)
        return decoded if isinstance(decoded, dict) else None
    return value if isinstance(value, dict) else None


def _calls_from_value(value: Any, form: str) -> list[ParsedCall]:
    """Tool calls in a decoded JSON value of any of the shapes models write."""
    if isinstance(value, list):
        found: list[ParsedCall] = []
        for item in value[:MAX_CANDIDATES]:
            found.extend(_calls_from_value(item, form))
        return found
    if not isinstance(value, dict):
        return []
    if isinstance(value.get("tool_calls"), list):
        return _calls_from_value(value["tool_calls"], form)
    if isinstance(value.get("function"), dict):  # OpenAI: {"type": "function", "function": {...}}
        return _calls_from_value(value["function"], form)
    name = value.get("name", value.get("tool", value.get("function_name")))
    if not isinstance(name, str) or not name.strip():
        return []
    for key in ("arguments", "parameters", "args", "input"):
        if key in value:
            raw = value[key]
            args = _arguments(raw)
            if args is None:
                return []
            return [ParsedCall(name.strip(), args, form, raw if isinstance(raw, str) else None)]
    extra = set(value) - {"name", "tool", "function_name", "type", "id"}
    if extra:  # {"name": "x", "foo": 1} is a record, not a call
        return []
    return [ParsedCall(name.strip(), {}, form)]


def parse_harmony(text: str) -> list[ParsedCall]:
    calls = []
    for match in _HARMONY_CALL.finditer(text):
        body = match.group("body")
        args = _arguments(body.strip() or None)
        if args is None:
            continue
        calls.append(ParsedCall(match.group("name"), args, "harmony", body))
    return calls


def parse_hermes(text: str) -> list[ParsedCall]:
    calls: list[ParsedCall] = []
    for match in _HERMES_CALL.finditer(text):
        calls.extend(_calls_from_value(loads_first(match.group("body")), "hermes"))
    return calls


def parse_json(text: str) -> list[ParsedCall]:
    """JSON tool calls in fences, or bare anywhere in the text."""
    calls: list[ParsedCall] = []
    for match in _FENCE.finditer(text):
        calls.extend(_calls_from_value(loads_first(match.group("body")), "json"))
    if calls:
        return calls
    decoder = json.JSONDecoder()
    position = 0
    for _ in range(MAX_DECODE_ATTEMPTS):
        if len(calls) >= MAX_CANDIDATES:
            break
        starts = [i for i in (text.find("{", position), text.find("[", position)) if i >= 0]
        if not starts:
            break
        start = min(starts)
        try:
            value, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            position = start + 1
            continue
        except RecursionError:
            break  # nested past the interpreter's limit: hostile or broken, not a call
        calls.extend(_calls_from_value(value, "json"))
        position = end
    return calls


def parse_text_tool_calls(text: str | None) -> list[ParsedCall]:
    """Every tool call written into ``text``, trying Harmony, Hermes and JSON in that order."""
    if not text:
        return []
    text = text[:MAX_SCAN_CHARS]
    for parser in (parse_harmony, parse_hermes, parse_json):
        calls = parser(text)
        if calls:
            return calls[:MAX_CANDIDATES]
    return []


def strip_harmony(text: str) -> str:
    """Remove Harmony control tokens that leaked into a plain answer."""
    if "<|" not in text:
        return text
    final = re.search(
        r"<\|channel\|>final<\|message\|>(.*?)(?:<\|end\|>|<\|return\|>|\Z)", text, re.S
    )
    if final:
        return final.group(1).strip()
    return HARMONY_TOKEN.sub(" ", text).strip()
