"""A body-size limit enforced before anything parses the body (413)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Refuse request bodies over ``limit`` bytes: by Content-Length up front, else while reading."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > self.limit
            except ValueError:
                too_large = True
            if too_large:
                await self._refuse(scope, send)
                return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not response_started:
                await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        message = f"request body is larger than {self.limit} bytes"
        await _send_json(scope, send, 413, message, "request_too_large")


# --- text that no surface accepts --------------------------------------------------------------------

MAX_JSON_DEPTH = 64
BIDI_CONTROLS = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}


def text_problem(value: str, where: str, *, allow_bidi: bool = False) -> str | None:
    """Why a string cannot be accepted as it is, or None. Nothing is ever silently altered."""
    if "\x00" in value:
        return f"{where} contains a NUL byte"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"{where} is not valid Unicode (a lone surrogate at position {exc.start})"
    if not allow_bidi:
        for index, char in enumerate(value):
            if char in BIDI_CONTROLS:
                return (
                    f"{where} contains a Unicode direction control (U+{ord(char):04X} "
                    f"{BIDI_CONTROLS[char]}) at position {index}; they can make text display "
                    "differently from what it says (set TOOLLOOM_ALLOW_BIDI_CONTROLS=true to accept them)"
                )
    return None


def json_problem(value: object, *, allow_bidi: bool = False) -> str | None:
    """The first problem in a parsed JSON body: too deep, or a string ``text_problem`` refuses."""
    stack: list[tuple[object, str, int]] = [(value, "body", 0)]
    while stack:
        item, where, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels"
        if isinstance(item, str):
            problem = text_problem(item, where, allow_bidi=allow_bidi)
            if problem:
                return problem
        elif isinstance(item, dict):
            for key, sub in item.items():
                problem = text_problem(key, f"{where} (a key)", allow_bidi=allow_bidi)
                if problem:
                    return problem
                stack.append((sub, f"{where}.{key}", depth + 1))
        elif isinstance(item, list):
            stack.extend((sub, f"{where}[{i}]", depth + 1) for i, sub in enumerate(item))
    return None


def query_problem(scope: Scope, *, allow_bidi: bool = False) -> str | None:
    """The first problem in a request's path or query string: the strings ``text_problem`` refuses
    (a NUL byte in ``?namespace=a%00b`` reached the store's SQL and failed there as a 500)."""
    if "\x00" in scope.get("path", ""):
        return "the path contains a NUL byte"
    query = scope.get("query_string") or b""
    if not query:
        return None
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, errors="surrogateescape")
    for name, value in pairs:
        where = f"query parameter {name!r}"
        problem = text_problem(name, where + " (its name)", allow_bidi=allow_bidi)
        problem = problem or text_problem(value, where, allow_bidi=allow_bidi)
        if problem:
            return problem
    return None


class JsonGuard:
    """Checks every JSON request body before a route (or LangServe) sees it: a lone surrogate, a
    NUL byte, a Unicode direction control or nesting past 64 levels gets a 400 that says where.
    (LangServe would otherwise run the agent on ``"a\\ud800b"`` and fail with a 500 afterwards;
    SQLite would store it as ``"a?b"``.) Every request's path and query string get the same check,
    whatever its method."""

    def __init__(self, app: ASGIApp, *, allow_bidi: bool = False) -> None:
        self.app = app
        self.allow_bidi = allow_bidi

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problem = query_problem(scope, allow_bidi=self.allow_bidi)
            if problem:
                await _send_json(scope, send, 400, problem, "invalid_request_error")
                return
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if b"json" not in headers.get(b"content-type", b"application/json"):
            await self.app(scope, receive, send)
            return
        chunks = []
        more = True
        while more:  # BodySizeLimit (outside) bounds this
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        problem = None
        try:
            parsed = json.loads(body) if body.strip() else None
        except RecursionError:
            problem = f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels"
        except ValueError:
            parsed = None  # malformed JSON: the route answers that in its own shape
        else:
            problem = json_problem(parsed, allow_bidi=self.allow_bidi)
        if problem:
            await _send_json(scope, send, 400, problem, "invalid_request_error")
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _send_json(scope: Scope, send: Send, status: int, message: str, kind: str) -> None:
    body: dict[str, object]
    if scope["path"].startswith("/v1"):
        body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    else:
        body = {"detail": message}
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
