"""toolloom's own server speaks the LangGraph Agent Server API (issue #22), tried with the official
clients against a real ``toolloom serve`` (a child process, API keys on) on the stub model:

- **conformance**: the recorded ``langgraph-sdk`` sequence (tests/integration/
  agent_api_conformance.py), with the sync and the async client, compared with the committed
  recording of the reference server (``langgraph dev``); :data:`ACCEPTED` lists the differences
  toolloom keeps on purpose, each with its reason (the README's conformance table is this list);
- ``RemoteGraph`` invoke and stream; each double-texting strategy with a slow run; bad input;
- a background run across a restart, and on PostgreSQL a pending run picked up by another replica
  once its own replica died.

The servers are shared per module where they can be; the stub answers with ``stub_reply``: a
calculator call for "calculate", a 2-second answer for "slowly", text otherwise.
"""

from __future__ import annotations

import re
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph.pregel.remote import RemoteGraph
from langgraph_sdk import get_client, get_sync_client
from langgraph_sdk.client import SyncLangGraphClient

from backends.stub import StubLLM
from tests.integration.agent_api_conformance import (
    CALC,
    HELLO,
    SLOW,
    Difference,
    compare,
    graph_assistant_id,
    load_recording,
    record,
    stub_reply,
)
from tests.integration.server_process import ServerProcess

KEY = "agent-server-key-alice"
OTHER_KEY = "agent-server-key-bob"
KEYS = f"alice={KEY},bob={OTHER_KEY}"


@dataclass(frozen=True)
class Accepted:
    """A difference from the reference that toolloom keeps on purpose."""

    steps: str
    """Step names (a shell pattern)."""
    kinds: tuple[str, ...] | None
    """Kinds of difference (``status``, ``requests``, ``missing``, ...); None: any."""
    path: str | None
    """Where in the step (a regular expression); None: anywhere."""
    difference: str
    reason: str

    def covers(self, found: Difference) -> bool:
        return (
            fnmatch(found.step, self.steps)
            and (self.kinds is None or found.kind in self.kinds)
            and (self.path is None or re.fullmatch(self.path, found.path) is not None)
        )


ACCEPTED = [
    Accepted(
        "meta.info", ("extra",), r"\$\.flags\.strict_resume",
        "`/info` reports the flag `strict_resume`",
        "toolloom always refuses a resume with nothing pending; the SDK reads the flag",
    ),
    Accepted(
        "threads.get_not_uuid", ("status", "requests"), None,
        "`GET /threads/not-a-uuid`: 404, not 422",
        "thread ids are toolloom's (any id `/v1`'s `X-Thread-Id` may name, UUIDs among them): "
        "`not-a-uuid` is a well-formed id of no thread",
    ),
    Accepted(
        "threads.get_history", ("fact",), "count",
        "one checkpoint per run in the history, not one per step",
        "toolloom checkpoints a run once, at its end (durability `exit`, faster); a run may "
        "ask `durability=\"async\"`",
    ),
    Accepted(
        "runs.stream.*", ("missing",),
        r"<messages>\[1\]\.langgraph_(api_url|api_version|host|plan)",
        "streamed message metadata lacks `langgraph_api_url`, `_api_version`, `_host`, `_plan`",
        "they describe a langgraph-api deployment (its URL, version, host and plan)",
    ),
    Accepted(
        "runs.join_unknown", None, None,
        "joining an unknown run: 404",
        "issue #22 asks 404 for an unknown run; the reference answers 200 with an `__error__` "
        "body after half a second",
    ),
    Accepted(
        "runs.wait_resume_nothing_pending", None, None,
        "a `command.resume` with nothing to resume: 409",
        "issue #22 asks a 4xx (the SDK's `strict_resume`); the reference runs it as a no-op",
    ),
    Accepted(
        "runs.cancel_rollback", ("fact",), "thread_status_after",
        "after `cancel(action=\"rollback\")` the thread is `idle`",
        "the reference leaves it `busy` for good (langgraph-runtime-inmem 0.36.7 deletes the "
        "run before its worker resets the thread)",
    ),
    Accepted(
        "runs.join_after_cancel_rollback", None, None,
        "joining a rolled-back run: 404",
        "the run no longer exists, as for any unknown run",
    ),
    Accepted(
        "threads.copy_unknown", ("status", "requests"), None,
        "copying an unknown thread: 404, not 409",
        "issue #22: an unknown thread is a 404 everywhere",
    ),
    Accepted(
        "store.get_item_missing", None, None,
        "getting a missing item: 404, not 200 `null`",
        "issue #27: another key's items are a 404 on every route, and a missing item must not "
        "answer differently from another key's (that would tell that it exists)",
    ),
    Accepted(
        "store.delete_item_missing", None, None,
        "deleting a missing item: 404, not 204",
        "the same rule: another key's item (or none) is a 404",
    ),
    Accepted(
        "store.put_item_bad_namespace", ("header", "type", "missing", "extra"), None,
        "a namespace label with a period: 422 with a JSON `{\"detail\"}`, not plain text",
        "every toolloom error is JSON with `detail` (the SDK refuses such a label before sending)",
    ),
    Accepted(
        "auth.*", ("step",), None,
        "steps `auth.*` exist only here",
        "the reference runs without keys; here another key gets 404 for each of them (the test asserts it)",
    ),
]  # fmt: skip
"""The README's conformance table is this list."""


@pytest.fixture(scope="module")
def stub() -> Iterator[StubLLM]:
    with StubLLM(default=stub_reply) as started:
        yield started


@pytest.fixture(scope="module")
def server(stub: StubLLM, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path_factory.mktemp("agent-server"),
        TOOLLOOM_LLM_BASE_URL=stub.base_url,
        TOOLLOOM_LLM_MODEL="stub",
        TOOLLOOM_API_KEYS=KEYS,
    ).start()
    yield process
    process.stop()


def sdk(server: ServerProcess, key: str = KEY) -> SyncLangGraphClient:
    return get_sync_client(url=server.url, api_key=key, timeout=60)


def contents(client: SyncLangGraphClient, thread_id: str) -> list[tuple[str, str]]:
    state = client.threads.get_state(thread_id)
    return [(m["type"], m["content"]) for m in state["values"].get("messages", [])]  # type: ignore[union-attr]


def wait_status(
    client: SyncLangGraphClient, thread_id: str, run_id: str, wanted: set[str], timeout: float = 30
) -> str:
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        status = client.runs.get(thread_id, run_id)["status"]
        if status in wanted:
            return status
        time.sleep(0.05)
    return status


# --- conformance ---------------------------------------------------------------------------------


@pytest.mark.timeout(600)
async def test_the_sdk_sequence_answers_as_the_reference_does(server: ServerProcess) -> None:
    reference = load_recording()
    unexplained: list[str] = []
    used: set[int] = set()
    for kind in ("sync", "async"):
        recording = await record(
            server.url, KEY, client=kind, graph_id="agent", other_api_key=OTHER_KEY
        )
        assert recording.meta["x_api_key_on_every_request"] is True
        for found in compare(reference, recording):
            rules = [i for i, rule in enumerate(ACCEPTED) if rule.covers(found)]
            used.update(rules)
            if not rules:
                unexplained.append(f"{kind}: {found}")
        # Another key's thread does not exist for it, whatever it tries.
        for step in ("auth.other_key_get_thread", "auth.other_key_run", "auth.other_key_get_state"):
            assert recording.step(step).status == 404, step
        # The default assistant is the reference's: uuid5 of the graph id.
        assert recording.step("assistants.search").facts["assistant_id_is_uuid5_of_graph"]
        # Double texting as the reference does it (these facts are compared above too).
        assert recording.step("multitask.reject.second").status == 409
        interrupt = recording.step("multitask.interrupt.second").facts
        assert interrupt["first_status_final"] == "interrupted"
        assert interrupt["messages_final"] == ["human", "human", "ai"]
    assert unexplained == [], "\n".join(unexplained)
    stale = [ACCEPTED[i].steps for i in range(len(ACCEPTED)) if i not in used]
    assert stale == [], f"accepted differences that no longer occur: {stale}"


def test_remote_graph_invokes_and_streams(server: ServerProcess) -> None:
    client = sdk(server)
    remote = RemoteGraph("agent", sync_client=client)
    thread = {"configurable": {"thread_id": str(uuid.uuid4())}}
    answer = remote.invoke(CALC, thread)
    assert answer["messages"][-1]["content"] == "23*19 is 437."
    assert [m["type"] for m in answer["messages"]] == ["human", "ai", "tool", "ai"]
    nodes = [next(iter(chunk)) for chunk in remote.stream(HELLO, thread, stream_mode="updates")]
    assert nodes[0] == "route" and nodes[-1] == "respond"
    state = remote.get_state(thread)
    assert state.values["messages"][-1]["content"] == "Hello from the stub."
    assert len(state.values["messages"]) == 6
    # The runs are records: the thread shows both, finished.
    runs = client.runs.list(thread["configurable"]["thread_id"])
    assert [r["status"] for r in runs] == ["success", "success"]


# --- double texting ------------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["reject", "enqueue", "interrupt", "rollback"])
def test_double_texting(server: ServerProcess, strategy: str) -> None:
    """A second message while the first run is slow (the stub answers it after 2 s)."""
    client = sdk(server)
    thread = client.threads.create()["thread_id"]
    first = client.runs.create(thread, "agent", input=SLOW)
    assert wait_status(client, thread, first["run_id"], {"running"}) == "running"
    if strategy == "reject":
        with pytest.raises(httpx.HTTPStatusError) as refused:
            client.runs.create(thread, "agent", input=HELLO, multitask_strategy="reject")
        assert refused.value.response.status_code == 409
        client.runs.join(thread, first["run_id"])
        assert client.runs.get(thread, first["run_id"])["status"] == "success"
        assert contents(client, thread) == [("human", "Say hello slowly"), ("ai", "A slow hello.")]
        return
    second = client.runs.create(thread, "agent", input=HELLO, multitask_strategy=strategy)
    assert second["status"] == "pending" and second["multitask_strategy"] == strategy
    client.runs.join(thread, second["run_id"])
    assert client.runs.get(thread, second["run_id"])["status"] == "success"
    first_run = [r for r in client.runs.list(thread) if r["run_id"] == first["run_id"]]
    messages = contents(client, thread)
    hello = [("human", "Say hello"), ("ai", "Hello from the stub.")]
    if strategy == "enqueue":  # both turns, in order
        assert first_run[0]["status"] == "success"
        assert messages == [("human", "Say hello slowly"), ("ai", "A slow hello."), *hello]
    elif strategy == "interrupt":  # the first stops; its question stays, unanswered
        assert first_run[0]["status"] == "interrupted"
        assert messages == [("human", "Say hello slowly"), *hello]
    else:  # rollback: the first run and its checkpoints are gone
        assert first_run == []
        assert messages == hello
        transcript = httpx.get(
            f"{server.url}/threads/{thread}/transcript", headers={"x-api-key": KEY}
        ).json()
        assert [m["content"] for m in transcript["messages"]] == [c for _, c in hello]
    assert client.threads.get(thread)["status"] == "idle"


# --- bad input -----------------------------------------------------------------------------------


def test_bad_input_is_a_clear_4xx(server: ServerProcess) -> None:
    client = sdk(server)
    thread = client.threads.create()["thread_id"]
    http = httpx.Client(base_url=server.url, headers={"x-api-key": KEY}, timeout=30)

    def status(method: str, path: str, **kwargs: Any) -> tuple[int, str]:
        response = http.request(method, path, **kwargs)
        assert "Traceback" not in response.text
        return response.status_code, str(response.json().get("detail", ""))

    run = {"assistant_id": "agent", "input": HELLO}
    unknown = str(uuid.uuid4())
    assert status(
        "POST", f"/threads/{thread}/runs/wait", json={**run, "assistant_id": unknown}
    ) == (
        404,
        "Thread or assistant not found.",
    )
    code, detail = status("POST", f"/threads/{thread}/runs/wait", json={**run, "assistant_id": "x"})
    assert code == 422 and "registered graphs" in detail
    assert status("GET", f"/assistants/{unknown}")[0] == 404
    assert status("POST", f"/threads/{unknown}/runs/wait", json=run)[0] == 404
    assert status("GET", f"/threads/{unknown}/state")[0] == 404
    for path in (f"/runs/{unknown}", f"/runs/{unknown}/join", f"/runs/{unknown}/stream"):
        assert status("GET", f"/threads/{thread}{path}")[0] == 404, path
    assert status("POST", f"/threads/{thread}/runs/{unknown}/cancel")[0] == 404
    code, detail = status(
        "POST",
        f"/threads/{thread}/runs/wait",
        json={"assistant_id": "agent", "command": {"resume": "yes"}},
    )
    assert code == 409 and "nothing to resume" in detail
    code, detail = status(
        "POST", "/runs/wait", json={"assistant_id": "agent", "command": {"resume": 1}}
    )
    assert code == 400 and "thread_id" in detail
    code, detail = status(
        "POST", f"/threads/{thread}/runs/stream", json={**run, "stream_mode": "bogus"}
    )
    assert code == 422 and "stream_mode" in detail
    code, detail = status(
        "POST", f"/threads/{thread}/runs/wait", json={**run, "context": {"max_steps": "x"}}
    )
    assert code == 422 and "context.max_steps" in detail
    code, detail = status(
        "POST", f"/threads/{thread}/runs/wait", json={**run, "interrupt_before": ["nowhere"]}
    )
    assert code == 422 and "nowhere" in detail
    code, _ = status(
        "POST",
        f"/threads/{thread}/runs/wait",
        json={**run, "input": {"messages": [{"role": "user"}]}},
    )
    assert code == 422
    # Another key's thread does not exist for it: no run, no state, no record.
    other = httpx.Client(base_url=server.url, headers={"x-api-key": OTHER_KEY}, timeout=30)
    assert other.post(f"/threads/{thread}/runs/wait", json=run).status_code == 404
    assert other.post(f"/threads/{thread}/runs", json=run).status_code == 404
    assert other.get(f"/threads/{thread}/transcript").status_code == 404
    assert other.post("/threads/search", json={"ids": [thread]}).json() == []
    assert client.runs.list(thread) == []  # nothing was stored by any of these
    # Both ways of sending a key work; a wrong key is 401.
    bearer = httpx.get(f"{server.url}/threads/{thread}", headers={"Authorization": f"Bearer {KEY}"})
    assert bearer.status_code == 200
    assert (
        httpx.get(f"{server.url}/threads/{thread}", headers={"x-api-key": "wrong"}).status_code
        == 401
    )
    assert httpx.get(f"{server.url}/threads/{thread}").status_code == 401


async def test_an_interrupt_before_a_node_is_resumed_and_the_thread_says_so(
    server: ServerProcess,
) -> None:
    client = get_client(url=server.url, api_key=KEY)
    thread = (await client.threads.create())["thread_id"]
    await client.runs.wait(thread, "agent", input=CALC, interrupt_before=["call-tool"])
    assert (await client.threads.get(thread))["status"] == "interrupted"
    state = await client.threads.get_state(thread)
    assert state["next"] == ["call-tool"]
    values = await client.runs.wait(thread, graph_assistant_id("agent"), command={"resume": "go"})
    assert values["messages"][-1]["content"] == "23*19 is 437."  # type: ignore[index]
    assert (await client.threads.get(thread))["status"] == "idle"
    await client.aclose()


# --- restarts and replicas -----------------------------------------------------------------------


def test_background_runs_survive_a_restart(stub: StubLLM, tmp_path: Path) -> None:
    """The running run is marked interrupted (its question kept); the queued one runs after the
    restart."""
    env = {
        "TOOLLOOM_LLM_BASE_URL": stub.base_url,
        "TOOLLOOM_LLM_MODEL": "stub",
        "TOOLLOOM_API_KEYS": KEYS,
    }
    first = ServerProcess(tmp_path, **env).start()
    try:
        client = sdk(first)
        thread = client.threads.create()["thread_id"]
        stub.script[:] = [{"content": "never sent", "delay": 30}]
        running = client.runs.create(thread, "agent", input=SLOW)
        assert wait_status(client, thread, running["run_id"], {"running"}) == "running"
        queued = client.runs.create(thread, "agent", input=HELLO)
        time.sleep(0.3)  # the model has the first request
    finally:
        first.stop(signal.SIGTERM)
    stub.script.clear()
    second = ServerProcess(tmp_path, db=first.db, **env).start()
    try:
        client = sdk(second)
        assert wait_status(client, thread, queued["run_id"], {"success", "error"}) == "success"
        stopped = client.runs.get(thread, running["run_id"])
        assert stopped["status"] == "interrupted"
        transcript = httpx.get(
            f"{second.url}/threads/{thread}/transcript", headers={"x-api-key": KEY}
        ).json()
        assert [m["content"] for m in transcript["messages"]] == [
            "Say hello slowly", "Say hello", "Hello from the stub."
        ]  # fmt: skip
    finally:
        second.stop()


def test_a_pending_run_of_a_dead_replica_is_picked_up_by_another(
    stub: StubLLM, tmp_path: Path, postgres_url: str
) -> None:
    env = {
        "TOOLLOOM_LLM_BASE_URL": stub.base_url,
        "TOOLLOOM_LLM_MODEL": "stub",
        "TOOLLOOM_API_KEYS": KEYS,
        "TOOLLOOM_DATABASE_URL": postgres_url,
        "TOOLLOOM_RUN_LEASE": "3",
    }
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = ServerProcess(tmp_path / "a", TOOLLOOM_REPLICA_ID="replica-a", **env).start()
    b = ServerProcess(tmp_path / "b", TOOLLOOM_REPLICA_ID="replica-b", **env).start()
    try:
        client, other = sdk(a), sdk(b)
        # A cancel answered by replica B stops the run replica A runs.
        stub.script[:] = [{"content": "never sent", "delay": 30}]
        first = client.threads.create()["thread_id"]
        doomed = client.runs.create(first, "agent", input=SLOW)
        assert wait_status(client, first, doomed["run_id"], {"running"}) == "running"
        other.runs.cancel(first, doomed["run_id"])
        assert wait_status(client, first, doomed["run_id"], {"interrupted"}, 10) == "interrupted"
        assert contents(client, first) == [("human", "Say hello slowly")]
        # Replica A dies with one run running and one pending: B takes over.
        thread = client.threads.create()["thread_id"]
        stub.script[:] = [{"content": "never sent", "delay": 30}]
        running = client.runs.create(thread, "agent", input=SLOW)
        assert wait_status(client, thread, running["run_id"], {"running"}) == "running"
        queued = client.runs.create(thread, "agent", input=HELLO)
        a.stop(signal.SIGKILL)
        stub.script.clear()
        assert wait_status(other, thread, queued["run_id"], {"success"}, timeout=45) == "success"
        assert other.runs.get(thread, running["run_id"])["status"] == "interrupted"
        assert contents(other, thread)[-1] == ("ai", "Hello from the stub.")
    finally:
        a.stop()
        b.stop()
