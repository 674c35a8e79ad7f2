"""Stage 1 of detect-intent: tool calls that a model wrote into its text.

Recognised forms, each seen from real backends:

- Harmony (gpt-oss): ``<|channel|>commentary to=functions.NAME <|constrain|>json<|message|>{...}<|call|>``,
  with or without ``<|constrain|>``, with ``to=`` in the role or in the channel part, and with the
  closing ``<|call|>`` missing when the text was cut.
- Hermes / Qwen: ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>``.
- Bare or fenced JSON: ``{"name": ..., "arguments": {...}}`` (also ``parameters``/``args``),
  OpenAI's ``{"type": "function", "function": {...}}``, ``{"tool_calls": [...]}`` and lists of them.
- Harmony with its control tokens decoded away (a server that detokenizes special tokens as
  text, or drops them): ``...assistantcommentary to=functions.NAME json{...}``.
- A call's arguments without its header (:func:`parse_bare_arguments`): vLLM, having consumed the
  ``to=functions.NAME`` header, leaves the message body ``{"city": "Berlin"}`` glued to the text
  before it, in ``content`` or at the end of the reasoning. Such an object names no tool; only
  :func:`tools.specs.resolve_tool` can say which tool it fits, and it is strict about it.

The parsers only find candidates; :mod:`tools.specs` decides whether a candidate names a
known tool with arguments that fit its schema.

:func:`strip_harmony` makes a plain answer of a reply with Harmony's channels in it (tokens or
their decoded words: ``analysis...assistantfinal...``): only the final channel is kept.
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
    r"(?:<\|start\|>\s*)?(?:assistant\s*)?(?:<\|channel\|>\s*[a-z]+\s*)?"  # the message's start
    r"to=(?:functions\.)?(?P<name>[A-Za-z0-9_\-.]+)"  # recipient, in the role or the channel
    r"(?P<header>.*?)"  # channel, content type, <|constrain|>json ...
    r"<\|message\|>(?P<body>.*?)(?:<\|call\|>|<\|end\|>|<\|return\|>|<\|start\|>|\Z)",
    re.DOTALL,
)
# The same header with the tokens decoded away: no <|message|>, the JSON follows the header words.
_STRIPPED_CALL = re.compile(
    r"(?:assistant)?(?:commentary|analysis)?\s*"
    r"to=(?:functions\.)?(?P<name>[A-Za-z0-9_\-.]+?)"
    r"(?:<\|channel\|>|\s|commentary|analysis|<\|constrain\|>)*(?:json|code)?\s*(?=\{)"
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
    span: tuple[int, int] | None = field(default=None, repr=False)
    """Where the call is written in the text it was found in (start, end), when known."""
    before: str = field(default="", repr=False)
    """For bare arguments: the text just before them (where a tool may be named)."""


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
        calls.append(ParsedCall(match.group("name"), args, "harmony", body, match.span()))
    if calls or "to=" not in text:
        return calls
    decoder = json.JSONDecoder()
    for match in _STRIPPED_CALL.finditer(text):  # the tokens decoded away
        try:
            value, end = decoder.raw_decode(text, match.end())
        except (json.JSONDecodeError, RecursionError):
            continue
        if isinstance(value, dict):
            raw = text[match.end() : end]
            calls.append(
                ParsedCall(match.group("name"), value, "harmony", raw, (match.start(), end))
            )
    return calls


def parse_hermes(text: str) -> list[ParsedCall]:
    calls: list[ParsedCall] = []
    for match in _HERMES_CALL.finditer(text):
        for call in _calls_from_value(loads_first(match.group("body")), "hermes"):
            call.span = match.span()
            calls.append(call)
    return calls


def parse_json(text: str) -> list[ParsedCall]:
    """JSON tool calls in fences, or bare anywhere in the text."""
    calls: list[ParsedCall] = []
    for match in _FENCE.finditer(text):
        for call in _calls_from_value(loads_first(match.group("body")), "json"):
            call.span = match.span()
            calls.append(call)
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
        for call in _calls_from_value(value, "json"):
            call.span = (start, end)
            calls.append(call)
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


def parse_bare_arguments(text: str | None, *, at_end: bool = False) -> list[ParsedCall]:
    """JSON objects that look like a call's arguments left without their header: the whole text
    is the object, or the object is glued to the word before it (no space: where a control token
    was removed). With ``at_end`` (the reasoning, where vLLM appends the body of a call it
    misread as analysis) only an object that ends the text counts. The calls have no name
    (``form="arguments"``, :attr:`ParsedCall.before` holds the text before them): which tool
    they are for is for :func:`tools.specs.resolve_tool` to decide, or nobody."""
    if not text or "{" not in text:
        return []
    text = text[:MAX_SCAN_CHARS]
    decoder = json.JSONDecoder()
    found: list[ParsedCall] = []
    position = 0
    for _ in range(MAX_DECODE_ATTEMPTS):
        start = text.find("{", position)
        if start < 0 or len(found) >= MAX_CANDIDATES:
            break
        try:
            value, end = decoder.raw_decode(text, start)
        except (json.JSONDecodeError, RecursionError):
            position = start + 1
            continue
        position = end
        head, tail = text[:start], text[end:]
        whole = not head.strip() and not tail.strip()
        glued = bool(head) and not head[-1].isspace() and head[-1] not in "`'\"=:"
        if at_end and tail.strip():
            continue
        if not isinstance(value, dict) or not value or not (whole or glued):
            continue
        if _calls_from_value(value, "json"):
            continue  # a whole call object: parse_json's
        found.append(ParsedCall("", value, "arguments", text[start:end], (start, end), head[-300:]))
    return found


def without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the given (start, end) parts cut out."""
    kept, last = [], 0
    for start, end in sorted(spans):
        if start >= last:
            kept.append(text[last:start])
            last = end
    kept.append(text[last:])
    return "".join(kept).strip()


def without_calls(text: str, arguments: list[dict[str, Any]]) -> str:
    """``text`` shown beside native tool calls: without tool calls written into it, without
    JSON objects that echo one of the calls' ``arguments`` (vLLM #25560 put the arguments in
    ``content`` too), without Harmony tokens. Empty when nothing else was said."""
    if not text:
        return ""
    text = text[:MAX_SCAN_CHARS]
    spans = [c.span for c in parse_text_tool_calls(text) if c.span is not None]
    decoder = json.JSONDecoder()
    position = 0
    for _ in range(MAX_DECODE_ATTEMPTS):
        start = text.find("{", position)
        if start < 0:
            break
        try:
            value, end = decoder.raw_decode(text, start)
        except (json.JSONDecodeError, RecursionError):
            position = start + 1
            continue
        if value in arguments:
            spans.append((start, end))
        position = end
    return strip_harmony(without_spans(text, spans))


# Harmony's channel markers after a server decoded the tokens away: the role and channel words
# run into the text ("...politely.assistantfinalHello!"), and the reply may open with the
# analysis channel's name glued to its first word ("analysisUser says ...").
_DECODED_FINAL = re.compile(r"assistantfinal")
_DECODED_ANALYSIS = re.compile(r"^\s*analysis(?=[A-Z])")
_DECODED_HEADER = re.compile(r"assistant(?:final|commentary|analysis)")
MARKER_STARTS = ("<|", "assistantfinal", "assistantcommentary", "assistantanalysis")
"""What :func:`leaked_harmony` finds anywhere in a text (besides a decoded analysis opening)."""
_FINAL_CHANNEL = re.compile(
    r"<\|channel\|>\s*final\s*(?:<\|message\|>)?(.*?)(?:<\|end\|>|<\|return\|>|<\|start\|>|\Z)",
    re.S,
)
_ANALYSIS_MESSAGE = re.compile(r"<\|channel\|>\s*analysis\s*<\|message\|>.*?(?:<\|end\|>|\Z)", re.S)


def leaked_harmony(text: str) -> bool:
    """Whether ``text`` holds Harmony markers: a control token, or the channel words a server
    left when it decoded the tokens away (``...assistantfinal...``, ``analysisThe user...``)."""
    return bool("<|" in text or _DECODED_HEADER.search(text) or _DECODED_ANALYSIS.match(text))


def strip_harmony(text: str) -> str:
    """A plain answer from a reply with Harmony in it: the final channel's text when there is
    one (after ``<|channel|>final``, with or without its ``<|message|>``, or after the decoded
    ``assistantfinal``); else the text without analysis messages and control tokens. A reply
    that is only a decoded analysis channel has no answer in it: empty."""
    if "<|" in text:
        finals = _FINAL_CHANNEL.findall(text)
        if finals:
            return str(finals[-1]).strip()
        text = _ANALYSIS_MESSAGE.sub(" ", text)
        return HARMONY_TOKEN.sub(" ", text).strip()
    decoded = list(_DECODED_FINAL.finditer(text))
    if decoded:
        return text[decoded[-1].end() :].strip()
    if _DECODED_ANALYSIS.match(text):
        return ""
    return text
