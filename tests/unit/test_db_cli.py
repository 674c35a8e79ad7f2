"""``toolloom db upgrade`` and ``toolloom db copy`` against a real PostgreSQL: a SQLite
installation moves up (threads with their latest checkpoint and pending writes, transcript, runs,
keys, usage), a copied thread continues on PostgreSQL, and copying again copies nothing twice."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import psycopg
import pytest
from langchain_core.messages import HumanMessage
from typer.testing import CliRunner

from graph.builder import build_graph
from graph.checkpoints import compile_checkpointed, open_checkpointer
from harness.fakes import ScriptedChatModel
from server.cli import app
from server.storage import migrations
from server.storage.store import Store
from tests.unit.test_migrations import _make_old_database


async def _sqlite_installation(path: Path) -> None:
    """Two turns on thread 'moved', a checkpoint with a pending write on thread 'pending', a key
    and usage, as a SQLite server leaves them."""
    store = Store(path)
    try:
        store.keys.create_key("alice")
        store.usage.add_usage(
            "alice", error=False, prompt_tokens=5, completion_tokens=7, tool_calls=1
        )
        async with open_checkpointer(path) as saver:
            graph = compile_checkpointed(build_graph(ScriptedChatModel(default="sure"), []), saver)
            for thread in ("moved", "pending"):
                store.threads.claim_thread(thread, "alice")
                for text in ("first", "second"):
                    given = [HumanMessage(text, id=f"{thread}-{text}")]
                    run = store.runs.start_run(thread, given)
                    state = await graph.ainvoke(
                        {"messages": given}, {"configurable": {"thread_id": thread}}
                    )
                    store.runs.finish_run(run, thread, state["messages"])
            latest = await saver.aget_tuple({"configurable": {"thread_id": "pending"}})
            assert latest is not None
            await saver.aput_writes(latest.config, [("note", "half-done")], "task-1")
    finally:
        store.close()


def _copy(source: Path, url: str) -> str:
    result = CliRunner().invoke(app, ["db", "copy", "--from", str(source), "--to", url])
    assert result.exit_code == 0, result.output
    return result.stdout


async def _continue_on_postgres(url: str) -> None:
    """The copied thread's state on PostgreSQL, and one more turn on it."""
    store = Store(url)
    try:
        async with open_checkpointer(url) as saver:
            pending = await saver.aget_tuple({"configurable": {"thread_id": "pending"}})
            assert pending is not None
            assert [(w[1], w[2]) for w in pending.pending_writes or []] == [("note", "half-done")]
            graph = compile_checkpointed(build_graph(ScriptedChatModel(default="on pg"), []), saver)
            config: Any = {"configurable": {"thread_id": "moved"}}
            state = await graph.aget_state(config)
            assert [m.content for m in state.values["messages"]] == [
                "first",
                "sure",
                "second",
                "sure",
            ]
            given = [HumanMessage("third", id="moved-third")]
            run = store.runs.start_run("moved", given)
            after = await graph.ainvoke({"messages": given}, config)
            store.runs.finish_run(run, "moved", after["messages"])
        assert [m.content for m in store.transcript.messages("moved")][-2:] == ["third", "on pg"]
        assert [m.seq for m in store.transcript.messages("moved")] == list(range(6))
    finally:
        store.close()


def test_copy_moves_an_installation_up_and_the_thread_goes_on(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "toolloom.db"
    asyncio.run(_sqlite_installation(source))

    first = _copy(source, postgres_url)
    assert (
        "2 of 2 threads' transcripts (8 messages, 4 runs), 2 checkpoints (1 pending writes)"
        in first
    )
    assert "1 keys, 1 usage rows" in first
    again = _copy(source, postgres_url)
    assert "0 of 2 threads' transcripts (0 messages, 0 runs), 0 checkpoints" in again
    assert "0 keys, 0 usage rows" in again

    store = Store(postgres_url)
    try:
        assert store.threads.get_thread("moved", "alice").message_count == 4
        assert [m.content for m in store.transcript.messages("moved")] == [
            "first",
            "sure",
            "second",
            "sure",
        ]
        assert list(store.keys.active_key_hashes().values()) == ["alice"]
        [usage] = store.usage.days("alice")
        assert (usage.requests, usage.prompt_tokens, usage.completion_tokens) == (1, 5, 7)
        run = store.runs.last_run("moved")
        assert run is not None and run.status == "success"
    finally:
        store.close()
    asyncio.run(_continue_on_postgres(postgres_url))
    with psycopg.connect(postgres_url) as conn:  # one row per message, never two
        assert conn.execute("SELECT count(*) FROM tl_messages").fetchone() == (10,)


def test_copy_refuses_bad_input_clearly(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(
        app, ["db", "copy", "--from", str(tmp_path / "none.db"), "--to", "postgresql://x@h/d"]
    )
    assert missing.exit_code == 2 and "no SQLite database at" in missing.output
    (tmp_path / "a.db").touch()
    wrong = runner.invoke(
        app, ["db", "copy", "--from", str(tmp_path / "a.db"), "--to", "mysql://h"]
    )
    assert wrong.exit_code == 2 and "must be a postgresql://" in wrong.output


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_db_upgrade_migrates_an_old_database(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TOOLLOOM_DATABASE_URL", raising=False)
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        monkeypatch.setenv("TOOLLOOM_DB", str(tmp_path / "old.db"))
    else:
        url = request.getfixturevalue("postgres_url")
        monkeypatch.setenv("TOOLLOOM_DATABASE_URL", url)
    _make_old_database(url)
    runner = CliRunner()
    first = runner.invoke(app, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert f"upgraded from no revision to revision {migrations.head()}" in first.stdout
    second = runner.invoke(app, ["db", "upgrade"])
    assert f"already at revision {migrations.head()}" in second.stdout
    store = Store(url)
    try:
        assert [m.content for m in store.transcript.messages("old")] == ["hello", "hi!"]
    finally:
        store.close()


def test_db_upgrade_says_when_postgres_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.pg import free_port

    monkeypatch.setenv("TOOLLOOM_DATABASE_URL", f"postgresql://x@127.0.0.1:{free_port()}/db")
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "toolloom: the database is unavailable (connection failed" in result.output
