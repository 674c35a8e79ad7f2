"""The replay corpus: loading and validating case files (the format is in :mod:`backends.replay`)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

DEFAULT_CORPUS = Path(__file__).parent.parent / "replays"
DEFAULT_THEN: dict[str, Any] = {"content": "Done."}

CATEGORIES = frozenset(
    {
        "harmony_500_transient",
        "harmony_500_persistent",
        "analysis_channel_call",
        "channel_markers",
        "harmony_header_in_content",
        "json_in_content",
        "stream_deltas",
        "tool_choice_ignored",
        "single_call",
        "finish_reason",
        "reasoning_roundtrip",
        "null_reply",
        "other",
    }
)
FIDELITIES = frozenset({"verbatim", "reconstructed"})

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CASE_KEYS = frozenset(
    {"id", "failure", "category", "source", "model", "request", "replies", "then", "expect", "note"}
)
_SOURCE_KEYS = ("url", "title", "date", "fidelity", "evidence")
_REPLY_KEYS = frozenset(
    {
        "content",
        "tool_calls",
        "reasoning_content",
        "reasoning",
        "finish_reason",
        "status",
        "body",
        "headers",
        "delay",
        "raw",
        "drop",
        "cut_after",
        "chunks",
        "done",
        "sse",
        "message",
        "note",
    }
)
_PREDICATES: dict[str, type] = {
    "has_role": str,
    "no_role": str,
    "last_role": str,
    "has_tools": bool,
    "has_response_format": bool,
    "stream": bool,
    "empty_assistant_tool_call": bool,
    "contains": str,
    "not_contains": str,
}
_EXPECT_KINDS = ("tool_calls", "error", "answer_contains")


class CorpusError(ValueError):
    """A case file that does not follow the corpus format; the message names the file."""


# --- the corpus -------------------------------------------------------------------------------


def load_corpus(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Every case in ``path`` (a directory of ``*.json``, default the shipped corpus), validated.

    Raises :class:`CorpusError` naming the file on the first bad case.
    """
    directory = Path(path) if path is not None else DEFAULT_CORPUS
    if not directory.is_dir():
        raise CorpusError(f"{directory}: not a directory of replay cases")
    cases: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for file in sorted(directory.glob("*.json")):
        try:
            case = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CorpusError(f"{file}: not readable JSON ({exc})") from exc
        try:
            validate_case(case)
        except CorpusError as exc:
            raise CorpusError(f"{file}: {exc}") from None
        if case["id"] in seen:
            raise CorpusError(f"{file}: id {case['id']!r} is also used by {seen[case['id']]}")
        seen[case["id"]] = file.name
        cases.append(case)
    if not cases:
        raise CorpusError(f"{directory}: no replay cases (*.json)")
    return cases


def validate_case(case: Any) -> None:
    """Raise :class:`CorpusError` (without a file name) if ``case`` is not a valid case."""
    if not isinstance(case, dict):
        raise CorpusError("a case must be a JSON object")
    missing = [
        k for k in ("id", "failure", "category", "source", "model", "request") if k not in case
    ]
    missing += [k for k in ("replies", "expect") if k not in case]
    if missing:
        raise CorpusError(f"missing field(s): {', '.join(missing)}")
    unknown = set(case) - _CASE_KEYS
    if unknown:
        raise CorpusError(f"unknown field(s): {', '.join(sorted(unknown))}")
    if not isinstance(case["id"], str) or not _ID.match(case["id"]):
        raise CorpusError(f"id {case['id']!r} is not kebab-case")
    _text(case, "failure")
    if case["category"] not in CATEGORIES:
        raise CorpusError(f"category {case['category']!r} is not one of {sorted(CATEGORIES)}")
    _validate_source(case["source"])
    if not isinstance(case["model"], str) or "gpt-oss" not in case["model"]:
        raise CorpusError(f"model {case['model']!r} is not a gpt-oss model")
    _validate_request(case["request"])
    replies = case["replies"]
    if not isinstance(replies, list) or not replies:
        raise CorpusError("replies must be a non-empty list")
    for n, reply in enumerate(replies):
        _validate_reply(reply, f"replies[{n}]")
    if "then" in case:
        _validate_reply(case["then"], "then")
    _validate_expect(case["expect"])
    if "note" in case:
        _text(case, "note")


def _text(obj: dict[str, Any], key: str, where: str = "") -> None:
    if not isinstance(obj.get(key), str) or not obj[key].strip():
        raise CorpusError(f"{where}{key} must be a non-empty string")


def _validate_source(source: Any) -> None:
    if not isinstance(source, dict):
        raise CorpusError("source must be an object")
    for key in _SOURCE_KEYS:
        _text(source, key, "source.")
    if not source["url"].startswith("https://"):
        raise CorpusError(f"source.url {source['url']!r} is not an https:// URL")
    if not _DATE.match(source["date"]):
        raise CorpusError(f"source.date {source['date']!r} is not YYYY-MM-DD")
    if source["fidelity"] not in FIDELITIES:
        raise CorpusError(
            f"source.fidelity {source['fidelity']!r} is not one of {sorted(FIDELITIES)}"
        )


def _validate_request(request: Any) -> None:
    if not isinstance(request, dict):
        raise CorpusError("request must be an object")
    messages = request.get("messages")
    if not isinstance(messages, list) or not messages:
        raise CorpusError("request.messages must be a non-empty list")
    for n, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise CorpusError(f"request.messages[{n}] must be an object with a role")
    tools = request.get("tools")
    if tools != "builtin" and not (
        isinstance(tools, list)
        and all(isinstance(t, dict) and isinstance(t.get("function"), dict) for t in tools)
    ):
        raise CorpusError('request.tools must be "builtin" or a list of OpenAI tool definitions')
    if not isinstance(request.get("stream"), bool):
        raise CorpusError("request.stream must be true or false")


def _validate_reply(reply: Any, where: str) -> None:
    if not isinstance(reply, dict):
        raise CorpusError(f"{where} must be an object")
    if "when" in reply:
        when = reply["when"]
        if not isinstance(when, dict) or not when:
            raise CorpusError(f"{where}.when must be a non-empty object")
        for key, value in when.items():
            if key not in _PREDICATES:
                raise CorpusError(f"{where}.when: unknown predicate {key!r}")
            if not isinstance(value, _PREDICATES[key]):
                raise CorpusError(f"{where}.when.{key} must be a {_PREDICATES[key].__name__}")
        if set(reply) - {"when", "reply", "otherwise", "note"} or "reply" not in reply:
            raise CorpusError(f"{where}: a condition has when, reply and optional otherwise")
        _validate_reply(reply["reply"], f"{where}.reply")
        if "otherwise" in reply:
            _validate_reply(reply["otherwise"], f"{where}.otherwise")
        return
    unknown = set(reply) - _REPLY_KEYS
    if unknown:
        raise CorpusError(f"{where}: unknown reply field(s): {', '.join(sorted(unknown))}")
    if "chunks" in reply and not (
        isinstance(reply["chunks"], list)
        and all(isinstance(c, dict | str) for c in reply["chunks"])
    ):
        raise CorpusError(f"{where}.chunks must be a list of objects or strings")
    for key in ("sse", "raw"):
        if key in reply and not isinstance(reply[key], str):
            raise CorpusError(f"{where}.{key} must be a string")
    if "message" in reply and not isinstance(reply["message"], dict):
        raise CorpusError(f"{where}.message must be an object")
    if "status" in reply and not isinstance(reply["status"], int):
        raise CorpusError(f"{where}.status must be an integer")
    for call in reply.get("tool_calls") or []:
        if not isinstance(call, dict) or "name" not in call or "arguments" not in call:
            raise CorpusError(f"{where}.tool_calls items need a name and arguments")


def _validate_expect(expect: Any) -> None:
    if not isinstance(expect, dict):
        raise CorpusError("expect must be an object")
    kinds = [k for k in _EXPECT_KINDS if k in expect]
    if len(kinds) != 1:
        raise CorpusError(f"expect needs exactly one of {', '.join(_EXPECT_KINDS)}")
    unknown = set(expect) - {*_EXPECT_KINDS, "no_text", "backend_request"}
    if unknown:
        raise CorpusError(f"expect: unknown field(s): {', '.join(sorted(unknown))}")
    if "tool_calls" in expect and not (
        isinstance(expect["tool_calls"], list)
        and all(
            isinstance(c, dict)
            and isinstance(c.get("name"), str)
            and isinstance(c.get("arguments"), dict)
            for c in expect["tool_calls"]
        )
    ):
        raise CorpusError("expect.tool_calls must be a list of {name, arguments}")
    if "error" in expect and not isinstance(expect["error"], int):
        raise CorpusError("expect.error must be an HTTP status")
    if "answer_contains" in expect and not isinstance(expect["answer_contains"], str):
        raise CorpusError("expect.answer_contains must be a string")
    if "no_text" in expect and not (
        isinstance(expect["no_text"], list) and all(isinstance(t, str) for t in expect["no_text"])
    ):
        raise CorpusError("expect.no_text must be a list of strings")
    if "backend_request" in expect:
        check = expect["backend_request"]
        if not (
            isinstance(check, dict)
            and isinstance(check.get("index"), int)
            and (
                isinstance(check.get("contains"), dict)
                or isinstance(check.get("contains_any"), list)
            )
        ):
            raise CorpusError(
                "expect.backend_request needs an index and contains (or contains_any)"
            )


def request_contains(actual: Any, expected: Any) -> bool:
    """Whether ``expected`` is a deep subset of ``actual``: every key of an expected dict is in
    the actual one with a matching value, every item of an expected list matches some item of
    the actual list, other values are equal."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and request_contains(actual[key], value)
            for key, value in expected.items()
        )
    if isinstance(expected, list):
        return isinstance(actual, list) and all(
            any(request_contains(item, want) for item in actual) for want in expected
        )
    return bool(actual == expected)
