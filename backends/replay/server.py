"""The replay server: the stub of :mod:`backends.stub` answering from the corpus."""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path
from typing import Any

from backends.replay.corpus import DEFAULT_THEN, CorpusError, load_corpus
from backends.replay.replies import (
    assemble,
    completion_message,
    first_user_text,
    loads_or_none,
    message_chunks,
    message_completion,
    resolve,
    sse_chunks,
    sse_line,
    transient_failures,
    well_formed_reply,
)
from backends.stub import StubLLM, _Server, completion


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
            own = first_user_text(case["request"]["messages"])
            first = first_user_text(request.get("messages"))
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
                body = loads_or_none(self.rfile.read(length).decode() or "{}") if length else {}
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
                    message = completion_message(reply["body"])
                    if streamed and reply.get("status", 200) == 200 and message is not None:
                        chunks = [sse_line(c) for c in message_chunks(request, message)]
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
                        lines = [sse_line(c) for c in reply["chunks"]]
                        cut = reply.get("cut_after")
                        if cut is None and reply.get("done", True):
                            lines.append(b"data: [DONE]\n\n")
                        self._send_stream(lines, cut)
                    else:
                        self._json(*assemble(request, reply["chunks"]))
                elif "message" in reply:
                    if streamed:
                        chunks = [sse_line(c) for c in message_chunks(request, reply)]
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
