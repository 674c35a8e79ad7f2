"""Alembic migrations of toolloom's tables, on SQLite and on a real PostgreSQL: the revisions
build exactly the models' schema, and a database made before migrations (the frozen
``create_all`` schema in tests/fixtures) is upgraded in place with its rows kept."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import psycopg
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from server.storage import agent_tables, migrations  # noqa: F401
from server.storage.store import Store
from server.storage.tables import own_metadata

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OLD_ROWS = [
    "INSERT INTO tl_threads (id, owner, title, created_at, updated_at, message_count,"
    " last_message_id) VALUES ('old', 'alice', 'hello', '2025-01-01 10:00:00',"
    " '2025-01-01 10:00:05', 2, 'm2')",
    "INSERT INTO tl_messages (thread_id, seq, message_id, role, content, created_at) VALUES"
    " ('old', 0, 'm1', 'user', 'hello', '2025-01-01 10:00:00'),"
    " ('old', 1, 'm2', 'assistant', 'hi!', '2025-01-01 10:00:05')",
    "INSERT INTO tl_runs (thread_id, status, started_at) VALUES"
    " ('old', 'running', '2025-01-01 10:00:00')",
    "INSERT INTO tl_api_keys (name, key_hash, created_at) VALUES"
    " ('ops', 'abc123', '2025-01-01 09:00:00')",
    "INSERT INTO tl_usage (key, day, requests, errors, prompt_tokens, completion_tokens,"
    " tool_calls) VALUES ('ops', '2025-01-01', 7, 1, 70, 35, 3)",
]


def _old_schema(dialect: str) -> list[str]:
    text = (FIXTURES / f"schema_v0_{dialect}.sql").read_text()
    lines = [line for line in text.splitlines() if not line.startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _make_old_database(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            for statement in _old_schema("sqlite") + OLD_ROWS:
                db.execute(statement)
        return
    with psycopg.connect(database_url, autocommit=True) as conn:
        for statement in _old_schema("postgresql") + OLD_ROWS:
            conn.execute(statement)


def test_the_revisions_build_exactly_the_models(database_url: str) -> None:
    store = Store(database_url)
    try:
        assert migrations.current(store.db.engine) == migrations.head()
        with store.db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "include_name": lambda name, kind, *_: (
                        kind != "table" or name in own_metadata().tables
                    ),
                },
            )
            assert compare_metadata(context, own_metadata()) == []
    finally:
        store.close()


def test_a_database_made_before_migrations_is_upgraded_with_its_rows(database_url: str) -> None:
    _make_old_database(database_url)
    store = Store(database_url)
    try:
        assert migrations.current(store.db.engine) == migrations.head()
        columns = {c["name"] for c in inspect(store.db.engine).get_columns("tl_runs")}
        assert {"replica", "heartbeat_at"} <= columns
        assert inspect(store.db.engine).has_table("tl_thread_leases")

        thread = store.threads.get_thread("old", "alice")
        assert (thread.title, thread.message_count) == ("hello", 2)
        assert [m.content for m in store.transcript.messages("old")] == ["hello", "hi!"]
        [usage] = store.usage.days("ops")
        assert (usage.requests, usage.errors, usage.prompt_tokens) == (7, 1, 70)
        assert list(store.keys.active_hashes().items()) == [("abc123", "ops")]
        [old_key] = store.keys.list_keys()
        assert old_key.scopes == "admin,read,runs"  # keys made before scopes keep every right
        # the old run has no heartbeat: its start time counts, so it is swept as long dead
        assert store.leases.sweep_expired_runs(30) == ["old"]
        # and the upgraded database works like a new one
        store.threads.claim_thread("new", "bob")
        store.runs.start_run("new")
        assert store.runs.last_run("new").replica == store.replica_id  # type: ignore[union-attr]
    finally:
        store.close()
    again = Store(database_url)  # opening it again changes nothing
    try:
        assert [m.content for m in again.transcript.messages("old")] == ["hello", "hi!"]
    finally:
        again.close()


def test_migrations_wait_for_the_replica_migrating_first(postgres_url: str) -> None:
    """Replicas starting together migrate one after another: the upgrade takes an advisory lock
    (held here, as a replica in the middle of its upgrade would)."""
    opened = threading.Event()

    def open_store() -> None:
        Store(postgres_url).close()
        opened.set()

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (migrations.ADVISORY_LOCK_KEY,))
        opener = threading.Thread(target=open_store)
        opener.start()
        assert not opened.wait(1.0)  # waiting for the lock
        conn.execute("SELECT pg_advisory_unlock(%s)", (migrations.ADVISORY_LOCK_KEY,))
        assert opened.wait(30)
        opener.join()
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (migrations.head(),)
        ]
