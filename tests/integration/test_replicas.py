"""Three replicas on one PostgreSQL, behind the shipped nginx config: the scaled deployment of
deploy/compose.scale.yml on 127.0.0.1, with one stub model for all three.

One set of replicas serves the whole module (starting three servers is the slow part). The tests
run in file order and the last one kills a replica; a test that finds a replica dead starts it
again first, so each also runs alone.

Timings come from the settings the replicas get: TOOLLOOM_RUN_LEASE=3 (heartbeat every 1 s, sweep
every 1.5 s), TOOLLOOM_DB_POOL_TIMEOUT=2 and TOOLLOOM_DB_CONNECT_TIMEOUT=2 (how long a request may
wait for the database before its 503). The auth cache is 1 s (server/auth/api_keys.py).

The replicas' key is in the keys table (not in TOOLLOOM_API_KEYS): they are keyed because the
table held a key at start, which is the configuration whose last revocation once opened them.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from backends.stub import StubLLM
from benchmarks.balancer import Balancer
from harness.pg import PostgresCluster
from server.storage.key_store import ApiKey, hash_key
from server.storage.store import Store
from tests.integration.server_process import ServerProcess

KEY = "replica-test-key"
SLOW = re.compile(r"slow (\d+(?:\.\d+)?)")


def reply(request: dict[str, Any]) -> dict[str, Any]:
    """The model's answer names the user's last message; "slow N" in it makes the model take N s."""
    users = [m for m in request.get("messages", []) if m.get("role") == "user"]
    last = str(users[-1]["content"]) if users else ""
    match = SLOW.search(last)
    return {"content": f"reply to: {last}", "delay": float(match.group(1)) if match else 0.02}


@dataclass
class Replicas:
    stub: StubLLM
    servers: list[ServerProcess]
    balancer: Balancer
    database_url: str
    tmp: Path

    def alive(self) -> None:
        """Start again any replica an earlier test killed (same id, same port)."""
        for server in self.servers:
            if server.process is not None and server.process.poll() is not None:
                server.start()


@pytest.fixture(scope="module")
def cluster(
    postgres_cluster: PostgresCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Replicas]:
    tmp = tmp_path_factory.mktemp("replicas")
    database_url = postgres_cluster.fresh_database()
    store = Store(database_url)  # migrated; the module's key is stored, hashed, before start
    try:
        store.keys.import_keys([ApiKey(name="tester", key_hash=hash_key(KEY))])
    finally:
        store.close()
    with StubLLM(default=reply) as stub:
        servers = [
            ServerProcess(
                tmp / name,
                TOOLLOOM_DATABASE_URL=database_url,
                TOOLLOOM_REPLICA_ID=name,
                TOOLLOOM_RUN_LEASE="3",
                TOOLLOOM_DB_POOL_TIMEOUT="2",
                TOOLLOOM_DB_CONNECT_TIMEOUT="2",
                # the revocation test counts 401s from 127.0.0.1 (no 429 for failed attempts)
                TOOLLOOM_AUTH_FAILURES_PER_MINUTE="0",
                TOOLLOOM_LLM_BASE_URL=stub.base_url,
                TOOLLOOM_LLM_MODEL="stub",
            )
            for name in ("a", "b", "c")
        ]
        for server in servers:
            server.tmp.mkdir()
        balancer = None
        try:
            # Started together: three first starts on one empty database also exercise the
            # migration lock.
            with concurrent.futures.ThreadPoolExecutor(3) as pool:
                list(pool.map(ServerProcess.start, servers))
            balancer = Balancer([f"127.0.0.1:{s.port}" for s in servers], tmp / "nginx").start()
            yield Replicas(stub, servers, balancer, database_url, tmp)
        finally:
            if balancer is not None:
                balancer.stop()
            for server in servers:
                server.stop()


@pytest.fixture
def replicas(cluster: Replicas) -> Replicas:
    cluster.alive()
    return cluster


def ask(url: str, text: str, thread: str, key: str = KEY, timeout: float = 60) -> httpx.Response:
    return httpx.post(
        f"{url}/v1/chat/completions",
        json={"model": "toolloom", "messages": [{"role": "user", "content": text}]},
        headers={"X-Thread-Id": thread, "Authorization": f"Bearer {key}"},
        timeout=timeout,
    )


def get(url: str, path: str, key: str = KEY) -> httpx.Response:
    return httpx.get(f"{url}{path}", headers={"Authorization": f"Bearer {key}"}, timeout=15)


def messages(url: str, thread: str) -> list[dict[str, Any]]:
    response = get(url, f"/threads/{thread}/transcript")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["messages"]
    return found


def users(url: str, thread: str) -> list[str]:
    return [m["content"] for m in messages(url, thread) if m["role"] == "user"]


def completions_served(server: ServerProcess) -> int:
    """This replica's own count of answered /v1/chat/completions (metrics are per replica)."""
    text = get(server.url, "/metrics").text
    return int(
        sum(
            sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == "toolloom_requests_total"
            and sample.labels.get("route") == "/v1/chat/completions"
            and sample.labels.get("status") == "200"
        )
    )


def cli(replicas: Replicas, *args: str) -> str:
    """``toolloom keys ...`` as an operator runs it: another process on the same database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLLOOM_")}
    env["TOOLLOOM_DATABASE_URL"] = replicas.database_url
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "keys", *args],
        env=env,
        cwd=replicas.tmp,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_thirty_concurrent_requests_on_one_thread_over_three_replicas(replicas: Replicas) -> None:
    before = [completions_served(server) for server in replicas.servers]
    texts = [f"message number {i}" for i in range(30)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(pool.map(lambda t: ask(replicas.balancer.url, t, "thirty"), texts))
    assert [a.status_code for a in answers] == [200] * 30, [a.text for a in answers]
    served = [completions_served(s) - b for s, b in zip(replicas.servers, before, strict=True)]
    assert sum(served) == 30 and min(served) > 0, served  # nginx spread them over all three

    views = [messages(server.url, "thirty") for server in replicas.servers]
    assert views[0] == views[1] == views[2]  # one order, whichever replica is asked
    stored = views[0]
    assert sorted(m["content"] for m in stored if m["role"] == "user") == sorted(texts)
    # serialised across replicas: each question is followed by its own answer, never another's
    assert [m["role"] for m in stored] == ["user", "assistant"] * 30
    for question, answer in zip(stored[::2], stored[1::2], strict=True):
        assert answer["content"] == f"reply to: {question['content']}"
    assert [m["seq"] for m in stored] == list(range(60))


def test_a_thread_started_on_one_replica_continues_on_another(replicas: Replicas) -> None:
    a, b, c = replicas.servers
    assert ask(a.url, "My name is Ada.", "a-to-c").status_code == 200
    seen = len(replicas.stub.requests)
    answer = ask(c.url, "What is my name?", "a-to-c")
    assert answer.status_code == 200
    assert answer.json()["choices"][0]["message"]["content"] == "reply to: What is my name?"
    # C gave the model the turn made on A: it read the thread's checkpoint from PostgreSQL
    assert "My name is Ada." in json.dumps(replicas.stub.requests[seen:])
    assert users(b.url, "a-to-c") == ["My name is Ada.", "What is my name?"]


def test_a_resumable_stream_cut_on_one_replica_is_replayed_on_another(replicas: Replicas) -> None:
    """A run streamed from replica A (``stream_resumable``), cut after a few events while it
    runs; B gives the rest with ``Last-Event-ID`` (from the kept events, while A still runs it),
    C the whole stream from ``-1`` once it has ended: no gap, no repeat (issue 27)."""
    a, b, c = replicas.servers
    headers = {"x-api-key": KEY}
    thread = httpx.post(f"{a.url}/threads", json={}, headers=headers).json()["thread_id"]
    body = {"assistant_id": "agent", "stream_resumable": True,
            "stream_mode": ["values", "updates", "messages-tuple", "debug"],
            "input": {"messages": [{"role": "user", "content": "slow 1.5 please"}]}}  # fmt: skip

    def events(response: httpx.Response, limit: int | None = None) -> list[tuple[str, str]]:
        found, event = [], {}
        for line in response.iter_lines():
            if not line:
                if "event" in event:
                    found.append((event["id"], event["event"] + event.get("data", "")))
                    if limit is not None and len(found) >= limit:
                        break
                event = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(": ")
                event[name] = value
        return found

    with httpx.stream("POST", f"{a.url}/threads/{thread}/runs/stream", json=body,
                      headers=headers, timeout=60) as response:  # fmt: skip
        before = events(response, limit=3)
    run_id = json.loads(before[0][1].removeprefix("metadata"))["run_id"]
    with httpx.stream("GET", f"{b.url}/threads/{thread}/runs/{run_id}/stream", timeout=60,
                      headers={**headers, "Last-Event-ID": before[-1][0]}) as response:  # fmt: skip
        assert response.status_code == 200
        rest = events(response)
    status = get(c.url, f"/threads/{thread}/runs/{run_id}").json()["status"]
    assert status == "success"
    with httpx.stream("GET", f"{c.url}/threads/{thread}/runs/{run_id}/stream", timeout=60,
                      headers={**headers, "Last-Event-ID": "-1"}) as response:  # fmt: skip
        whole = events(response)
    assert before + rest == whole
    assert [int(i) for i, _ in whole] == list(range(1, len(whole) + 1)) and len(rest) > 3


def test_a_key_made_with_the_cli_works_on_every_replica_until_revoked(
    replicas: Replicas,
) -> None:
    a, b, c = replicas.servers
    raw = cli(replicas, "create", "operator").splitlines()[0]
    # Each replica re-reads the keys when its 1 s cache is older than that: 2 s is enough.
    deadline = time.monotonic() + 2
    for server in replicas.servers:
        while get(server.url, "/usage", raw).status_code != 200:
            assert time.monotonic() < deadline, f"replica {server.port} refuses the new key"
            time.sleep(0.05)
    # the key's name is the caller everywhere: its thread made on A is its own on C, not another's
    assert ask(a.url, "Hello with the new key.", "operator-thread", key=raw).status_code == 200
    assert get(c.url, "/threads/operator-thread", raw).status_code == 200
    assert get(c.url, "/threads/operator-thread").status_code == 404

    cli(replicas, "revoke", "operator")
    revoked = time.monotonic()
    refused: dict[int, float] = {}
    while len(refused) < 3 and time.monotonic() - revoked < 5:
        for server in replicas.servers:
            if server.port not in refused and get(server.url, "/usage", raw).status_code == 401:
                refused[server.port] = time.monotonic() - revoked
        time.sleep(0.05)
    assert len(refused) == 3, refused
    assert max(refused.values()) < 2.0, refused
    assert get(b.url, "/usage").status_code == 200  # the other key still works


def keys_command(replicas: Replicas, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLLOOM_")}
    env["TOOLLOOM_DATABASE_URL"] = replicas.database_url
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "keys", *args],
        env=env,
        cwd=replicas.tmp,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def search(url: str, key: str | None) -> int:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.post(f"{url}/threads/search", json={}, headers=headers, timeout=15).status_code


def test_revoking_the_last_key_leaves_every_replica_closed(replicas: Replicas) -> None:
    """Issue 26's defect: the replicas were keyed by the table; revoking its last key must not
    open them (it used to, on each within a second). Every replica and the balancer refuse
    everyone, the revoked key included, until a key exists again."""
    urls = [server.url for server in replicas.servers] + [replicas.balancer.url]
    assert [search(url, KEY) for url in urls] == [200] * 4
    active = [
        line.split("\t")[0]
        for line in keys_command(replicas, "list").stdout.splitlines()
        if "\tactive\t" in line
    ]
    try:
        for name in active:
            last = keys_command(replicas, "revoke", name)
        assert "that was the last usable key" in last.stderr
        revoked = time.monotonic()
        answers: list[int] = []
        rounds = 0
        while time.monotonic() - revoked < 3.0 or rounds < 5:  # past every replica's re-reads
            rounds += 1
            for url in urls:
                answers += [search(url, None), search(url, KEY)]
            time.sleep(0.05)
        assert set(answers) == {401}, sorted(set(answers))

        fresh = keys_command(replicas, "create", "after").stdout.strip()
        deadline = time.monotonic() + 2.0
        for url in urls:
            while search(url, fresh) != 200:
                assert time.monotonic() < deadline, f"{url} refuses the new key"
                time.sleep(0.05)
        assert [search(url, None) for url in urls] == [401] * 4
    finally:  # the module's key back, for the tests after this one
        with psycopg.connect(replicas.database_url, autocommit=True) as conn:
            conn.execute("UPDATE tl_api_keys SET revoked_at = NULL WHERE name = 'tester'")
    deadline = time.monotonic() + 2.0
    for url in urls:
        while search(url, KEY) != 200:
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_postgres_stopped_for_5_s_gives_503s_then_recovers_without_restart(
    replicas: Replicas, postgres_cluster: PostgresCluster
) -> None:
    servers, lb = replicas.servers, replicas.balancer.url
    assert ask(lb, "Stored before the outage.", "outage").status_code == 200
    pids = [server.process.pid for server in servers if server.process is not None]

    postgres_cluster.stop()
    try:
        stopped = time.monotonic()
        rounds = 0
        # 5 s away: every request in that time gets a clear 503 (within the 2 s pool timeout
        # plus the 2 s connect timeout), never another error or a hang.
        while time.monotonic() - stopped < 5:
            rounds += 1
            for url in [*(server.url for server in servers), lb]:
                started = time.monotonic()
                v1 = ask(url, f"During the outage {rounds}.", "outage", timeout=15)
                assert v1.status_code == 503, v1.text
                assert time.monotonic() - started < 5
                assert v1.headers["retry-after"] == "2"
                assert v1.json()["error"]["code"] == "database_unavailable"
                assert v1.json()["error"]["type"] == "service_unavailable"
                plain = get(url, "/threads/outage")
                assert plain.status_code == 503
                assert plain.json() == {"detail": "the database is unavailable; try again shortly"}
                ready = get(url, "/ready")
                assert ready.status_code == 503
                assert ready.json()["database"] == {
                    "backend": "postgresql",
                    "ok": False,
                    "error": "unreachable",
                }
                assert get(url, "/health").status_code == 200  # alive: nothing to restart
            time.sleep(0.2)
    finally:
        postgres_cluster.start()

    # Back: each replica's pools reconnect on their own. Until they have, a request may still get
    # a 503 (never anything else); 30 s is far beyond the pools' reconnect back-off.
    recovered = []
    for server in servers:
        deadline = time.monotonic() + 30
        attempt = 0
        while True:
            attempt += 1
            answer = ask(
                server.url, f"After the outage via {server.port}, try {attempt}.", "outage"
            )
            if answer.status_code == 200:
                recovered.append(answer.json()["choices"][0]["message"]["content"])
                break
            assert answer.status_code == 503, answer.text
            assert time.monotonic() < deadline, "not recovered"
            time.sleep(0.2)
        assert get(server.url, "/ready").status_code == 200
    assert [server.process.pid for server in servers if server.process is not None] == pids
    assert all(server.process.poll() is None for server in servers if server.process is not None)

    stored = users(servers[0].url, "outage")
    assert stored[0] == "Stored before the outage."  # nothing stored before was lost
    assert not [text for text in stored if text.startswith("During")]  # refused: not recorded
    assert [f"reply to: {text}" for text in stored if text.startswith("After")][-3:] == recovered


def test_sigkill_one_replica_mid_run(replicas: Replicas) -> None:
    a, b, c = replicas.servers
    stub = replicas.stub
    assert ask(b.url, "Before the kill.", "kill").status_code == 200
    assert ask(b.url, "A finished thread on b.", "kept-on-b").status_code == 200
    kept = messages(b.url, "kept-on-b")

    def sent(text: str) -> bool:
        return text in json.dumps(stub.requests)

    def doomed() -> None:
        try:
            ask(b.url, "Doomed, slow 60.", "kill", timeout=90)
        except httpx.HTTPError:  # b dies under it
            return

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        # A live run on a, longer than the lease: the sweeps that find b's run must leave it alone.
        live = pool.submit(ask, a.url, "A live run, slow 8.", "live")
        lost = pool.submit(doomed)
        deadline = time.monotonic() + 30
        while not (sent("A live run, slow 8.") and sent("Doomed, slow 60.")):
            assert time.monotonic() < deadline, "the runs never reached the model"
            time.sleep(0.05)
        b.stop(signal.SIGKILL)  # mid-run: the model has b's request, no answer yet
        killed = time.monotonic()
        lost.result(timeout=30)

        # b renewed its run every 1 s until it died, so the lease (3 s) runs out 2-3 s after the
        # kill and a or c sweeps it within the next 1.5 s; 20 s covers a loaded machine.
        while True:
            thread = get(c.url, "/threads/kill/transcript").json()
            if thread["last_run"]["status"] == "interrupted":
                break
            assert thread["last_run"]["status"] == "running"
            assert time.monotonic() - killed < 20, "the dead replica's run was never swept"
            time.sleep(0.1)
        noticed = time.monotonic() - killed
        assert noticed >= 1.9  # by the lease running out, not at once
        assert thread["last_run"]["error"] == "the replica running it stopped renewing its lease"
        assert users(c.url, "kill") == ["Before the kill.", "Doomed, slow 60."]

        # the thread goes on from another replica (b's hold on it expired with its lease)
        answer = ask(c.url, "After the kill.", "kill")
        assert answer.status_code == 200, answer.text
        thread = get(a.url, "/threads/kill/transcript").json()
        assert thread["last_run"]["status"] == "success"
        assert users(a.url, "kill") == ["Before the kill.", "Doomed, slow 60.", "After the kill."]

        # nothing else lost: a's live run finished, and b's finished thread reads the same
        assert live.result(timeout=60).status_code == 200
    assert get(c.url, "/threads/live/transcript").json()["last_run"]["status"] == "success"
    assert messages(a.url, "kept-on-b") == kept
