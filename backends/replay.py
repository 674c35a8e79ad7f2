"""A replay server: real vLLM / gpt-oss failure replies served as an OpenAI-compatible backend.

There is no GPU here, so the ways vLLM's tool-call parsing for gpt-oss fails (a ``HarmonyError``
500, a tool call left in ``content`` or in the reasoning, Harmony tokens leaking, broken stream
deltas, ...) are *replayed* from a corpus of cases taken from public reports. The server is the
stub of :mod:`backends.stub` (same HTTP handling, request log and TCP_NODELAY) with the corpus
as its script.

The corpus
==========
One JSON file per case in ``backends/replays/`` (``--corpus DIR`` for an operator's own)::

    {
      "id": "kebab-case-id",
      "failure": "one line: what goes wrong",
      "category": "harmony_500_transient" | "harmony_500_persistent" | "analysis_channel_call"
                  | "channel_markers" | "harmony_header_in_content" | "json_in_content"
                  | "stream_deltas" | "tool_choice_ignored" | "single_call" | "finish_reason"
                  | "reasoning_roundtrip" | "null_reply" | "other",
      "source": {"url": "https://...", "title": "...", "date": "YYYY-MM-DD",
                 "fidelity": "verbatim" | "reconstructed", "evidence": "a short quote"},
      "model": "openai/gpt-oss-20b",
      "request": {"messages": [...], "tools": "builtin" | [OpenAI tool defs],
                  "tool_choice": ..., "stream": true | false},
      "replies": [reply, ...],      # answers to the successive requests of a conversation
      "then": reply,                # every request after the list; default {"content": "Done."}
      "expect": {"tool_calls": [{"name": ..., "arguments": {...}}]} | {"error": 502}
                | {"answer_contains": "437"},
                # optional: "no_text": [...], "backend_request": {"index": 1, "contains": {...}}
      "note": "optional free text"
    }

``expect`` is for the harness that runs toolloom against a case; :func:`request_contains` is its
check for ``backend_request`` (a deep subset: dict keys must match, each expected list item must
match some item of the actual list). ``"contains_any": [...]`` instead of ``contains`` accepts
any of several alternatives (reasoning sent back as ``reasoning`` or ``reasoning_content``).
Replies are positional over *every* request of a conversation, toolloom's structured follow-ups
included; a condition on ``has_response_format`` keeps a reply for the request it is meant for.

A reply is what the stub answers (``content``, ``tool_calls`` [{name, arguments, id?}],
``reasoning_content``, ``reasoning``, ``finish_reason``, ``status`` + ``body`` (+ ``headers``),
``delay``, ``raw`` (a string sent as it is), ``drop``, ``cut_after``), plus:

- ``chunks``: a stream sent verbatim, each item as ``data: <item>\\n\\n`` (a dict in compact JSON
  as vLLM writes it, a string as it is), then ``data: [DONE]`` unless ``"done": false``.
  ``cut_after`` N sends N chunks and hangs up. A non-streamed request gets the chunks assembled
  into one completion (an ``{"error": ...}`` chunk becomes that error's HTTP status).
- ``sse``: the raw text of an SSE body, when the exact bytes matter.
- ``message``: sent verbatim as ``choices[0].message`` beside ``finish_reason`` (default
  ``"stop"``): shapes the stub cannot build (tool calls with ``finish_reason: "stop"``, ...).
- ``body`` with ``status`` 200 (or no status): the whole JSON body sent as it is (a streamed
  request gets its message as chunks).
- a condition, for replies that depend on the request's shape (a backend that refuses one shape
  of history every time)::

      {"when": {predicate: value, ...}, "reply": reply, "otherwise": reply}

  All predicates must hold: ``has_role``/``no_role``/``last_role`` (a role), ``has_tools``,
  ``has_response_format``, ``stream``, ``empty_assistant_tool_call`` (booleans: an assistant
  message with ``tool_calls`` and empty content), ``contains``/``not_contains`` (a string in any
  string of ``messages``).

Serving
=======
- by case: the header ``X-Replay-Case: <id>`` picks a case. Each (case, conversation) keeps its
  own position in the case's replies; the conversation is the ``X-Replay-Conversation`` header,
  else the first user message. A request whose first user message is not the case's own (a
  probe, a side request) is an aside: it gets ``then`` and moves no position.
- sequential: without the header, requests are served from the current case: ``--case ID`` (it
  stays fixed), else the first case; ``POST /replay/next`` moves to the next one.
- ``POST /replay/reset`` (optional body ``{"case": id}``) resets every position and the request
  log; ``GET /replay/cases`` lists the ids, ``GET /replay/requests`` the recorded requests.
- random failures, for benchmarks (``--fail-rate F --seed N``): a request without the case
  header fails with a transient HarmonyError 500 (a body from the corpus's transient cases) with
  probability F, else gets a well-formed reply: a native tool call when the last message is the
  user's and the request has tools, text otherwise. A retrying client recovers.

Run ``python -m backends.replay --port 8100 [--case ID] [--corpus DIR] [--fail-rate F --seed N]``;
it prints its base URL. Only 127.0.0.1 is ever bound.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from backends.stub import StubLLM, _Server, completion

DEFAULT_CORPUS = Path(__file__).parent / "replays"
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


# --- choosing a reply --------------------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _holds(predicate: str, value: Any, request: dict[str, Any]) -> bool:
    messages = request.get("messages") or []
    roles = [m.get("role") for m in messages if isinstance(m, dict)]
    if predicate == "has_role":
        return value in roles
    if predicate == "no_role":
        return value not in roles
    if predicate == "last_role":
        return bool(roles) and roles[-1] == value
    if predicate == "has_tools":
        return bool(request.get("tools")) == value
    if predicate == "has_response_format":
        return ("response_format" in request) == value
    if predicate == "stream":
        return bool(request.get("stream")) == value
    if predicate == "empty_assistant_tool_call":
        found = any(
            isinstance(m, dict)
            and m.get("role") == "assistant"
            and m.get("tool_calls")
            and not (m.get("content") or "").strip()
            for m in messages
        )
        return found == value
    if predicate == "contains":
        return any(value in text for text in _strings(messages))
    if predicate == "not_contains":
        return not any(value in text for text in _strings(messages))
    raise CorpusError(f"unknown predicate {predicate!r}")


def resolve(reply: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """The reply itself, or the branch of a condition that this request's shape selects."""
    while "when" in reply:
        if all(_holds(key, value, request) for key, value in reply["when"].items()):
            reply = reply["reply"]
        else:
            reply = reply.get("otherwise", DEFAULT_THEN)
    return reply


def _first_user_text(messages: Any) -> str | None:
    for message in messages or []:
        if isinstance(message, dict) and message.get("role") == "user":
            return "".join(_strings(message.get("content")))
    return None


def well_formed_reply(request: dict[str, Any]) -> dict[str, Any]:
    """What a healthy backend answers: a native tool call when the last message is the user's
    and the request has tools (the named tool_choice, else a tool named in the user's text, else
    the first), text otherwise (after a tool result: that result quoted)."""
    messages = request.get("messages") or []
    last = messages[-1] if messages and isinstance(messages[-1], dict) else {}
    tools = [t for t in request.get("tools") or [] if isinstance(t, dict)]
    if last.get("role") == "user" and tools and request.get("tool_choice") != "none":
        text = "".join(_strings(last.get("content")))
        choice = request.get("tool_choice")
        named = choice.get("function", {}).get("name") if isinstance(choice, dict) else None
        functions = [t.get("function") or {} for t in tools]
        function = next((f for f in functions if f.get("name") == named), None)
        function = function or next(
            (f for f in functions if f.get("name") and f["name"] in text), None
        )
        function = function or functions[0]
        return {
            "content": None,
            "tool_calls": [
                {"name": function.get("name", "tool"), "arguments": _arguments(function, text)}
            ],
        }
    if last.get("role") == "tool":
        return {"content": f"The result is: {''.join(_strings(last.get('content')))}"}
    return {"content": "Done."}


def _arguments(function: dict[str, Any], text: str) -> dict[str, Any]:
    """Placeholder arguments for a function's required parameters (the user's text for the
    first string, a schema's enum/default where there is one)."""
    schema = function.get("parameters") or {}
    properties = schema.get("properties") or {}
    arguments: dict[str, Any] = {}
    used_text = False
    for name in schema.get("required") or []:
        prop = properties.get(name) or {}
        if prop.get("enum"):
            arguments[name] = prop["enum"][0]
        elif "default" in prop:
            arguments[name] = prop["default"]
        elif prop.get("type") in ("number", "integer"):
            arguments[name] = 1
        elif prop.get("type") == "boolean":
            arguments[name] = True
        elif prop.get("type") == "array":
            arguments[name] = []
        elif prop.get("type") == "object":
            arguments[name] = {}
        else:
            arguments[name] = "" if used_text else text
            used_text = True
    return arguments


# --- assembling chunks into one completion -----------------------------------------------------


def sse_chunks(text: str) -> list[dict[str, Any] | str]:
    """The ``data:`` payloads of an SSE body (decoded where they are JSON), ``[DONE]`` left out."""
    chunks: list[dict[str, Any] | str] = []
    for line in text.splitlines():
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            continue
        try:
            chunks.append(json.loads(data))
        except json.JSONDecodeError:
            chunks.append(data)
    return chunks


def assemble(request: dict[str, Any], chunks: list[Any]) -> tuple[int, dict[str, Any]]:
    """A stream's chunks as the one reply a non-streamed request would get: (status, body)."""
    message: dict[str, Any] = {"role": "assistant", "content": None}
    calls: dict[int, dict[str, Any]] = {}
    finish: str | None = None
    for raw in chunks:
        chunk = raw if isinstance(raw, dict) else _loads(raw)
        if not isinstance(chunk, dict):
            continue
        if "error" in chunk:
            error = chunk["error"]
            code = error.get("code") if isinstance(error, dict) else None
            return (code if isinstance(code, int) and code >= 400 else 500), chunk
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            for key in ("content", "reasoning_content", "reasoning"):
                if delta.get(key):
                    message[key] = (message.get(key) or "") + delta[key]
            for part in delta.get("tool_calls") or []:
                call = calls.setdefault(
                    part.get("index", len(calls)),
                    {"id": "", "type": "function", "function": {"name": "", "arguments": ""}},
                )
                call["id"] = part.get("id") or call["id"]
                function = part.get("function") or {}
                call["function"]["name"] += function.get("name") or ""
                call["function"]["arguments"] += function.get("arguments") or ""
            finish = choice.get("finish_reason") or finish
    if calls:
        message["tool_calls"] = [calls[i] for i in sorted(calls)]
    body = {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "replay"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
    }
    return 200, body


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def message_completion(request: dict[str, Any], reply: dict[str, Any]) -> dict[str, Any]:
    """A completion whose message is ``reply["message"]`` exactly."""
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "replay"),
        "choices": [
            {
                "index": 0,
                "message": reply["message"],
                "finish_reason": reply.get("finish_reason", "stop"),
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def message_chunks(request: dict[str, Any], reply: dict[str, Any]) -> list[dict[str, Any]]:
    """``reply["message"]`` as a stream: a role chunk, its text fields, its tool calls (each
    whole), then ``finish_reason``."""
    base = {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": request.get("model", "replay"),
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            **base,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }

    message = reply["message"]
    chunks = [chunk({"role": "assistant", "content": ""})]
    for key in ("reasoning_content", "reasoning", "content"):
        if message.get(key):
            chunks.append(chunk({key: message[key]}))
    for index, call in enumerate(message.get("tool_calls") or []):
        chunks.append(chunk({"tool_calls": [{"index": index, **call}]}))
    chunks.append(chunk({}, reply.get("finish_reason", "stop")))
    return chunks


def _completion_message(body: Any) -> dict[str, Any] | None:
    """A whole completion body's message and finish_reason as a ``message`` reply, or None."""
    if not isinstance(body, dict) or not body.get("choices"):
        return None
    choice = body["choices"][0]
    if not isinstance(choice, dict) or not isinstance(choice.get("message"), dict):
        return None
    return {"message": choice["message"], "finish_reason": choice.get("finish_reason", "stop")}


def _sse_line(chunk: dict[str, Any] | str) -> bytes:
    data = (
        chunk
        if isinstance(chunk, str)
        else json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))
    )
    return f"data: {data}\n\n".encode()


def chunk_stream_bytes(reply: dict[str, Any]) -> bytes:
    """The exact bytes a ``chunks`` reply streams (without a ``cut_after``)."""
    body = b"".join(_sse_line(c) for c in reply["chunks"])
    return body + (b"data: [DONE]\n\n" if reply.get("done", True) else b"")


# --- the server ---------------------------------------------------------------------------------


class ReplayLLM(StubLLM):
    """The stub, answering from the corpus. ``requests`` holds every chat request body and
    ``records`` the same with the case, conversation and position that served it."""

    def __init__(
        self,
        cases: list[dict[str, Any]] | None = None,
        *,
        corpus: str | Path | None = None,
        case: str | None = None,
        fail_rate: float | None = None,
        seed: int | None = None,
        port: int = 0,
    ) -> None:
        super().__init__(default=DEFAULT_THEN)
        if port:  # the stub binds a free port; an operator may ask for a fixed one
            self._server.server_close()
            self._server = _Server(("127.0.0.1", port), self._handler())
            self._server.daemon_threads = True
        # serve_forever polls for shutdown every 0.5 s by default: stopping a replay server in a
        # test would cost that much each time.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.cases = cases if cases is not None else load_corpus(corpus)
        self.by_id = {c["id"]: c for c in self.cases}
        if case is not None and case not in self.by_id:
            raise CorpusError(f"no replay case {case!r}")
        self.fixed = case is not None
        self.current = case or self.cases[0]["id"]
        if fail_rate is not None and not 0 <= fail_rate <= 1:
            raise ValueError("fail_rate must be between 0 and 1")
        self.fail_rate = fail_rate
        self._random = random.Random(seed)  # noqa: S311 (reproducible test failures, not secrets)
        self.failure_bodies = transient_failures(self.cases)
        self.cursors: dict[tuple[str, str], int] = {}
        self.records: list[dict[str, Any]] = []

    def __enter__(self) -> ReplayLLM:
        self.start()
        return self

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def reset(self, case: str | None = None) -> None:
        """Every position back to the start, the request log emptied; ``case`` (if given)
        becomes the current one."""
        with self._lock:
            if case is not None:
                if case not in self.by_id:
                    raise CorpusError(f"no replay case {case!r}")
                self.current = case
            self.cursors.clear()
            self.records.clear()
            self.requests.clear()

    def next_case(self) -> str:
        """Make the next case (corpus order, wrapping) the current one; refused with ``--case``."""
        with self._lock:
            if self.fixed:
                raise CorpusError(f"the current case is fixed to {self.current!r}")
            ids = [c["id"] for c in self.cases]
            self.current = ids[(ids.index(self.current) + 1) % len(ids)]
            return self.current

    def choose(self, request: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """Record ``request`` and pick its reply (see the module docstring)."""
        case_id = headers.get("x-replay-case")
        with self._lock:
            self.requests.append(request)
            self.records.append(
                {"case": None, "conversation": None, "position": None, "body": request}
            )
            if case_id is None and self.fail_rate is not None:
                if self._random.random() < self.fail_rate:
                    reply = self._random.choice(self.failure_bodies)
                    self.records[-1]["case"] = "fail-rate:failure"
                    return reply
                self.records[-1]["case"] = "fail-rate:ok"
                return well_formed_reply(request)
            case_id = case_id or self.current
            case = self.by_id.get(case_id)
            if case is None:
                return {
                    "status": 404,
                    "body": {
                        "error": {
                            "message": f"no replay case {case_id!r}",
                            "type": "NotFoundError",
                            "param": None,
                            "code": 404,
                        }
                    },
                }
            own = _first_user_text(case["request"]["messages"])
            first = _first_user_text(request.get("messages"))
            conversation = headers.get("x-replay-conversation") or first or ""
            then = case.get("then", DEFAULT_THEN)
            if "x-replay-conversation" not in headers and own is not None and first != own:
                self.records[-1].update(case=case_id, conversation=conversation, position="aside")
                return resolve(then, request)
            key = (case_id, conversation)
            position = self.cursors.get(key, 0)
            self.cursors[key] = position + 1
            self.records[-1].update(case=case_id, conversation=conversation, position=position)
            replies = case["replies"]
            reply = replies[position] if position < len(replies) else then
        return resolve(reply, request)

    def _handler(self) -> Any:
        base: Any = super()._handler()
        replay = self

        class Handler(base):
            def do_GET(self) -> None:
                path = self.path.split("?")[0].rstrip("/")
                if path.endswith("/replay/cases"):
                    with replay._lock:
                        current = replay.current
                    cases = [{"id": c["id"], "category": c["category"]} for c in replay.cases]
                    self._json(
                        200, {"current": current, "ids": [c["id"] for c in cases], "cases": cases}
                    )
                elif path.endswith("/replay/requests"):
                    with replay._lock:
                        records = list(replay.records)
                    self._json(200, {"requests": records})
                else:
                    super().do_GET()

            def do_POST(self) -> None:
                path = self.path.split("?")[0].rstrip("/")
                if path.endswith("/replay/reset") or path.endswith("/replay/next"):
                    self._control(path)
                else:
                    super().do_POST()

            def _control(self, path: str) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = _loads(self.rfile.read(length).decode() or "{}") if length else {}
                try:
                    if path.endswith("/replay/next"):
                        current = replay.next_case()
                    else:
                        replay.reset(body.get("case") if isinstance(body, dict) else None)
                        current = replay.current
                except CorpusError as exc:
                    self._json(
                        409,
                        {
                            "error": {
                                "message": str(exc),
                                "type": "ConflictError",
                                "param": None,
                                "code": 409,
                            }
                        },
                    )
                    return
                self._json(200, {"current": current})

            def _post(self) -> None:
                started = time.perf_counter()
                length = int(self.headers.get("Content-Length", "0"))
                request = json.loads(self.rfile.read(length) or b"{}")
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = replay.choose(request, headers)
                if reply.get("delay"):
                    time.sleep(reply["delay"])
                if reply.get("drop"):  # hang up without a reply
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if "raw" in reply:
                    body = reply["raw"].encode()
                    self.send_response(reply.get("status", 200))
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                streamed = bool(request.get("stream"))
                if "body" in reply:  # an error, or a whole body sent as it is (200 included)
                    message = _completion_message(reply["body"])
                    if streamed and reply.get("status", 200) == 200 and message is not None:
                        chunks = [_sse_line(c) for c in message_chunks(request, message)]
                        self._send_stream([*chunks, b"data: [DONE]\n\n"], None)
                    else:
                        self._json(reply.get("status", 200), reply["body"], reply.get("headers"))
                    return
                if reply.get("status", 200) != 200:
                    self._json(
                        reply["status"],
                        {"error": {"message": "replay error"}},
                        reply.get("headers"),
                    )
                    return
                if "sse" in reply:
                    if streamed:
                        self._send_stream([reply["sse"].encode()], cut=None)
                    else:
                        self._json(*assemble(request, sse_chunks(reply["sse"])))
                elif "chunks" in reply:
                    if streamed:
                        lines = [_sse_line(c) for c in reply["chunks"]]
                        cut = reply.get("cut_after")
                        if cut is None and reply.get("done", True):
                            lines.append(b"data: [DONE]\n\n")
                        self._send_stream(lines, cut)
                    else:
                        self._json(*assemble(request, reply["chunks"]))
                elif "message" in reply:
                    if streamed:
                        chunks = [_sse_line(c) for c in message_chunks(request, reply)]
                        self._send_stream([*chunks, b"data: [DONE]\n\n"], reply.get("cut_after"))
                    else:
                        self._json(200, message_completion(request, reply))
                elif streamed:
                    self._stream(request, reply, started)
                else:
                    self._json(200, completion(request, reply))

            def _send_stream(self, lines: list[bytes], cut: int | None) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                for line in lines if cut is None else lines[:cut]:
                    self.wfile.write(line)
                    self.wfile.flush()
                self.close_connection = True

        return Handler


def transient_failures(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The HTTP 500 HarmonyError replies of the corpus's transient cases (what ``--fail-rate``
    answers with); a generic one if the corpus has none."""
    bodies = [
        reply
        for case in cases
        if case["category"] == "harmony_500_transient"
        for reply in case["replies"]
        if reply.get("status") == 500 and "body" in reply and "when" not in reply
    ]
    return bodies or [
        {
            "status": 500,
            "body": {
                "error": {
                    "message": "unexpected tokens remaining in message header",
                    "type": "InternalServerError",
                    "param": None,
                    "code": 500,
                }
            },
        }
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m backends.replay", description="Serve vLLM/gpt-oss failure replays."
    )
    parser.add_argument("--port", type=int, default=8100, help="0 for a free port")
    parser.add_argument("--case", help="serve this case to requests without X-Replay-Case")
    parser.add_argument("--corpus", help="a directory of case files (default: the shipped one)")
    parser.add_argument("--fail-rate", type=float, help="fail this share of requests with a 500")
    parser.add_argument("--seed", type=int, help="random seed for --fail-rate")
    args = parser.parse_args(argv)
    server = ReplayLLM(
        corpus=args.corpus, case=args.case, fail_rate=args.fail_rate, seed=args.seed, port=args.port
    )
    server.start()
    print(server.base_url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            time.sleep(3600)
    server.stop()


if __name__ == "__main__":
    main()
