"""``toolloom db copy``: move a SQLite installation into PostgreSQL.

Copies every thread (its latest checkpoint with its pending writes, its transcript and its runs),
the API keys and the usage rows from the SQLite file into a PostgreSQL database, which is migrated
and set up first. Idempotent: a thread whose transcript (or checkpoint) is already in PostgreSQL
is left alone, keys go by name and usage by key and day, so running the copy again copies nothing
twice, and a copy cut off half-way finishes on the next run. Each thread's transcript goes in one
transaction. Stop the SQLite server before copying: what it writes meanwhile is not copied.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from graph.checkpoints import open_checkpointer
from graph.databases import PoolOptions, is_postgres_url
from server.storage.store import Store


@dataclass
class CopyReport:
    """What one copy added (everything else was there already)."""

    threads: int = 0
    """Threads seen in the SQLite file."""
    transcripts: int = 0
    """Threads whose transcript and runs were added."""
    messages: int = 0
    runs: int = 0
    checkpoints: int = 0
    """Threads whose latest checkpoint was added."""
    pending_writes: int = 0
    keys: int = 0
    usage_rows: int = 0


Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each thread."""


async def copy_checkpoint(
    source: BaseCheckpointSaver[Any], target: BaseCheckpointSaver[Any], thread_id: str
) -> int | None:
    """Copy the thread's latest checkpoint (root namespace) and its pending writes, unless the
    target has a checkpoint of the thread already. Returns how many writes (None: nothing copied)."""
    config: Any = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
    if await target.aget_tuple(config) is not None:
        return None
    latest = await source.aget_tuple(config)
    if latest is None:
        return None
    checkpoint = latest.checkpoint
    saved = await target.aput(
        config,  # no parent: the older checkpoints stay behind
        checkpoint,
        latest.metadata,
        dict(checkpoint["channel_versions"]),
    )
    by_task: dict[str, list[tuple[str, Any]]] = {}
    for task_id, channel, value in latest.pending_writes or []:
        by_task.setdefault(task_id, []).append((channel, value))
    for task_id, writes in by_task.items():
        await target.aput_writes(saved, writes, task_id)
    return sum(len(writes) for writes in by_task.values())


def copy_to_postgres(source: Path, target_url: str, progress: Progress | None = None) -> CopyReport:
    """Copy the SQLite installation at ``source`` into the PostgreSQL database ``target_url``.
    Raises ValueError for a target that is not a PostgreSQL URL, FileNotFoundError for a missing
    source, DatabaseUnavailable when PostgreSQL cannot be reached."""
    if not is_postgres_url(target_url):
        raise ValueError("the target must be a postgresql://user:password@host:port/name URL")
    if not source.is_file():
        raise FileNotFoundError(f"no SQLite database at {source}")
    return asyncio.run(_copy(source, target_url, progress))


async def _copy(source: Path, target_url: str, progress: Progress | None) -> CopyReport:
    report = CopyReport()
    pool = PoolOptions(pool_size=2, max_overflow=0, statement_timeout=0)
    old, new = Store(source), Store(target_url, pool=pool)
    try:
        async with (
            open_checkpointer(source) as old_saver,
            open_checkpointer(target_url, pool=pool, pool_size=2) as new_saver,
        ):
            threads = old.transfer.thread_ids()
            report.threads = len(threads)
            for done, thread_id in enumerate(threads, 1):
                writes = await copy_checkpoint(old_saver, new_saver, thread_id)
                if writes is not None:
                    report.checkpoints += 1
                    report.pending_writes += writes
                exported = old.transfer.export_thread(thread_id)
                if exported is not None and new.transfer.import_thread(*exported):
                    report.transcripts += 1
                    report.messages += len(exported[1])
                    report.runs += len(exported[2])
                if progress is not None:
                    progress(done, len(threads))
        report.keys = new.transfer.import_keys(old.keys.list_keys())
        report.usage_rows = new.transfer.import_usage(old.usage.days())
    finally:
        old.close()
        new.close()
    return report
