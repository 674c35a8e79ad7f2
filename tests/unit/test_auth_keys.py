"""Keys decided at start and never flipped; scopes, expiry, rotation; failed attempts slowed and
seen (a real app on a SQLite file, the scripted model)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from harness.fakes import ScriptedChatModel
from server.app import create_app
from server.auth.attempts import FailureLimiter
from server.settings import load_settings
from server.storage.key_store import KeyStore
from server.storage.store import Store
from server.storage.tables import utcnow


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def metric(client: TestClient, key: str, name: str, **labels: str) -> float:
    text = client.get("/metrics", headers=bearer(key)).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


@pytest.fixture
def keys(tmp_path: Path) -> Iterator[KeyStore]:
    store = Store(tmp_path / "app.db")
    yield store.keys
    store.close()


def app_client(tmp_path: Path, **settings: Any) -> TestClient:
    config = load_settings(db=tmp_path / "app.db", workspace=tmp_path / "ws", **settings)
    return TestClient(create_app(config, llm=ScriptedChatModel(default="hi")))


def test_revoking_the_last_key_leaves_the_server_closed(tmp_path: Path, keys: KeyStore) -> None:
    only = keys.create("only")
    with app_client(tmp_path) as client:
        assert client.post("/threads/search", json={}).status_code == 401
        assert client.post("/threads/search", json={}, headers=bearer(only)).status_code == 200
        assert client.get("/health").json()["auth_mode"] == "keys"
        assert keys.revoke("only")
        time.sleep(1.1)  # the key ring re-reads the table every second
        anonymous = client.post("/threads/search", json={})
        assert anonymous.status_code == 401  # not 200: the server did not open up
        revoked = client.post("/threads/search", json={}, headers=bearer(only))
        assert revoked.status_code == 401 and "has none" in revoked.json()["detail"]
        assert client.get("/health").json()["auth"] is True
        again = keys.create("again")  # a key exists again: it works, the old one stays dead
        time.sleep(1.1)
        assert client.post("/threads/search", json={}, headers=bearer(again)).status_code == 200
        assert client.post("/threads/search", json={}).status_code == 401


def test_a_restart_after_the_last_revocation_stays_keyed(tmp_path: Path, keys: KeyStore) -> None:
    keys.revoke(keys.create("gone") and "gone")
    with app_client(tmp_path) as client:  # the database had keys: still a keyed server
        assert client.get("/health").json()["auth_mode"] == "keys"
        assert client.post("/threads/search", json={}).status_code == 401
    with app_client(tmp_path, auth="open") as client:  # opened only by saying so
        assert client.post("/threads/search", json={}).status_code == 200


def test_the_cli_says_when_it_revoked_the_last_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.cli import app

    monkeypatch.setenv("TOOLLOOM_DB", str(tmp_path / "cli.db"))
    monkeypatch.delenv("TOOLLOOM_DATABASE_URL", raising=False)
    monkeypatch.delenv("TOOLLOOM_API_KEYS", raising=False)
    runner = CliRunner()
    for name in ("a", "b"):
        assert runner.invoke(app, ["keys", "create", name]).exit_code == 0
    first = runner.invoke(app, ["keys", "revoke", "a"])
    assert first.exit_code == 0 and "last usable key" not in first.output
    last = runner.invoke(app, ["keys", "revoke", "b"])
    assert last.exit_code == 0
    assert "that was the last usable key" in last.output and "does not open up" in last.output
    made = runner.invoke(app, ["keys", "create", "r", "--scopes", "read", "--expires", "1h"])
    assert made.exit_code == 0 and "scopes read, expires" in made.output
    listed = runner.invoke(app, ["keys", "list"]).stdout
    assert "r\tactive\tscopes read\texpires" in listed and "a\trevoked" in listed
    bad = runner.invoke(app, ["keys", "create", "x", "--scopes", "root"])
    assert bad.exit_code == 2 and "unknown scope(s) root" in bad.output


def test_rotation_keeps_the_old_secret_for_the_grace_period(tmp_path: Path, keys: KeyStore) -> None:
    old = keys.create("svc")
    with app_client(tmp_path) as client:
        new, until = keys.rotate("svc", timedelta(seconds=2))
        assert until > utcnow()
        time.sleep(1.1)
        for key in (old, new):  # both work during the grace period, as the same caller
            assert client.get("/usage", headers=bearer(key)).json()["key"] == "svc"
        time.sleep(2.0)
        assert client.get("/usage", headers=bearer(old)).status_code == 401
        assert client.get("/usage", headers=bearer(new)).status_code == 200
        assert metric(client, new, "toolloom_key_events_total", event="rotated") >= 1


def test_an_expired_key_is_refused(tmp_path: Path, keys: KeyStore) -> None:
    later = keys.create("later", expires_at=utcnow() + timedelta(days=1))
    with app_client(tmp_path) as client:
        expiry = utcnow() + timedelta(seconds=3)
        soon = keys.create("soon", expires_at=expiry)
        time.sleep(1.1)  # read by the key ring
        assert client.get("/usage", headers=bearer(soon)).status_code == 200
        time.sleep(max(0.0, (expiry - utcnow()).total_seconds()) + 0.1)
        assert client.get("/usage", headers=bearer(soon)).status_code == 401
        assert client.get("/usage", headers=bearer(later)).status_code == 200


def test_failed_attempts_from_one_address_are_throttled_and_counted(tmp_path: Path) -> None:
    with app_client(tmp_path, api_keys="ops=good-key", auth_failures_per_minute=5) as client:
        other = TestClient(client.app, client=("10.0.0.2", 40000))  # another client address

        def denials() -> dict[str, float]:  # the registry is the process's: count the change
            return {
                reason: metric(other, "good-key", "toolloom_auth_denials_total", reason=reason)
                for reason in ("invalid", "throttled")
            }

        before = denials()
        refused = [
            client.post("/threads/search", json={}, headers=bearer(f"bad-{i}")) for i in range(8)
        ]
        assert [r.status_code for r in refused] == [401] * 5 + [429] * 3
        assert 50 <= int(refused[-1].headers["Retry-After"]) <= 60
        # the address is slowed whatever it sends; another address is not
        assert (
            client.post("/threads/search", json={}, headers=bearer("good-key")).status_code == 429
        )
        assert other.post("/threads/search", json={}, headers=bearer("good-key")).status_code == 200
        assert other.post("/threads/search", json={}, headers=bearer("bad")).status_code == 401
        after = denials()
        assert {k: after[k] - before[k] for k in after} == {"invalid": 6, "throttled": 4}


def test_requests_without_credentials_are_refused_but_not_counted_as_attempts(
    tmp_path: Path,
) -> None:
    """The web page on a keyed server asks for its status before a key is typed: those 401s are
    not guesses, and must not lock the address out; a tried key still counts."""
    with app_client(tmp_path, api_keys="ops=good-key", auth_failures_per_minute=3) as client:
        bare = [client.post("/threads/search", json={}) for _ in range(10)]
        assert [r.status_code for r in bare] == [401] * 10
        assert (
            client.post("/threads/search", json={}, headers=bearer("good-key")).status_code == 200
        )
        tried = [
            client.post("/threads/search", json={}, headers=bearer(f"bad-{i}")) for i in range(4)
        ]
        assert [r.status_code for r in tried] == [401] * 3 + [429]


async def test_the_failure_window_slides() -> None:
    now = [1000.0]
    limiter = FailureLimiter(3, clock=lambda: now[0])
    for _ in range(2):
        assert await limiter.failed("a") == 0
    assert await limiter.failed("a") == pytest.approx(60.0)
    assert await limiter.blocked("b") == 0
    now[0] += 30
    assert await limiter.blocked("a") == pytest.approx(30.0)
    now[0] += 30.5
    assert await limiter.blocked("a") == 0  # the oldest failure left the window


def test_keys_over_http_need_admin(tmp_path: Path, keys: KeyStore) -> None:
    admin = keys.create("root", scopes=["admin"])
    reader = keys.create("reader", scopes=["read"])
    with app_client(tmp_path) as client:
        made = client.post("/keys", json={"name": "ci", "scopes": ["runs", "read"]},
                           headers=bearer(admin))  # fmt: skip
        assert made.status_code == 201 and made.json()["key"].startswith("tl-")
        assert client.post("/keys", json={"name": "x"}, headers=bearer(reader)).status_code == 403
        assert client.get("/keys", headers=bearer(reader)).status_code == 403
        listed = {k["name"]: k for k in client.get("/keys", headers=bearer(admin)).json()}
        assert listed["ci"]["scopes"] == ["read", "runs"] and listed["ci"]["state"] == "active"
        assert client.post("/keys", json={"name": "ci"}, headers=bearer(admin)).status_code == 409
        time.sleep(1.1)  # the server's key ring sees the new key (and counts it)
        assert client.post(
            "/threads/search", json={}, headers=bearer(made.json()["key"])
        ).is_success
        turned = client.post("/keys/ci/rotate", json={"grace": 60}, headers=bearer(admin)).json()
        assert turned["old_secret_until"] is not None and turned["key"] != made.json()["key"]
        time.sleep(1.1)
        for key in (made.json()["key"], turned["key"]):  # both work during the grace period
            assert client.post("/threads/search", json={}, headers=bearer(key)).status_code == 200
        gone = client.delete("/keys/reader", headers=bearer(admin))
        assert gone.json() == {"name": "reader", "usable_keys_left": 2}
        assert client.delete("/keys/reader", headers=bearer(admin)).status_code == 404
        assert metric(client, turned["key"], "toolloom_key_events_total", event="rotated") >= 1


async def test_failures_are_shared_through_redis(redis_url: str) -> None:
    """Two replicas' limiters on one Redis count one address's failures together."""
    from server.storage.redis_link import make_redis

    clients = [make_redis(redis_url), make_redis(redis_url)]
    prefix = f"test:{time.monotonic_ns()}:"
    first, second = (FailureLimiter(4, redis=c, prefix=prefix) for c in clients)
    try:
        for limiter in (first, second, first):
            assert await limiter.failed("203.0.113.9") == 0
        wait = await second.failed("203.0.113.9")  # the 4th failure, on the other replica
        assert 59 <= wait <= 60
        assert 59 <= await first.blocked("203.0.113.9") <= 60
        assert await first.blocked("203.0.113.10") == 0
    finally:
        for client in clients:
            await client.aclose()
