"""The store on both backends (a SQLite file and a real PostgreSQL): atomic thread claims and
usage under concurrent writers (found by the 20-requests-on-one-thread test: a get-then-insert
race gave 500s), the transcript, runs and keys."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from graph.databases import display_url
from server.settings import load_settings
from server.storage.engine import RunNotFound, ThreadBusy, ThreadNotFound
from server.storage.store import Store
from server.storage.tables import Stopped


@pytest.fixture
def store(database_url: str) -> Store:
    opened = Store(database_url)
    yield opened  # type: ignore[misc]
    opened.close()


def test_concurrent_claims_of_a_new_thread_agree(store: Store) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        threads = list(pool.map(lambda _: store.threads.claim_thread("new", "alice"), range(64)))
    assert {t.id for t in threads} == {"new"}
    assert len(store.threads.list_threads("alice")) == 1
    with pytest.raises(ThreadNotFound):
        store.threads.claim_thread("new", "bob")


def test_concurrent_usage_counts_exactly(store: Store) -> None:
    def add(_: int) -> None:
        store.usage.add_usage(
            "alice", error=False, prompt_tokens=3, completion_tokens=2, tool_calls=1
        )

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(add, range(100)))
    [row] = store.usage.days("alice")
    assert (row.requests, row.prompt_tokens, row.completion_tokens, row.tool_calls) == (
        100,
        300,
        200,
        100,
    )


def test_usage_is_exact_across_two_stores_on_one_database(database_url: str) -> None:
    """Two replicas' stores adding to the same key and day at once."""
    first, second = Store(database_url), Store(database_url)
    try:

        def add(index: int) -> None:
            (first if index % 2 else second).usage.add_usage(
                "k", error=index % 5 == 0, prompt_tokens=1, completion_tokens=1, tool_calls=0
            )

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(add, range(60)))
        [row] = first.usage.days("k")
        assert (row.requests, row.errors) == (60, 12)
    finally:
        first.close()
        second.close()


def test_runs_and_transcript(store: Store) -> None:
    store.threads.claim_thread("t", "alice")
    user = HumanMessage("what is 2+2?", id="u1")
    run_id = store.runs.start_run("t", [user])
    running = store.runs.last_run("t")
    assert running is not None and running.status == "running"
    assert running.replica == store.replica_id and running.heartbeat_at is not None
    call = AIMessage("", id="a1", tool_calls=[{"name": "calc", "args": {"e": "2+2"}, "id": "c1"}])
    result = ToolMessage("4", tool_call_id="c1", name="calc", id="t1", artifact={"stage": "native"})
    answer = AIMessage("4", id="a2")
    store.runs.finish_run(run_id, "t", [user, call, result, answer], {"c1": "native"})
    rows = store.transcript.messages("t")
    assert [(r.seq, r.role, r.content) for r in rows] == [
        (0, "user", "what is 2+2?"),
        (1, "assistant", ""),
        (2, "tool", "4"),
        (3, "assistant", "4"),
    ]
    assert rows[2].stage == "native" and '"stage": "native"' in (rows[1].tool_calls or "")
    finished = store.runs.last_run("t")
    assert finished is not None and finished.status == "success"
    # appending the same state again adds nothing
    assert store.transcript.append_messages("t", [user, call, result, answer]) == 0
    thread = store.threads.get_thread("t", "alice")
    assert (thread.message_count, thread.title) == (4, "what is 2+2?")
    assert store.leases.counts() == (1, 4)
    store.threads.delete_thread("t", "alice")
    assert store.leases.counts() == (0, 0)
    with pytest.raises(ThreadNotFound):
        store.threads.get_thread("t", "alice")


def test_keys(store: Store) -> None:
    raw = store.keys.create_key("ops")
    with pytest.raises(ValueError, match="exists already"):
        store.keys.create_key("ops")
    assert list(store.keys.active_key_hashes().values()) == ["ops"]
    assert store.keys.revoke_key("ops") and not store.keys.revoke_key("ops")
    assert store.keys.active_key_hashes() == {}
    assert raw.startswith("tl-")


def test_mark_interrupted_at_start(store: Store) -> None:
    store.threads.claim_thread("a", "")
    store.runs.start_run("a", [HumanMessage("hi", id="h")])
    assert store.leases.mark_interrupted() == ["a"]
    run = store.runs.last_run("a")
    assert run is not None and run.status == "interrupted"


def test_the_settings_choose_the_backend(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOOLLOOM_DATABASE_URL", raising=False)
    local = Store.open(load_settings(db=tmp_path / "x.db", replica_id="one"))
    shared = Store.open(load_settings(database_url=postgres_url, db_pool_size=2))
    try:
        assert (local.db.dialect, local.shared, local.replica_id) == ("sqlite", False, "one")
        assert (shared.db.dialect, shared.shared) == ("postgresql", True)
        assert len(shared.replica_id) == 32  # a fresh UUID when TOOLLOOM_REPLICA_ID is unset
        assert shared.db.engine.pool.size() == 2  # type: ignore[attr-defined]
        assert (tmp_path / "x.db").exists()
    finally:
        local.close()
        shared.close()


def test_display_url_hides_the_password() -> None:
    assert display_url("postgresql://app:hunter2@db:5432/x") == ("postgresql://app:***@db:5432/x")


def _pending(store: Store, thread: str, strategy: str = "enqueue") -> tuple[str, list[Stopped]]:
    row, stopped = store.runs.create_run(
        thread,
        "alice",
        create=True,
        assistant_id="a",
        strategy=strategy,
        kwargs={},
        metadata={},
        thread_metadata={"graph_id": "agent"},
    )
    return row.run_id, stopped


def test_runs_of_a_thread_are_claimed_in_order_and_double_texting_is_one_transaction(
    store: Store,
) -> None:
    first, _ = _pending(store, "t")
    second, _ = _pending(store, "t")
    assert store.threads.get_thread("t", "alice").status == "busy"
    assert store.runs.claim_run(second) is None  # not the thread's next
    assert store.runs.claim_run(first) is not None
    assert store.runs.claim_run(second) is None  # the first is running
    with pytest.raises(ThreadBusy):
        _pending(store, "t", "reject")
    third, stopped = _pending(store, "t", "interrupt")
    # The running one is asked to stop (by this replica); the pending one is stopped at once.
    assert stopped == [Stopped(first, "t", store.replica_id, "interrupt")]
    assert store.runs.get_run("t", second).status == "interrupted"
    # What the replica running it reads (on PostgreSQL, when another replica took the request).
    assert store.runs.stop_requests() == [Stopped(first, "t", store.replica_id, "interrupt")]
    store.runs.finish_run(first, "t", [], status="interrupted", settled="interrupted")
    assert store.threads.get_thread("t", "alice").status == "busy"  # the third is still pending
    assert store.runs.claim_run(third) is not None
    store.runs.finish_run(third, "t", [])
    assert store.threads.get_thread("t", "alice").status == "idle"
    fourth, _ = _pending(store, "t")
    _, stopped = _pending(store, "t", "rollback")
    assert stopped == []
    with pytest.raises(RunNotFound):
        store.runs.get_run("t", fourth)  # a pending run rolled back is gone
    with pytest.raises(ThreadNotFound):
        store.runs.create_run(
            "t", "bob", create=True, assistant_id="a", strategy="enqueue", kwargs={},
            metadata={}, thread_metadata={},
        )  # fmt: skip


def test_a_rolled_back_run_takes_its_messages_with_it(store: Store) -> None:
    run, _ = _pending(store, "r")
    store.runs.claim_run(run, [HumanMessage("first", id="h1")])
    store.runs.finish_run(run, "r", [HumanMessage("first", id="h1"), AIMessage("one", id="a1")])
    doomed, _ = _pending(store, "r")
    store.runs.claim_run(doomed, [HumanMessage("second", id="h2")])
    assert store.threads.get_thread("r", "alice").message_count == 3
    store.runs.rollback_run("r", doomed)
    thread = store.threads.get_thread("r", "alice")
    assert (thread.message_count, thread.last_message_id, thread.status) == (2, "a1", "idle")
    assert [m.content for m in store.transcript.messages("r")] == ["first", "one"]
    again, _ = _pending(store, "r")
    store.runs.claim_run(again, [HumanMessage("third", id="h3")])
    assert [m.seq for m in store.transcript.messages("r")] == [0, 1, 2]


def test_another_replicas_pending_run_is_claimed_only_once_its_lease_is_stale(
    postgres_url: str,
) -> None:
    first, second = Store(postgres_url, replica_id="a"), Store(postgres_url, replica_id="b")
    try:
        run, _ = _pending(first, "x")
        assert second.runs.claimable_threads(stale=30) == []
        assert second.runs.claim_run(run, stale=30) is None
        assert second.runs.claimable_threads(stale=0) == ["x"]  # as if a's heartbeat stopped
        claimed = second.runs.claim_run(run, stale=0)
        assert claimed is not None and claimed.replica == "b" and claimed.status == "running"
    finally:
        first.close()
        second.close()
