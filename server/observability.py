"""Logs, metrics and usage an operator can act on.

- Logs: one line per request (request id, thread, key name, status, duration), per tool call and
  per LLM call; JSON lines with ``TOOLLOOM_LOG_FORMAT=json``. A filter scrubs secrets (bearer
  tokens, configured keys, ``sk-...`` strings) from every record, whatever logged it.
- Metrics: Prometheus text at ``GET /metrics`` (prometheus-client), on a registry of our own.
- Usage: per key and day, in the store (see :mod:`server.storage.store`); counted per run by
  :class:`server.road.usage.RunUsage` and written here when the request ends.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backends.telemetry import REGISTRY, log_event

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,128}$")

# --- metrics ---------------------------------------------------------------------------------------

REQUESTS = Counter(
    "toolloom_requests_total",
    "HTTP requests by route and status",
    ["route", "method", "status"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "toolloom_request_duration_seconds",
    "HTTP request latency",
    ["route"],
    registry=REGISTRY,
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
ACTIVE_RUNS = Gauge("toolloom_active_runs", "Graph runs in progress", registry=REGISTRY)
THREADS = Gauge("toolloom_threads", "Threads in the store", registry=REGISTRY)
MESSAGES = Gauge("toolloom_messages", "Messages in the store", registry=REGISTRY)

# --- secrets never logged -----------------------------------------------------------------------------

_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"',]+")
_SK = re.compile(r"\b(sk|tl)-[A-Za-z0-9_\-]{8,}")


class SecretFilter(logging.Filter):
    """Scrubs secrets from every record: bearer tokens, configured keys, sk-/tl- style keys."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        text = _BEARER.sub(r"\1[redacted]", text)
        return _SK.sub("[redacted]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = self.scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            payload.update(extra)
        if record.exc_info:
            payload["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(payload, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict) and extra:
            line += " " + " ".join(f"{k}={v}" for k, v in extra.items())
        return line


def configure_logging(fmt: str, secrets: Iterable[str] = (), level: int = logging.INFO) -> None:
    """Root logging for the process: one handler, the chosen format, the secret filter."""
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            TextFormatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    handler.addFilter(SecretFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "openai", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


# --- request logging middleware ---------------------------------------------------------------------

access_log = logging.getLogger("toolloom.access")


def route_of(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


class RequestLog:
    """One log line and one metrics sample per request; sets and returns X-Request-Id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []
        }
        given = headers.get(REQUEST_ID_HEADER.lower(), "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (REQUEST_ID_HEADER.encode(), request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration = time.perf_counter() - started
            route = route_of(scope)
            state = scope.get("state") or {}
            principal = state.get("principal")
            REQUESTS.labels(route, scope["method"], str(status)).inc()
            REQUEST_SECONDS.labels(route).observe(duration)
            log_event(
                access_log,
                "request",
                method=scope["method"],
                path=scope["path"],
                route=route,
                status=status,
                duration_ms=round(duration * 1000, 1),
                thread_id=state.get("thread_id") or headers.get("x-thread-id"),
                key=getattr(principal, "name", None) or None,
            )
            await self._record_usage(scope, principal, status, state.get("usage"), route)
            request_id_var.reset(token)

    async def _record_usage(
        self, scope: Scope, principal: Any, status: int, usage: Any, route: str
    ) -> None:
        """Per key and day: requests, errors, tokens, tool calls (not for health, metrics, usage)."""
        runtime = getattr(getattr(scope.get("app"), "state", None), "runtime", None)
        if runtime is None or principal is None or route in ("/health", "/metrics", "/usage"):
            return
        if (scope.get("state") or {}).get("usage_recorded"):  # with the run, in its transaction
            return
        try:
            await asyncio.to_thread(
                runtime.store.usage.add_usage,
                principal.name,
                error=status >= 400,
                prompt_tokens=getattr(usage, "prompt_tokens", 0),
                completion_tokens=getattr(usage, "completion_tokens", 0),
                tool_calls=getattr(usage, "tool_calls", 0),
            )
        except Exception:
            logging.getLogger(__name__).exception("could not record usage")
