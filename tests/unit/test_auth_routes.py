"""Every route the app mounts needs credentials, except a short documented allow-list.

The routes are enumerated from the app itself (FastAPI's routes, LangServe's, the web page's,
``/mcp``, mounts, anything a later change adds), each method is called without credentials, and
each must answer 401, with API keys and with a custom LangGraph ``Auth`` handler. A route added
without auth, or a public route not on the allow-list, fails this test. Every route must also be
classified in :data:`server.auth.rules.RULES` (its scope and its resource action).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from harness.fakes import ScriptedChatModel
from server.app import create_app
from server.auth.rules import RULES
from server.http.routes.web_routes import ASSETS
from server.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
SECRET = "enumeration-secret-0123456789-abcdef"

ALLOW_LIST = {
    ("GET", "/health"): "liveness (load balancers, the page's first call)",
    ("GET", "/ok"): "the Agent Server API's probe (langgraph-sdk, Studio)",
    ("GET", "/info"): "the Agent Server API's server info (Studio reads it before any key)",
    ("GET", "/"): "the web page (it asks for a key itself)",
    ("GET", "/ui/{name}"): "the web page's static files: app.js, style.css only",
}
"""The routes that answer without credentials (README, section Auth)."""

FILL = {
    "thread_id": str(uuid.uuid4()),
    "assistant_id": str(uuid.uuid4()),
    "run_id": str(uuid.uuid4()),
    "cron_id": str(uuid.uuid4()),
    "checkpoint_id": str(uuid.uuid4()),
    "namespace": "ns",
    "name": "app.js",
    "file_path": "index.html",
    "rest": "anything",
}


def endpoints(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) for every route and mount of the app."""
    found = []
    for route in iter_route_contexts(app.routes):
        if route.path is None:
            continue
        if isinstance(route.original_route, Mount):
            found.append(("GET", route.path.rstrip("/") + "/{rest}"))
            continue
        found.extend((m, route.path) for m in sorted(route.methods or ()) if m != "HEAD")
    return found


def concrete(template: str) -> str:
    path = template
    for name, value in FILL.items():
        path = path.replace("{" + name + ":path}", value).replace("{" + name + "}", value)
    assert "{" not in path, f"no value for a parameter of {template}"
    return path


def token(sub: str, **claims: Any) -> str:
    body = {"sub": sub, "exp": int(time.time()) + 600, **claims}
    return jwt.encode(body, SECRET, algorithm="HS256")


@pytest.fixture(params=["keys", "custom"])
def secured(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """An app with auth configured, and headers of a caller with every right."""
    settings: dict[str, Any] = {"auth_failures_per_minute": 0}  # every refusal a 401, no 429
    if request.param == "keys":
        settings["api_keys"] = "admin=key-admin"
        good = {"Authorization": "Bearer key-admin"}
    else:
        monkeypatch.setenv("AUTH_JWT_SECRET", SECRET)
        settings["langgraph_auth"] = {"path": str(ROOT / "examples/auth/jwt_auth.py") + ":auth"}
        good = {"Authorization": f"Bearer {token('alice', permissions=['admin'])}"}
    config = load_settings(db=tmp_path / "app.db", workspace=tmp_path / "ws", **settings)
    with TestClient(create_app(config, llm=ScriptedChatModel(default="hi"))) as client:
        yield client, good


def test_every_route_needs_credentials_except_the_allow_list(
    secured: tuple[TestClient, dict[str, str]],
) -> None:
    client, good = secured
    app: FastAPI = client.app  # type: ignore[assignment]
    routes = endpoints(app)
    assert len(routes) > 80  # the Agent Server API, LangServe, /v1, the page, /mcp, the docs
    open_routes = []
    for method, template in routes:
        answer = client.request(method, concrete(template), json={})
        if answer.status_code != 401:
            open_routes.append((method, template, answer.status_code))
    assert {(m, t) for m, t, _ in open_routes} == set(ALLOW_LIST), open_routes
    # the static-file route is public for the page's own files only
    for name in ASSETS:
        assert client.get(f"/ui/{name}").status_code == 200
    assert client.get("/ui/secrets.txt").status_code == 401
    # and the 401s are auth's, not a broken route: with credentials the same call gets past it
    assert client.post("/threads/search", json={}, headers=good).status_code == 200
    assert client.get("/usage", headers=good).status_code == 200
    # each route has a scope and a resource action in server/auth/rules.py (one missing there
    # still needs credentials, and then the admin scope)
    unlisted = [(m, t) for m, t in routes if (m, t) not in RULES and (m, t) not in ALLOW_LIST]
    assert unlisted == []


def test_a_route_added_later_needs_credentials_too(
    secured: tuple[TestClient, dict[str, str]],
) -> None:
    client, good = secured
    app: FastAPI = client.app  # type: ignore[assignment]

    async def new_thing() -> dict[str, bool]:
        return {"secret": True}

    app.add_api_route("/new-thing", new_thing, methods=["GET"])
    app.mount("/mounted", FastAPI())
    assert client.get("/new-thing").status_code == 401
    assert client.get("/mounted/anything").status_code == 401
    assert client.get("/new-thing", headers=good).json() == {"secret": True}


def test_a_key_without_the_scope_is_refused(tmp_path: Path) -> None:
    from server.storage.store import Store

    store = Store(tmp_path / "app.db")
    keys = store.keys
    reader = keys.create("reader", scopes=["read"])
    runner = keys.create("runner", scopes=["runs"])
    admin = keys.create("admin", scopes=["admin"])
    store.close()
    config = load_settings(db=tmp_path / "app.db", workspace=tmp_path / "ws")
    with TestClient(create_app(config, llm=ScriptedChatModel(default="hi"))) as client:

        def status(key: str, method: str, path: str, **kw: Any) -> int:
            auth = {"Authorization": f"Bearer {key}"}
            return client.request(method, path, headers=auth, **kw).status_code

        chat = {"model": "toolloom", "messages": [{"role": "user", "content": "hi"}]}
        assert status(reader, "POST", "/v1/chat/completions", json=chat) == 403
        assert status(runner, "POST", "/v1/chat/completions", json=chat) == 200
        assert status(reader, "POST", "/threads/search", json={}) == 200
        assert status(runner, "POST", "/threads/search", json={}) == 403
        assert status(reader, "GET", "/usage") == 403
        assert status(runner, "GET", "/usage") == 403
        assert status(admin, "GET", "/usage") == 200
        refused = client.get("/usage", headers={"Authorization": f"Bearer {reader}"}).json()
        assert refused == {"detail": "this key lacks the 'admin' scope"}
