"""A stub OpenAI-compatible chat server on 127.0.0.1 for tests and benchmarks.

It answers ``/v1/models`` and ``/v1/chat/completions`` (plain and streamed) from a script: each
reply is a dict with any of ``content``, ``tool_calls``, ``reasoning_content``, ``reasoning``,
``status`` + ``body`` (an HTTP error, ``headers`` too), ``delay`` (seconds), ``raw`` (bytes sent
as they are), ``drop`` (hang up without a reply) or ``cut_after`` (a stream cut after N chunks).
With no script left it answers ``default``. Every request body is recorded in ``requests``.
The reply shapes in tests/integration/test_vllm_shapes.py replay what vLLM really sends.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server(ThreadingHTTPServer):
    # The default listen backlog is 5: with 64 clients at once the kernel refused connections,
    # which toolloom (rightly) reported as an unavailable backend.
    request_queue_size = 512


class StubLLM:
    def __init__(
        self, default: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | None = None
    ) -> None:
        self.script: list[dict[str, Any]] = []
        self.default: Any = default or {"content": "ok"}
        self.requests: list[dict[str, Any]] = []
        self.handled: list[float] = []  # seconds from request to reply sent, per request
        self.first_content: list[float] = []  # seconds to the first content chunk, per stream
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> StubLLM:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def kill(self) -> None:
        """Stop as a killed process would: no new connections, and the open keep-alive ones
        closed too (``stop`` alone lets them go on serving)."""
        self.stop()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> StubLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def next_reply(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.requests.append(request)
            reply = self.script.pop(0) if self.script else self.default
        return reply(request) if callable(reply) else reply

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as separate small writes; without TCP_NODELAY, Nagle plus
            # delayed ACKs stall each reply by ~40 ms and the "zero-latency" stub is not.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                with stub._lock:
                    stub._connections.add(self.connection)

            def finish(self) -> None:
                with stub._lock:
                    stub._connections.discard(self.connection)
                with contextlib.suppress(OSError):
                    super().finish()

            def _json(
                self, status: int, payload: Any, headers: dict[str, str] | None = None
            ) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._json(200, {"object": "list", "data": [{"id": "stub", "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                started = time.perf_counter()
                try:
                    self._post()
                finally:
                    with stub._lock:
                        stub.handled.append(time.perf_counter() - started)

            def _post(self) -> None:
                started = time.perf_counter()
                length = int(self.headers.get("Content-Length", "0"))
                request = json.loads(self.rfile.read(length) or b"{}")
                reply = stub.next_reply(request)
                if reply.get("delay"):
                    time.sleep(reply["delay"])
                if reply.get("drop"):  # close the connection without a reply
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if "raw" in reply:
                    body = reply["raw"]
                    self.send_response(reply.get("status", 200))
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if reply.get("status", 200) != 200:
                    self._json(
                        reply["status"],
                        reply.get("body", {"error": {"message": "stub error"}}),
                        reply.get("headers"),
                    )
                    return
                if request.get("stream"):
                    self._stream(request, reply, started)
                else:
                    self._json(200, completion(request, reply))

            def _stream(
                self, request: dict[str, Any], reply: dict[str, Any], started: float
            ) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                chunks = list(stream_chunks(request, reply))
                cut = reply.get("cut_after")  # send this many chunks, then hang up
                first = True
                for chunk in chunks if cut is None else chunks[:cut]:
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                    delta = (chunk.get("choices") or [{}])[0].get("delta") or {}
                    if first and delta.get("content"):
                        first = False
                        with stub._lock:
                            stub.first_content.append(time.perf_counter() - started)
                if cut is not None:
                    self.close_connection = True
                    return
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        return Handler


def _message(reply: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.get("content")}
    for key in ("reasoning_content", "reasoning"):
        if key in reply:
            message[key] = reply[key]
    if reply.get("tool_calls") is not None:
        message["tool_calls"] = [
            {
                "id": call.get("id", f"chatcmpl-tool-{uuid.uuid4().hex[:12]}"),
                "type": "function",
                "function": {
                    "name": call["name"],
                    "arguments": call["arguments"]
                    if isinstance(call["arguments"], str)
                    else json.dumps(call["arguments"]),
                },
            }
            for call in reply["tool_calls"]
        ]
    return message


def _usage(reply: dict[str, Any]) -> dict[str, int]:
    completion = len(str(reply.get("content") or "").split()) + 1
    return {"prompt_tokens": 10, "completion_tokens": completion, "total_tokens": 10 + completion}


def completion(request: dict[str, Any], reply: dict[str, Any]) -> dict[str, Any]:
    message = _message(reply)
    finish = "tool_calls" if message.get("tool_calls") else reply.get("finish_reason", "stop")
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "stub"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": _usage(reply),
    }


def stream_chunks(request: dict[str, Any], reply: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The reply as vLLM streams it: a role delta, content pieces, tool-call deltas split across chunks."""
    base = {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": request.get("model", "stub"),
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            **base,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }

    yield chunk({"role": "assistant", "content": ""})
    for key in ("reasoning_content", "reasoning"):
        if reply.get(key):
            yield chunk({key: reply[key]})
    content = reply.get("content") or ""
    for start in range(0, len(content), 8):
        yield chunk({"content": content[start : start + 8]})
    for index, call in enumerate(_message(reply).get("tool_calls") or []):
        arguments = call["function"]["arguments"]
        yield chunk(
            {
                "tool_calls": [
                    {
                        "index": index,
                        "id": call["id"],
                        "type": "function",
                        "function": {"name": call["function"]["name"], "arguments": ""},
                    }
                ]
            }
        )
        for start in range(0, len(arguments), 5):
            yield chunk(
                {
                    "tool_calls": [
                        {"index": index, "function": {"arguments": arguments[start : start + 5]}}
                    ]
                }
            )
    yield chunk({}, "tool_calls" if reply.get("tool_calls") else "stop")
    if (request.get("stream_options") or {}).get("include_usage"):
        yield {**base, "choices": [], "usage": _usage(reply)}
