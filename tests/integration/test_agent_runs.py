"""Crons, webhooks, replayable streams, A2A and the agent as an MCP tool (issue 27), tried with the
official clients (``langgraph-sdk``, ``a2a-sdk``, the MCP SDK) against a real ``toolloom serve``
(API keys on, the stub model) on 127.0.0.1:

- a cron on a thread fires every second as stored runs of its key; update, search, count,
  delete; another key sees none of it;
- webhooks: runs with a ``webhook`` to a receiver that fails 30% of deliveries at random are all
  delivered, each correctly signed; a server that does not allow private addresses refuses a
  loopback webhook (422) and sends nothing;
- replay: 50 streamed runs, each cut at a random point, re-attached with ``Last-Event-ID``: the
  events missed and nothing else;
- A2A ``message/send``, ``message/stream``, ``tasks/get``; the MCP tool ``agent``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import hmac
import itertools
import json
import random
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_sync_client

from backends.stub import StubLLM
from tests.integration.server_process import ServerProcess

KEY = "agent-runs-alice"
OTHER = "agent-runs-bob"
SECRET = "webhook-test-secret"
MODES = ["values", "updates", "messages-tuple", "tasks", "debug"]


def reply(request: dict[str, Any]) -> dict[str, Any]:
    """A calculator call for "calculate", then its answer; text otherwise; each a little late
    (so a stream can be cut while its run is still going)."""
    messages = request.get("messages") or []
    last = messages[-1] if messages else {}
    delay = random.uniform(0.0, 0.15)
    if last.get("role") == "tool":
        return {"content": "23*19 is 437.", "delay": delay}
    text = str(last.get("content") or "").lower()
    if request.get("tools") and "calculate" in text:
        return {
            "tool_calls": [{"name": "calculator", "arguments": {"expression": "23*19"}}],
            "delay": delay,
        }
    return {"content": "Hello from the stub.", "delay": delay}


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1 that fails ``failure`` of the deliveries at random."""

    failure: float
    got: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    failed: int = 0

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if random.random() < receiver.failure:
                    receiver.failed += 1
                    self.send_response(503)
                    self.end_headers()
                    return
                receiver.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def delivered(self) -> dict[str, dict[str, Any]]:
        """Run id -> the last body received for it (a repeat delivery is the same run)."""
        return {json.loads(body)["run_id"]: json.loads(body) for _, body in self.got}


@pytest.fixture(scope="module")
def stub() -> Iterator[StubLLM]:
    with StubLLM(default=reply) as running:
        yield running


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    random.seed(27)
    found = Receiver(failure=0.3)
    yield found
    found.server.shutdown()


@pytest.fixture(scope="module")
def servers(
    stub: StubLLM, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two servers, started together: one that lets webhooks reach 127.0.0.1 (the receiver),
    one with the default guard (no private addresses)."""
    common = {"TOOLLOOM_LLM_BASE_URL": stub.base_url, "TOOLLOOM_LLM_MODEL": "stub"}
    allowing = ServerProcess(
        tmp_path_factory.mktemp("agent-runs"),
        TOOLLOOM_API_KEYS=f"alice={KEY},bob={OTHER}",
        TOOLLOOM_NET_ALLOW_PRIVATE="true",
        TOOLLOOM_WEBHOOK_SECRET=SECRET,
        TOOLLOOM_WEBHOOK_BACKOFF="0.2",
        TOOLLOOM_WEBHOOK_ATTEMPTS="12",
        **common,
    )
    strict = ServerProcess(
        tmp_path_factory.mktemp("agent-runs-strict"), TOOLLOOM_API_KEYS=f"alice={KEY}", **common
    )
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(ServerProcess.start, (allowing, strict)))
    yield allowing, strict
    allowing.stop()
    strict.stop()


@pytest.fixture(scope="module")
def server(servers: tuple[ServerProcess, ServerProcess]) -> ServerProcess:
    return servers[0]


def sdk(server: ServerProcess, key: str = KEY) -> Any:
    return get_sync_client(url=server.url, api_key=key)


def wait_for(check: Any, timeout: float = 30.0, every: float = 0.25) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"not within {timeout} s")


# --- crons -------------------------------------------------------------------------------------


def test_a_cron_fires_each_second_as_runs_of_its_key(server: ServerProcess) -> None:
    client, other = sdk(server), sdk(server, OTHER)
    tid = client.threads.create()["thread_id"]
    cron = client.crons.create_for_thread(
        tid,
        "agent",
        schedule="* * * * * *",
        input={"messages": [{"role": "user", "content": "hi"}]},
    )
    assert cron["thread_id"] == tid and cron["enabled"] and cron["user_id"] == "alice"
    assert cron["payload"]["config"]["configurable"]["cron_id"] == cron["cron_id"]

    def four_runs() -> list[dict[str, Any]] | None:
        found = client.runs.list(tid, limit=50)
        return found if len(found) >= 4 else None

    runs = wait_for(four_runs, timeout=15)
    ticks = sorted({r["metadata"]["cron_tick"] for r in runs})
    assert len(ticks) == len(runs)  # one run per tick
    seconds = [int(t[17:19]) for t in ticks]
    assert all((b - a) % 60 == 1 for a, b in itertools.pairwise(seconds))
    assert {r["metadata"]["cron_id"] for r in runs} == {cron["cron_id"]}
    assert client.crons.count(thread_id=tid) == 1
    assert [c["cron_id"] for c in client.crons.search(thread_id=tid)] == [cron["cron_id"]]
    # Another key sees no cron and cannot change or delete this one.
    assert other.crons.search() == [] and other.crons.count() == 0
    with pytest.raises(httpx.HTTPStatusError) as refused:
        other.crons.delete(cron["cron_id"])
    assert refused.value.response.status_code == 404
    with pytest.raises(httpx.HTTPStatusError):
        other.crons.create_for_thread(tid, "agent", schedule="* * * * *")  # not bob's thread
    updated = client.crons.update(cron["cron_id"], enabled=False, metadata={"paused": True})
    assert updated["enabled"] is False and updated["metadata"] == {"paused": True}
    time.sleep(1.5)
    before = len(client.runs.list(tid, limit=100))
    time.sleep(2.5)
    assert len(client.runs.list(tid, limit=100)) == before  # disabled: no more ticks
    ticks_seen = httpx.get(
        f"{server.url}/runs/crons/{cron['cron_id']}/ticks", headers={"x-api-key": KEY}
    ).json()
    assert {t["status"] for t in ticks_seen} == {"fired"} and len(ticks_seen) == before
    client.crons.delete(cron["cron_id"])
    assert client.crons.count() == 0
    with pytest.raises(httpx.HTTPStatusError) as bad:
        client.crons.create("agent", schedule="every second")
    assert bad.value.response.status_code == 422


def test_a_cron_on_new_threads_keeps_them_when_asked(server: ServerProcess) -> None:
    client = sdk(server)
    cron = client.crons.create(
        "agent",
        schedule="* * * * * *",
        input={"messages": [{"role": "user", "content": "hi"}]},
        on_run_completed="keep",
        metadata={"job": "kept"},
    )
    threads = wait_for(
        lambda: (
            (t := client.threads.search(metadata={"cron_id": cron["cron_id"]}))
            and len(t) >= 2
            and t
        ),
        timeout=15,
    )
    client.crons.delete(cron["cron_id"])
    assert all(t["metadata"]["job"] == "kept" for t in threads)
    assert len({t["thread_id"] for t in threads}) == len(threads)


# --- webhooks ----------------------------------------------------------------------------------


def test_every_webhook_is_delivered_and_signed_despite_failures(
    server: ServerProcess, receiver: Receiver
) -> None:
    client = sdk(server)
    tid = client.threads.create()["thread_id"]
    made = []
    for index in range(20):
        text = "Please calculate 23*19" if index % 4 == 0 else f"hello {index}"
        run = client.runs.create(
            tid, "agent", input={"messages": [{"role": "user", "content": text}]},
            webhook=receiver.url,
        )  # fmt: skip
        made.append(run["run_id"])
    cron = client.crons.create_for_thread(
        tid, "agent", schedule="* * * * * *", webhook=receiver.url,
        input={"messages": [{"role": "user", "content": "from the cron"}]},
    )  # fmt: skip
    by_cron = wait_for(
        lambda: [r["run_id"] for r in client.runs.list(tid, limit=100)
                 if r["metadata"].get("cron_id") == cron["cron_id"]],
    )  # fmt: skip
    client.crons.delete(cron["cron_id"])
    wanted = set(made) | {by_cron[0]}
    delivered = wait_for(lambda: wanted <= set(receiver.delivered()) and receiver.delivered())
    assert receiver.failed > 0  # the receiver did fail some, and they were retried
    for headers, body in receiver.got:
        timestamp = headers["x-toolloom-timestamp"]
        expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        assert headers["x-toolloom-signature"] == "sha256=" + expected.hexdigest()
    for run_id in made:
        body = delivered[run_id]
        assert body["status"] == "success" and body["thread_id"] == tid
        assert body["values"]["messages"][-1]["type"] == "ai"
        assert {"run_started_at", "run_ended_at", "webhook_sent_at"} <= set(body)
    listed = httpx.get(
        f"{server.url}/threads/{tid}/runs/{made[0]}/webhooks", headers={"x-api-key": KEY}
    ).json()
    [delivery] = listed
    assert delivery["status"] == "delivered" and delivery["history"][-1]["outcome"] == "delivered"
    assert len(delivery["history"]) == delivery["attempts"]
    assert (
        httpx.get(
            f"{server.url}/threads/{tid}/runs/{made[0]}/webhooks", headers={"x-api-key": OTHER}
        ).status_code
        == 404
    )


def test_a_private_webhook_is_refused_where_private_addresses_are_not_allowed(
    servers: tuple[ServerProcess, ServerProcess], receiver: Receiver
) -> None:
    before = len(receiver.got)
    client = sdk(servers[1])
    tid = client.threads.create()["thread_id"]
    for url in (receiver.url, receiver.url.replace("127.0.0.1", "localhost"),
                "http://169.254.169.254/latest/meta-data/"):  # fmt: skip
        with pytest.raises(httpx.HTTPStatusError) as refused:
            client.runs.wait(tid, "agent", input={"messages": []}, webhook=url)
        assert refused.value.response.status_code == 422
        assert "non-public address" in refused.value.response.text
        with pytest.raises(httpx.HTTPStatusError) as also:
            client.crons.create("agent", schedule="* * * * *", webhook=url)
        assert also.value.response.status_code == 422
    assert client.runs.list(tid) == [] and client.crons.count() == 0
    time.sleep(1)
    assert len(receiver.got) == before


# --- replay ------------------------------------------------------------------------------------


def read_events(response: httpx.Response, limit: int | None) -> list[tuple[str, str, str]]:
    """``(id, event, data)`` of the SSE events read, at most ``limit`` (then the caller hangs
    up: the cut)."""
    found: list[tuple[str, str, str]] = []
    event: dict[str, str] = {}
    for line in response.iter_lines():
        if not line:
            if "event" in event:
                found.append((event.get("id", ""), event["event"], event.get("data", "")))
                if limit is not None and len(found) >= limit:
                    break
            event = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(": ")
            event[name] = value
    return found


def test_a_stream_cut_at_random_points_replays_exactly_what_was_missed(
    server: ServerProcess,
) -> None:
    client = sdk(server)
    tid = client.threads.create()["thread_id"]
    rng = random.Random(50)
    lengths = []
    with httpx.Client(base_url=server.url, headers={"x-api-key": KEY}, timeout=60) as http:
        for index in range(50):
            text = "Please calculate 23*19" if index % 2 else f"hello {index}"
            cut = rng.randint(1, 25)
            body = {"assistant_id": "agent", "stream_resumable": True, "stream_mode": MODES,
                    "input": {"messages": [{"role": "user", "content": text}]}}  # fmt: skip
            with http.stream("POST", f"/threads/{tid}/runs/stream", json=body) as response:
                assert response.status_code == 200
                before = read_events(response, cut)
            run_id = json.loads(before[0][2])["run_id"]
            rest = [
                (part.id, part.event, json.dumps(part.data, separators=(",", ":")))
                for part in client.runs.join_stream(tid, run_id, last_event_id=before[-1][0])
            ]
            whole = [
                (part.id, part.event, json.dumps(part.data, separators=(",", ":")))
                for part in client.runs.join_stream(tid, run_id, last_event_id="-1")
            ]
            seen = [(i, e, json.dumps(json.loads(d), separators=(",", ":"))) for i, e, d in before]
            assert seen + rest == whole, f"run {index}: cut after {cut}"
            assert [int(i) for i, _, _ in whole] == list(range(1, len(whole) + 1))
            assert whole[0][1] == "metadata"
            final = next(json.loads(d) for _, e, d in reversed(whole) if e == "values")
            assert final["messages"][-1]["type"] == "ai"
            lengths.append((len(before), len(whole)))
    cut_mid = sum(1 for got, total in lengths if got < total)
    assert cut_mid >= 40  # most runs were really cut before their end
    # After the run, no Last-Event-ID means from the start; an id of no event is refused.
    again = list(client.runs.join_stream(tid, run_id))
    assert [p.id for p in again] == [i for i, _, _ in whole]
    bad = httpx.get(f"{server.url}/threads/{tid}/runs/{run_id}/stream",
                    headers={"x-api-key": KEY, "Last-Event-ID": "nope"})  # fmt: skip
    assert bad.status_code == 422


# --- A2A and MCP -------------------------------------------------------------------------------


def rpc(server: ServerProcess, method: str, params: dict[str, Any], key: str = KEY) -> Any:
    response = httpx.post(
        f"{server.url}/a2a/agent",
        json={"jsonrpc": "2.0", "id": str(uuid.uuid4()), "method": method, "params": params},
        headers={"x-api-key": key},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a2a_message_send_stream_and_tasks_get(server: ServerProcess) -> None:
    message = {"role": "user", "messageId": "m1", "kind": "message",
               "parts": [{"kind": "text", "text": "Please calculate 23*19"}]}  # fmt: skip
    task = rpc(server, "message/send", {"message": message})["result"]
    assert task["kind"] == "task" and task["status"]["state"] == "completed"
    assert "437" in task["artifacts"][0]["parts"][0]["text"]
    got = rpc(server, "tasks/get", {"id": task["id"]})["result"]
    assert (
        got["status"]["state"] == "completed"
        and "437" in got["status"]["message"]["parts"][0]["text"]
    )
    assert "error" in rpc(server, "tasks/get", {"id": task["id"]}, key=OTHER)  # not bob's task
    # The context is a toolloom thread: the same conversation, seen by the SDK too.
    follow = dict(message, messageId="m2", contextId=task["contextId"],
                  parts=[{"kind": "text", "text": "thanks"}])  # fmt: skip
    with httpx.stream(
        "POST", f"{server.url}/a2a/agent", timeout=60,
        json={"jsonrpc": "2.0", "id": 7, "method": "message/stream", "params": {"message": follow}},
        headers={"x-api-key": KEY, "Accept": "text/event-stream"},
    ) as response:  # fmt: skip
        events = [json.loads(line[6:])["result"] for line in response.iter_lines()
                  if line.startswith("data: ")]  # fmt: skip
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "task" and kinds[-1] == "status-update" and "artifact-update" in kinds
    assert events[-1]["final"] is True and events[-1]["status"]["state"] == "completed"
    values = sdk(server).threads.get_state(task["contextId"])["values"]
    assert [m["content"] for m in values["messages"] if m["type"] == "human"] == [
        "Please calculate 23*19", "thanks"]  # fmt: skip
    card = httpx.get(f"{server.url}/.well-known/agent-card.json", headers={"x-api-key": KEY})
    assert card.json()["supportedInterfaces"][0]["url"].endswith("/a2a/" + task_assistant())


def task_assistant() -> str:
    from server.agentserver.shapes import ASSISTANT_ID

    return ASSISTANT_ID


def test_the_official_a2a_client_talks_to_the_agent(server: ServerProcess) -> None:
    from a2a.client import ClientConfig, create_client
    from a2a.helpers.proto_helpers import new_text_message
    from a2a.types.a2a_pb2 import GetTaskRequest, Role, SendMessageRequest

    async def talk() -> tuple[Any, Any]:
        http = httpx.AsyncClient(headers={"x-api-key": KEY}, timeout=60)
        client = await create_client(
            f"{server.url}/a2a/agent",
            client_config=ClientConfig(httpx_client=http, streaming=False),
        )
        try:
            request = SendMessageRequest(
                message=new_text_message("What is 23*19? calculate", role=Role.ROLE_USER)
            )
            results = [event async for event in client.send_message(request)]
            task = results[-1].task
            fetched = await client.get_task(GetTaskRequest(id=task.id))
            return task, fetched
        finally:
            await client.close()
            await http.aclose()

    task, fetched = asyncio.run(talk())
    assert fetched.id == task.id and "437" in fetched.status.message.parts[0].text


def test_the_agent_is_a_tool_of_the_mcp_server(server: ServerProcess) -> None:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def call(key: str, arguments: dict[str, Any]) -> tuple[list[str], Any]:
        http = httpx.AsyncClient(headers={"x-api-key": key}, timeout=60)
        async with (
            http,
            streamable_http_client(f"{server.url}/mcp", http_client=http) as streams,
            ClientSession(streams[0], streams[1]) as session,
        ):
            await session.initialize()
            names = [t.name for t in (await session.list_tools()).tools]
            return names, await session.call_tool("agent", arguments)

    tid = f"mcp-{uuid.uuid4().hex[:8]}"
    names, result = asyncio.run(call(KEY, {"message": "Please calculate 23*19", "thread_id": tid}))
    assert "agent" in names and "calculator" in names
    assert not result.isError and "437" in result.content[0].text
    assert result.structuredContent["status"] == "success"
    run = sdk(server).runs.get(tid, result.structuredContent["run_id"])
    assert run["status"] == "success"  # a stored run of alice's, on her thread
    _, refused = asyncio.run(call(OTHER, {"message": "hi", "thread_id": tid}))
    assert refused.isError  # bob cannot continue alice's thread
    _, one_off = asyncio.run(call(OTHER, {"message": "hi"}))
    assert not one_off.isError and one_off.content[0].text == "Hello from the stub."
    # Each of the caller's assistants is a tool too, under its name; not another key's.
    made = sdk(server).assistants.create("agent", name="calc helper", context={"max_steps": 3})
    names, answered = asyncio.run(call_named(server, KEY, "calc_helper", "Please calculate 23*19"))
    assert "calc_helper" in names
    assert not answered.isError and "437" in answered.content[0].text
    other_names, _ = asyncio.run(call(OTHER, {"message": "hi"}))
    assert "calc_helper" not in other_names
    # The same assistant as an A2A agent: its card bears its name; bob cannot reach it.
    card = httpx.get(
        f"{server.url}/a2a/{made['assistant_id']}/.well-known/agent-card.json",
        headers={"x-api-key": KEY},
    ).json()
    assert card["name"] == "calc helper"
    refused = httpx.post(
        f"{server.url}/a2a/{made['assistant_id']}",
        json={"jsonrpc": "2.0", "id": 1, "method": "message/send", "params": {"message": {
            "role": "user", "messageId": "x", "parts": [{"kind": "text", "text": "hi"}]}}},
        headers={"x-api-key": OTHER},
    )  # fmt: skip
    assert refused.status_code == 404


async def call_named(
    server: ServerProcess, key: str, name: str, text: str
) -> tuple[list[str], Any]:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    http = httpx.AsyncClient(headers={"x-api-key": key}, timeout=60)
    async with (
        http,
        streamable_http_client(f"{server.url}/mcp", http_client=http) as streams,
        ClientSession(streams[0], streams[1]) as session,
    ):
        await session.initialize()
        names = [t.name for t in (await session.list_tools()).tools]
        return names, await session.call_tool(name, {"message": text})
