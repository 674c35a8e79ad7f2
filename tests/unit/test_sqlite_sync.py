"""How hard a SQLite commit waits for the disk (TOOLLOOM_DB_SYNC, graph/databases.py) and the
SQLite checkpointer's synchronous fast path (graph/checkpoints.py: ``SqliteCheckpoints``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.base import empty_checkpoint

from graph.checkpoints import SqliteCheckpoints, open_checkpointer, prune_checkpoints
from graph.databases import PoolOptions, sqlite_pragmas

NORMAL, FULL = 1, 2  # PRAGMA synchronous answers a number


def test_only_normal_or_full() -> None:
    assert "PRAGMA synchronous=FULL" in sqlite_pragmas("full")
    assert "PRAGMA journal_mode=WAL" in sqlite_pragmas("normal")
    with pytest.raises(ValueError):
        sqlite_pragmas("off")


@pytest.mark.parametrize(("sync", "level"), [("normal", NORMAL), ("full", FULL)])
async def test_both_connections_take_the_setting(tmp_path: Path, sync: str, level: int) -> None:
    async with open_checkpointer(tmp_path / "c.db", pool=PoolOptions(sqlite_sync=sync)) as saver:
        assert isinstance(saver, SqliteCheckpoints)
        async with saver.conn.execute("PRAGMA synchronous") as cursor:
            assert (await cursor.fetchone()) == (level,)
        assert saver.direct.conn.execute("PRAGMA synchronous").fetchone() == (level,)


async def test_what_one_connection_writes_the_other_reads(tmp_path: Path) -> None:
    """Writes go through the synchronous connection; history and deletes through aiosqlite."""
    async with open_checkpointer(tmp_path / "c.db") as saver:
        config: Any = {"configurable": {"thread_id": "t", "checkpoint_ns": ""}}
        for step in range(4):
            checkpoint = empty_checkpoint()
            config = await saver.aput(config, checkpoint, {"step": step}, {})
            await saver.aput_writes(config, [("messages", step)], "task")
        latest = await saver.aget_tuple({"configurable": {"thread_id": "t"}})
        assert latest is not None and latest.metadata["step"] == 3
        assert latest.pending_writes == [("task", "messages", 3)]
        history = [c async for c in saver.alist({"configurable": {"thread_id": "t"}})]
        assert len(history) == 4
        assert await prune_checkpoints(saver, "t", keep=2) == 2
        assert len([c async for c in saver.alist({"configurable": {"thread_id": "t"}})]) == 2
        await saver.adelete_thread("t")
        assert await saver.aget_tuple({"configurable": {"thread_id": "t"}}) is None
