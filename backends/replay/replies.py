"""Choosing a replay reply for a request, and turning replies into completions and streams."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from backends.replay.corpus import DEFAULT_THEN, CorpusError

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


def first_user_text(messages: Any) -> str | None:
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
        chunk = raw if isinstance(raw, dict) else loads_or_none(raw)
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


def loads_or_none(text: str) -> Any:
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


def completion_message(body: Any) -> dict[str, Any] | None:
    """A whole completion body's message and finish_reason as a ``message`` reply, or None."""
    if not isinstance(body, dict) or not body.get("choices"):
        return None
    choice = body["choices"][0]
    if not isinstance(choice, dict) or not isinstance(choice.get("message"), dict):
        return None
    return {"message": choice["message"], "finish_reason": choice.get("finish_reason", "stop")}


def sse_line(chunk: dict[str, Any] | str) -> bytes:
    data = (
        chunk
        if isinstance(chunk, str)
        else json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))
    )
    return f"data: {data}\n\n".encode()


def chunk_stream_bytes(reply: dict[str, Any]) -> bytes:
    """The exact bytes a ``chunks`` reply streams (without a ``cut_after``)."""
    body = b"".join(sse_line(c) for c in reply["chunks"])
    return body + (b"data: [DONE]\n\n" if reply.get("done", True) else b"")


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
