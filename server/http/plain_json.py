"""JSON bodies sent as ``text/plain``: LangGraph Studio posts some of its requests that way (a
"simple" request needs no CORS preflight), and ``langgraph-api`` reads any body as JSON. On the
Agent Server API's routes (``/assistants``, ``/threads``, ``/runs``, ``/store``) a ``text/plain``
body is taken as the JSON it is: the content type is rewritten before anything else reads it, so
the JSON guard, the size limit and each route's validation apply exactly as to
``application/json`` (a body that is not JSON is the same 422)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

AGENT_SERVER_PREFIXES = ("/assistants", "/threads", "/runs", "/store")
JSON = b"application/json"


def _is_plain_text(value: bytes) -> bool:
    return value.split(b";", 1)[0].strip().lower() == b"text/plain"


class PlainTextJson:
    """Rewrite ``Content-Type: text/plain`` to ``application/json`` on the Agent Server routes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in ("POST", "PUT", "PATCH", "DELETE")
            and str(scope["path"]).startswith(AGENT_SERVER_PREFIXES)
        ):
            headers = scope.get("headers") or []
            if any(k == b"content-type" and _is_plain_text(v) for k, v in headers):
                scope["headers"] = [
                    (k, JSON if k == b"content-type" and _is_plain_text(v) else v)
                    for k, v in headers
                ]
        await self.app(scope, receive, send)
