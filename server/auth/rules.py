"""What each route needs: the key scope, and the LangGraph resource action a custom ``Auth``
handler authorizes, with the ``value`` it is given (shaped as langgraph-api gives it).

Every route the app mounts is listed here by method and path template; the gate
(:mod:`server.auth.gate`) matches a request against these templates before routing. A route that
is not listed still needs credentials, and then the ``admin`` scope (it fails closed); the
enumeration test (``tests/unit/test_auth_routes.py``) fails for any route not listed.

Actions follow langgraph-runtime-inmem (``ops.py``): a thread's runs are the ``threads``
resource (``create_run``; reading, cancelling and deleting a run are ``read``, ``update`` and
``delete`` of its thread); copying a thread is ``read`` then ``create``; searching a thread's runs
is ``search``. toolloom's own surfaces run the agent on a thread, so ``/v1/chat/completions``,
``/agent/invoke|batch|stream|stream_events``, ``/ui/chat`` and ``/ui/resume`` are
``threads.create_run`` (the thread from ``X-Thread-Id`` or the body, the graph as the assistant);
an MCP tool call is a ``threads.create_run`` with no thread; the transcript and the pending
approvals are ``threads.read``. Routes about the server itself (``/ready``, ``/metrics``,
``/tools``, ``/v1/models``, the schemas, the API docs) need an authenticated caller only;
``/usage`` and ``/keys`` need ``admin`` (a key's scope, or a custom user's permission).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.routing import compile_path

GRAPH_ID = "agent"
"""The graph's id on toolloom's server, the assistant its own surfaces run."""


@dataclass(frozen=True)
class Call:
    """What a value builder reads from a request."""

    path: Mapping[str, str]
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any

    def field(self, name: str, default: Any = None) -> Any:
        return self.body.get(name, default) if isinstance(self.body, dict) else default


Builder = Callable[[Call], dict[str, Any]]
ThreadFrom = Literal["path", "header", "body"]


@dataclass(frozen=True)
class Check:
    resource: str
    action: str
    value: Builder


@dataclass(frozen=True)
class Rule:
    scope: Literal["runs", "read", "admin"]
    checks: tuple[Check, ...] = ()
    """Handler calls, in order; the first one's filters apply to the request."""
    thread: ThreadFrom | None = None
    """Where the request names an existing thread whose metadata the filters must match."""
    metadata_to_body: bool = False
    """The handler's ``value["metadata"]`` replaces the body's ``metadata`` (what is stored)."""
    body: bool = field(default=False)
    """The builders read the JSON body."""


# --- value builders -----------------------------------------------------------------------------


def _assistant_search(c: Call) -> dict[str, Any]:
    return {"graph_id": c.field("graph_id"), "metadata": c.field("metadata") or {},
            "limit": c.field("limit", 10), "offset": c.field("offset", 0)}  # fmt: skip


def _assistant(c: Call) -> dict[str, Any]:
    return {"assistant_id": c.path.get("assistant_id")}


def _assistant_write(c: Call) -> dict[str, Any]:
    return {"assistant_id": c.path.get("assistant_id") or c.field("assistant_id"),
            "graph_id": c.field("graph_id"), "config": c.field("config") or {},
            "context": c.field("context") or {}, "metadata": c.field("metadata") or {},
            "name": c.field("name")}  # fmt: skip


def _thread_create(c: Call) -> dict[str, Any]:
    return {"thread_id": c.field("thread_id"), "metadata": c.field("metadata") or {},
            "if_exists": c.field("if_exists", "raise"), "ttl": c.field("ttl")}  # fmt: skip


def _thread_new(c: Call) -> dict[str, Any]:
    return {"thread_id": None, "metadata": {}, "if_exists": "raise", "ttl": None}


def _thread_search(c: Call) -> dict[str, Any]:
    return {"metadata": c.field("metadata") or {}, "values": c.field("values"),
            "status": c.field("status"), "limit": c.field("limit", 10),
            "offset": c.field("offset", 0), "thread_id": None}  # fmt: skip


def _runs_search(c: Call) -> dict[str, Any]:
    return {"thread_id": c.path.get("thread_id"), "metadata": {}}


def _thread_read(c: Call) -> dict[str, Any]:
    return {"thread_id": c.path.get("thread_id"), "run_id": c.path.get("run_id")}


def _thread_update(c: Call) -> dict[str, Any]:
    return {"thread_id": c.path.get("thread_id"), "metadata": c.field("metadata") or {},
            "action": None}  # fmt: skip


def _run_cancel(c: Call) -> dict[str, Any]:
    return {"thread_id": c.path.get("thread_id"), "run_id": c.path.get("run_id"),
            "action": c.query.get("action", "interrupt"), "metadata": {}}  # fmt: skip


def _runs_cancel(c: Call) -> dict[str, Any]:
    return {"thread_id": c.field("thread_id"), "action": c.query.get("action", "interrupt"),
            "metadata": {"run_ids": c.field("run_ids"), "status": c.field("status")}}  # fmt: skip


def _thread_delete(c: Call) -> dict[str, Any]:
    return {"thread_id": c.path.get("thread_id"), "run_id": c.path.get("run_id")}


RUN_KWARGS = ("input", "command", "config", "context", "stream_mode", "interrupt_before",
              "interrupt_after", "webhook", "feedback_keys", "checkpoint", "checkpoint_id",
              "stream_subgraphs", "stream_resumable", "durability", "on_disconnect")  # fmt: skip


def run_create(body: Any, thread_id: str | None) -> dict[str, Any]:
    """``Auth.types.RunsCreate`` for one run request."""
    get = body.get if isinstance(body, dict) else (lambda _k, d=None: d)
    return {
        "thread_id": thread_id,
        "assistant_id": get("assistant_id"),
        "run_id": None,
        "status": "pending",
        "metadata": get("metadata") or {},
        "prevent_insert_if_inflight": True,
        "multitask_strategy": get("multitask_strategy", "enqueue"),
        "if_not_exists": get("if_not_exists", "reject" if thread_id else "create"),
        "after_seconds": get("after_seconds"),
        "kwargs": {k: get(k) for k in RUN_KWARGS if get(k) is not None},
    }


def _run_on_thread(c: Call) -> dict[str, Any]:
    return run_create(c.body, c.path.get("thread_id"))


def _run_stateless(c: Call) -> dict[str, Any]:
    return run_create(c.body, None)


def _surface_run(source: ThreadFrom | None) -> Builder:
    """``create_run`` for a toolloom surface: the graph is the assistant; the request's input
    stays the surface's own (it has no Agent Server shape)."""

    def build(c: Call) -> dict[str, Any]:
        thread = None
        if source == "header":
            thread = c.headers.get("x-thread-id")
        elif source == "body":
            thread = c.field("thread_id")
        elif source == "path":
            thread = c.path.get("thread_id")
        value = run_create({}, thread)
        value.update(assistant_id=GRAPH_ID, if_not_exists="create")
        return value

    return build


def _cron_create(c: Call) -> dict[str, Any]:
    return {"payload": c.body if isinstance(c.body, dict) else {},
            "schedule": c.field("schedule"), "cron_id": None,
            "thread_id": c.path.get("thread_id"), "user_id": None,
            "end_time": c.field("end_time")}  # fmt: skip


def _cron_search(c: Call) -> dict[str, Any]:
    return {"assistant_id": c.field("assistant_id"), "thread_id": c.field("thread_id"),
            "limit": c.field("limit", 10), "offset": c.field("offset", 0)}  # fmt: skip


def _cron(c: Call) -> dict[str, Any]:
    return {"cron_id": c.path.get("cron_id"), "payload": c.body if isinstance(c.body, dict)
            else None}  # fmt: skip


def _namespace(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        return tuple(part for part in raw.split(".") if part)
    return tuple(str(part) for part in raw) if isinstance(raw, list) else ()


def _store_put(c: Call) -> dict[str, Any]:
    return {"namespace": _namespace(c.field("namespace")), "key": c.field("key"),
            "value": c.field("value"), "index": c.field("index")}  # fmt: skip


def _store_get(c: Call) -> dict[str, Any]:
    return {"namespace": _namespace(c.query.get("namespace")), "key": c.query.get("key")}


def _store_delete(c: Call) -> dict[str, Any]:
    return {"namespace": _namespace(c.field("namespace")), "key": c.field("key")}


def _store_search(c: Call) -> dict[str, Any]:
    return {"namespace": _namespace(c.field("namespace_prefix")), "filter": c.field("filter"),
            "limit": c.field("limit", 10), "offset": c.field("offset", 0),
            "query": c.field("query")}  # fmt: skip


def _store_namespaces(c: Call) -> dict[str, Any]:
    return {"namespace": _namespace(c.field("prefix")), "suffix": _namespace(c.field("suffix")),
            "max_depth": c.field("max_depth"), "limit": c.field("limit", 100),
            "offset": c.field("offset", 0)}  # fmt: skip


# --- the table -----------------------------------------------------------------------------------


def _on(resource: str, action: str, value: Builder) -> tuple[Check, ...]:
    return (Check(resource, action, value),)


AUTHENTICATED_READ = Rule("read")
SURFACE_HEADER = Rule("runs", _on("threads", "create_run", _surface_run("header")), "header")
SURFACE_BODY = Rule("runs", _on("threads", "create_run", _surface_run("body")), "body", body=True)
READ_THREAD = Rule("read", _on("threads", "read", _thread_read), "path")
ASSISTANT_READ = Rule("read", _on("assistants", "read", _assistant))
RUN_ON_THREAD = Rule("runs", _on("threads", "create_run", _run_on_thread), "path", True, True)
RUN_STATELESS = Rule("runs", _on("threads", "create_run", _run_stateless), None, True, True)
CRON_READ = Rule("read", _on("crons", "read", _cron))
CRON_WRITE_CREATE = Rule("runs", _on("crons", "create", _cron_create), body=True)

RULES: dict[tuple[str, str], Rule] = {
    # the server itself
    ("GET", "/ready"): AUTHENTICATED_READ,
    ("GET", "/metrics"): AUTHENTICATED_READ,
    ("GET", "/tools"): AUTHENTICATED_READ,
    ("GET", "/usage"): Rule("admin"),
    ("GET", "/openapi.json"): AUTHENTICATED_READ,
    ("GET", "/docs"): AUTHENTICATED_READ,
    ("GET", "/docs/oauth2-redirect"): AUTHENTICATED_READ,
    ("GET", "/redoc"): AUTHENTICATED_READ,
    ("GET", "/keys"): Rule("admin"),
    ("POST", "/keys"): Rule("admin"),
    ("POST", "/keys/{name}/rotate"): Rule("admin"),
    ("DELETE", "/keys/{name}"): Rule("admin"),
    # assistants
    ("POST", "/assistants/search"): Rule("read", _on("assistants", "search", _assistant_search), body=True),
    ("POST", "/assistants/count"): Rule("read", _on("assistants", "search", _assistant_search), body=True),
    ("GET", "/assistants/{assistant_id}"): ASSISTANT_READ,
    ("GET", "/assistants/{assistant_id}/graph"): ASSISTANT_READ,
    ("GET", "/assistants/{assistant_id}/schemas"): ASSISTANT_READ,
    ("GET", "/assistants/{assistant_id}/subgraphs"): ASSISTANT_READ,
    ("GET", "/assistants/{assistant_id}/subgraphs/{namespace}"): ASSISTANT_READ,
    ("POST", "/assistants"): Rule("runs", _on("assistants", "create", _assistant_write), body=True),
    ("PATCH", "/assistants/{assistant_id}"): Rule("runs", _on("assistants", "update", _assistant_write), body=True),
    ("DELETE", "/assistants/{assistant_id}"): Rule("runs", _on("assistants", "delete", _assistant)),
    ("POST", "/assistants/{assistant_id}/versions"): ASSISTANT_READ,
    ("POST", "/assistants/{assistant_id}/latest"): Rule("runs", _on("assistants", "update", _assistant_write), body=True),
    # threads
    ("POST", "/threads"): Rule("runs", _on("threads", "create", _thread_create), None, True, True),
    ("POST", "/threads/search"): Rule("read", _on("threads", "search", _thread_search), body=True),
    ("POST", "/threads/count"): Rule("read", _on("threads", "search", _thread_search), body=True),
    ("GET", "/threads/{thread_id}"): READ_THREAD,
    ("PATCH", "/threads/{thread_id}"): Rule("runs", _on("threads", "update", _thread_update), "path", True, True),
    ("DELETE", "/threads/{thread_id}"): Rule("runs", _on("threads", "delete", _thread_delete), "path"),
    ("POST", "/threads/{thread_id}/copy"): Rule("runs", (Check("threads", "read", _thread_read), Check("threads", "create", _thread_new)), "path"),
    ("GET", "/threads/{thread_id}/state"): READ_THREAD,
    ("GET", "/threads/{thread_id}/state/{checkpoint_id}"): READ_THREAD,
    ("POST", "/threads/{thread_id}/state/checkpoint"): READ_THREAD,
    ("POST", "/threads/{thread_id}/state"): Rule("runs", _on("threads", "update", _thread_update), "path"),
    ("GET", "/threads/{thread_id}/history"): READ_THREAD,
    ("POST", "/threads/{thread_id}/history"): READ_THREAD,
    ("GET", "/threads/{thread_id}/transcript"): READ_THREAD,
    # runs
    ("POST", "/threads/{thread_id}/runs/wait"): RUN_ON_THREAD,
    ("POST", "/threads/{thread_id}/runs/stream"): RUN_ON_THREAD,
    ("POST", "/threads/{thread_id}/runs"): RUN_ON_THREAD,
    ("GET", "/threads/{thread_id}/runs"): Rule("read", _on("threads", "search", _runs_search), "path"),
    ("GET", "/threads/{thread_id}/runs/{run_id}"): READ_THREAD,
    ("DELETE", "/threads/{thread_id}/runs/{run_id}"): Rule("runs", _on("threads", "delete", _thread_delete), "path"),
    ("GET", "/threads/{thread_id}/runs/{run_id}/join"): READ_THREAD,
    ("GET", "/threads/{thread_id}/runs/{run_id}/stream"): READ_THREAD,
    ("POST", "/threads/{thread_id}/runs/{run_id}/cancel"): Rule("runs", _on("threads", "update", _run_cancel), "path"),
    ("POST", "/runs/wait"): RUN_STATELESS,
    ("POST", "/runs/stream"): RUN_STATELESS,
    ("POST", "/runs"): RUN_STATELESS,
    ("POST", "/runs/batch"): Rule("runs", _on("threads", "create_run", _run_stateless), body=True),
    ("POST", "/runs/cancel"): Rule("runs", _on("threads", "update", _runs_cancel), "body", body=True),
    # crons
    ("POST", "/runs/crons"): CRON_WRITE_CREATE,
    ("POST", "/threads/{thread_id}/runs/crons"): CRON_WRITE_CREATE,
    ("POST", "/runs/crons/search"): Rule("read", _on("crons", "search", _cron_search), body=True),
    ("POST", "/runs/crons/count"): Rule("read", _on("crons", "search", _cron_search), body=True),
    ("GET", "/runs/crons/{cron_id}"): CRON_READ,
    ("PATCH", "/runs/crons/{cron_id}"): Rule("runs", _on("crons", "update", _cron), body=True),
    ("DELETE", "/runs/crons/{cron_id}"): Rule("runs", _on("crons", "delete", _cron)),
    ("GET", "/runs/crons/{cron_id}/ticks"): CRON_READ,
    # a run's webhook deliveries
    ("GET", "/threads/{thread_id}/runs/{run_id}/webhooks"): READ_THREAD,
    # A2A: a message is a run with no thread of the client's; the cards are read like assistants
    ("POST", "/a2a/{assistant_id}"): Rule("runs", _on("threads", "create_run", _surface_run(None))),
    ("GET", "/.well-known/agent-card.json"): AUTHENTICATED_READ,
    ("GET", "/a2a/{assistant_id}/.well-known/agent-card.json"): AUTHENTICATED_READ,
    # the store
    ("PUT", "/store/items"): Rule("runs", _on("store", "put", _store_put), body=True),
    ("GET", "/store/items"): Rule("read", _on("store", "get", _store_get)),
    ("DELETE", "/store/items"): Rule("runs", _on("store", "delete", _store_delete), body=True),
    ("POST", "/store/items/search"): Rule("read", _on("store", "search", _store_search), body=True),
    ("POST", "/store/namespaces"): Rule("read", _on("store", "list_namespaces", _store_namespaces), body=True),
    # LangServe
    ("POST", "/agent/invoke"): SURFACE_HEADER,
    ("POST", "/agent/batch"): SURFACE_HEADER,
    ("POST", "/agent/stream"): SURFACE_HEADER,
    ("POST", "/agent/stream_events"): SURFACE_HEADER,
    ("GET", "/agent/input_schema"): AUTHENTICATED_READ,
    ("GET", "/agent/output_schema"): AUTHENTICATED_READ,
    ("GET", "/agent/config_schema"): AUTHENTICATED_READ,
    ("GET", "/agent/playground/{file_path:path}"): AUTHENTICATED_READ,
    # OpenAI-compatible
    ("GET", "/v1/models"): AUTHENTICATED_READ,
    ("POST", "/v1/chat/completions"): SURFACE_HEADER,
    # the web page's API (its static files are public: see PUBLIC)
    ("POST", "/ui/chat"): SURFACE_BODY,
    ("POST", "/ui/resume"): SURFACE_BODY,
    ("GET", "/ui/approvals/{thread_id}"): READ_THREAD,
    # MCP: a tool call is a run with no thread
    ("GET", "/mcp"): Rule("runs", _on("threads", "create_run", _surface_run(None))),
    ("POST", "/mcp"): Rule("runs", _on("threads", "create_run", _surface_run(None))),
    ("DELETE", "/mcp"): Rule("runs", _on("threads", "create_run", _surface_run(None))),
}  # fmt: skip

UNLISTED = Rule("admin")
"""A route nobody classified: credentials and the admin scope (fail closed)."""

PUBLIC: frozenset[tuple[str, str]] = frozenset(
    {("GET", "/health"), ("GET", "/ok"), ("GET", "/info"), ("GET", "/")}
)
"""Routes answered without credentials (plus the page's static files, which the app adds):
liveness, the Agent Server API's probes, the web page."""


@dataclass
class RouteTable:
    """The app's routes as compiled path patterns, in the app's order, with their rules."""

    entries: list[tuple[re.Pattern[str], frozenset[str], str]] = field(default_factory=list)

    def add(self, template: str, methods: frozenset[str]) -> None:
        regex, _, _ = compile_path(template)
        self.entries.append((regex, methods, template))

    def match(self, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        """The template the request matches, and its path parameters (None: no route)."""
        for regex, methods, template in self.entries:
            found = regex.match(path)
            if found and (method in methods or (method == "HEAD" and "GET" in methods)):
                return template, found.groupdict()
        return None


def rule_for(method: str, template: str) -> Rule:
    return RULES.get(("GET" if method == "HEAD" else method, template), UNLISTED)
