"""A custom LangGraph ``Auth`` handler on toolloom's own surfaces (``/v1``, the page, ``/mcp``,
the transcript), with examples/auth/jwt_auth.py; a failing handler; a handler that cannot be
loaded."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from harness.fakes import ScriptedChatModel
from server.app import create_app
from server.auth.handlers import CustomAuth
from server.auth.mode import HandlerConfig, StartupRefused, decide
from server.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
SECRET = "unit-test-secret-0123456789-abcdefghij"
ALL = ["threads:write", "runs:create", "assistants:read"]


def as_user(sub: str, permissions: list[str], **claims: Any) -> dict[str, str]:
    body = {"sub": sub, "permissions": permissions, "exp": int(time.time()) + 600, **claims}
    return {"Authorization": f"Bearer {jwt.encode(body, SECRET, algorithm='HS256')}"}


def chat(client: TestClient, headers: dict[str, str], thread: str) -> Any:
    body = {"model": "toolloom", "messages": [{"role": "user", "content": "hi"}]}
    return client.post(
        "/v1/chat/completions", json=body, headers={**headers, "X-Thread-Id": thread}
    )


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("AUTH_JWT_SECRET", SECRET)
    config = load_settings(
        db=tmp_path / "app.db",
        workspace=tmp_path / "ws",
        langgraph_auth={"path": str(ROOT / "examples/auth/jwt_auth.py") + ":auth"},
    )
    with TestClient(create_app(config, llm=ScriptedChatModel(default="hi"))) as test_client:
        yield test_client


def test_threads_made_on_v1_belong_to_the_identity_with_the_handlers_metadata(
    client: TestClient,
) -> None:
    alice = as_user("alice", ALL, project="p1")
    thread = str(uuid.uuid4())
    assert chat(client, alice, thread).status_code == 200
    made = client.get(f"/threads/{thread}", headers=alice)
    assert made.status_code == 200
    assert made.json()["metadata"]["owner"] == "alice"
    assert made.json()["metadata"]["project"] == "p1"
    assert client.get(f"/threads/{thread}/transcript", headers=alice).status_code == 200
    # the same identity in another project: the handler's filter hides it, on every surface
    elsewhere = as_user("alice", ALL, project="p2")
    assert chat(client, elsewhere, thread).status_code == 404
    assert client.get(f"/threads/{thread}/transcript", headers=elsewhere).status_code == 404
    found = client.post("/threads/search", json={}, headers=elsewhere)
    assert found.json() == [] and found.headers["X-Pagination-Total"] == "0"
    # another identity: 404 too; a user without runs:create: 403, before anything runs
    assert chat(client, as_user("bob", ALL), thread).status_code == 404
    carol = as_user("carol", [])
    assert chat(client, carol, str(uuid.uuid4())).status_code == 403
    assert client.post("/ui/chat", json={"thread_id": "x1", "message": "hi"},
                       headers=carol).status_code == 403  # fmt: skip
    assert client.post("/mcp", json={}, headers=carol).status_code == 403
    assert client.get("/usage", headers=alice).status_code == 403  # needs the admin permission
    assert client.get("/usage", headers=as_user("root", ["admin"])).status_code == 200
    assert client.get("/health").json()["auth_mode"] == "custom"


def test_a_failing_handler_is_a_500_that_says_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "broken_auth.py"
    broken.write_text(
        "from langgraph_sdk import Auth\n"
        "auth = Auth()\n"
        "@auth.authenticate\n"
        "async def who(authorization: str | None):\n"
        "    if authorization == 'Bearer boom':\n"
        "        raise RuntimeError('secret detail 12345')\n"
        "    if not authorization:\n"
        "        raise Auth.exceptions.HTTPException(401, 'who are you')\n"
        "    return authorization.split()[-1]\n"
    )
    config = load_settings(
        db=tmp_path / "app.db", workspace=tmp_path / "ws", langgraph_auth={"path": f"{broken}:auth"}
    )
    with TestClient(create_app(config, llm=ScriptedChatModel(default="hi"))) as client:
        failed = client.post("/threads/search", json={}, headers={"Authorization": "Bearer boom"})
        assert failed.status_code == 500
        assert "12345" not in failed.text
        missing = client.post("/threads/search", json={})
        assert (missing.status_code, missing.json()) == (401, {"detail": "who are you"})
        ok = client.post("/threads/search", json={}, headers={"Authorization": "Bearer zoe"})
        assert ok.status_code == 200  # no @auth.on handlers: authenticated is enough
    assert "secret detail 12345" in caplog.text  # the detail is in the log


def test_a_handler_that_cannot_be_loaded_stops_start_up(tmp_path: Path) -> None:
    (tmp_path / "noauth.py").write_text("auth = 42\n")
    (tmp_path / "langgraph.json").write_text('{"auth": {"path": "./noauth.py:auth"}}')
    settings = load_settings(langgraph_config=tmp_path / "langgraph.json", host="0.0.0.0")
    decision = decide(settings, keys_ever_stored=False)
    assert decision.handler is not None and decision.handler.base == tmp_path
    with pytest.raises(StartupRefused, match="not a langgraph_sdk.Auth object"):
        CustomAuth.load(decision.handler)
    with pytest.raises(StartupRefused, match="no auth file"):
        CustomAuth.load(HandlerConfig({"path": "./missing.py:auth"}, tmp_path, "test"))
    with pytest.raises(StartupRefused, match="no auth handler is configured"):
        decide(load_settings(auth="custom", langgraph_config=tmp_path / "x.json"), False)
