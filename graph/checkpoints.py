"""The checkpointer (SQLite file, or PostgreSQL when scaled out), with strict deserialisation.

LangGraph's serializer revives any Python type named in a checkpoint unless told otherwise: a
checkpoint file that someone else could write would then run their code on load. toolloom's
saver only revives the types in ``SAFE_MSGPACK_TYPES`` (datetimes, UUIDs, LangChain messages, ...),
which is what ``LANGGRAPH_STRICT_MSGPACK=true`` does, set here explicitly so it does not depend on
an environment variable being set before LangGraph is imported.

On PostgreSQL the saver is LangGraph's ``AsyncPostgresSaver`` on a ``psycopg_pool`` pool
(autocommit, no prepared statements, dict rows, each connection checked before use so a restart of
PostgreSQL heals by itself); while PostgreSQL is away its calls raise ``DatabaseUnavailable``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, overload

from langgraph._internal._constants import CONFIG_KEY_DURABILITY
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.store.base import BaseStore
from psycopg import AsyncConnection, AsyncCursor
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

from graph.databases import PoolOptions, is_postgres_url, is_unavailable, libpq_url, unavailable

SETUP_LOCK_KEY = 7_318_204_114  # replicas starting together run the saver's setup() one at a time
SETUP_LOCK_WAIT = 120.0  # seconds a starting replica waits for another's setup() before giving up


async def _setup_locked(saver: AsyncPostgresSaver, lock: AsyncConnection[Any]) -> None:
    """Run ``saver.setup()`` under the advisory lock, taken by polling ``pg_try_advisory_lock``.

    Not ``pg_advisory_lock``: LangGraph's migrations run ``CREATE INDEX CONCURRENTLY``, which
    waits for every transaction open in the database, and a replica blocked inside
    ``pg_advisory_lock`` is one. The holder's index build then waited for the waiter, the waiter
    for the holder's lock, and PostgreSQL could not see the cycle (the holder's lock and its
    index build are on two connections): the waiter's statement timeout ended it, and that
    replica failed to start (three replicas started together on an empty database). A replica
    that polls holds no transaction between its tries."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETUP_LOCK_WAIT
    delay = 0.05
    while True:
        row = await (
            await lock.execute("SELECT pg_try_advisory_lock(%s)", (SETUP_LOCK_KEY,))
        ).fetchone()
        if row and row[0]:
            break
        if loop.time() > deadline:
            raise TimeoutError(
                f"another replica held the checkpoint setup lock for {SETUP_LOCK_WAIT:.0f} s"
            )
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.5)
    await saver.setup()  # the lock goes with the connection


def strict_serde() -> JsonPlusSerializer:
    """Msgpack revival limited to LangGraph's safe list; no pickle; no JSON-module revival."""
    return JsonPlusSerializer(pickle_fallback=False, allowed_msgpack_modules=None)


class PostgresSaver(AsyncPostgresSaver):
    """LangGraph's AsyncPostgresSaver whose connection failures raise ``DatabaseUnavailable``."""

    @contextlib.asynccontextmanager
    async def _cursor(self, *, pipeline: bool = False) -> AsyncIterator[AsyncCursor[DictRow]]:
        try:
            async with super()._cursor(pipeline=pipeline) as cursor:
                yield cursor
        except Exception as error:
            if is_unavailable(error):
                raise unavailable(error) from error
            raise


@overload
def open_checkpointer(
    target: Path, *, pool: PoolOptions | None = None, pool_size: int = 3
) -> contextlib.AbstractAsyncContextManager[AsyncSqliteSaver]: ...


@overload
def open_checkpointer(
    target: str, *, pool: PoolOptions | None = None, pool_size: int = 3
) -> contextlib.AbstractAsyncContextManager[BaseCheckpointSaver[Any]]: ...


def open_checkpointer(
    target: Path | str, *, pool: PoolOptions | None = None, pool_size: int = 3
) -> contextlib.AbstractAsyncContextManager[BaseCheckpointSaver[Any]]:
    """The saver for a SQLite file (a ``Path``) or a ``postgresql://`` URL, set up and with the
    strict serde. ``pool`` (timeouts) and ``pool_size`` (most connections) apply to PostgreSQL
    only. The server opens it from its settings with
    :func:`server.storage.store.open_checkpoints`."""
    if is_postgres_url(target):
        return _open_postgres(str(target), pool or PoolOptions(), pool_size)
    return _open_sqlite(Path(str(target).removeprefix("sqlite:///")))


@contextlib.asynccontextmanager
async def _open_sqlite(path: Path) -> AsyncIterator[AsyncSqliteSaver]:
    path.parent.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(str(path)) as saver:
        saver.serde = strict_serde()
        await saver.setup()
        yield saver


@contextlib.asynccontextmanager
async def _open_postgres(url: str, options: PoolOptions, size: int) -> AsyncIterator[PostgresSaver]:
    server_options = "-c timezone=UTC"
    if options.statement_timeout:
        server_options += f" -c statement_timeout={int(options.statement_timeout * 1000)}"
    connect: dict[str, Any] = {
        "connect_timeout": options.connect_timeout,
        "options": server_options,
    }
    pool: AsyncConnectionPool[AsyncConnection[DictRow]] = AsyncConnectionPool(
        libpq_url(url),
        min_size=1,
        max_size=size,
        open=False,
        timeout=options.pool_timeout,
        kwargs={
            "autocommit": True,
            "prepare_threshold": 0,
            "row_factory": dict_row,
            "application_name": "toolloom-checkpoints",
            **connect,
        },
        check=AsyncConnectionPool.check_connection,
        name="toolloom-checkpoints",
    )
    try:
        await pool.open(wait=True, timeout=options.connect_timeout + options.pool_timeout)
        saver = PostgresSaver(pool, serde=strict_serde())
        async with await AsyncConnection.connect(
            libpq_url(url), autocommit=True, **connect
        ) as lock:
            await _setup_locked(saver, lock)
    except Exception as error:
        await pool.close()
        if is_unavailable(error):
            raise unavailable(error) from error
        raise
    try:
        yield saver
    finally:
        await pool.close()


def compile_checkpointed(
    builder: StateGraph[Any, Any, Any, Any],
    checkpointer: BaseCheckpointSaver[Any],
    store: BaseStore | None = None,
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """The graph as the server runs it: one checkpoint per run, written when the run ends
    (normally or with an error), instead of one per step. A turn with a tool call took 22 ms of
    graph time instead of 13 ms on a 2-core machine. The server's transcript records the user's
    message when a run starts, so a crash mid-run loses nothing that was sent. ``store``: the
    long-term memory store the nodes read as ``Runtime.store``."""
    return builder.compile(checkpointer=checkpointer, store=store, name="toolloom").with_config(
        configurable={CONFIG_KEY_DURABILITY: "exit"}
    )


async def prune_checkpoints(saver: BaseCheckpointSaver[Any], thread_id: str, keep: int) -> int:
    """Delete all but the newest ``keep`` checkpoints of a thread (and their pending writes; on
    PostgreSQL also the channel blobs no kept checkpoint refers to).

    LangGraph keeps every checkpoint of every thread; each holds the whole working state, so a
    long thread's file grew by the size of the window on every turn. The transcript keeps the
    conversation; old checkpoints only serve time travel in Studio. Returns how many were deleted.
    """
    if keep <= 0:
        return 0
    if isinstance(saver, AsyncPostgresSaver):
        return await _prune_postgres(saver, thread_id, keep)
    if not isinstance(saver, AsyncSqliteSaver):
        raise TypeError(f"cannot prune checkpoints of a {type(saver).__name__}")
    async with saver.lock:
        cursor = await saver.conn.execute(
            "SELECT checkpoint_id FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = '' "
            "ORDER BY checkpoint_id DESC LIMIT 1 OFFSET ?",
            (thread_id, keep - 1),
        )
        row = await cursor.fetchone()
        if row is None:
            return 0
        oldest_kept = row[0]
        deleted = await saver.conn.execute(
            "DELETE FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = '' AND checkpoint_id < ?",
            (thread_id, oldest_kept),
        )
        await saver.conn.execute(
            "DELETE FROM writes WHERE thread_id = ? AND checkpoint_ns = '' AND checkpoint_id < ?",
            (thread_id, oldest_kept),
        )
        await saver.conn.commit()
        return int(deleted.rowcount or 0)


@contextlib.asynccontextmanager
async def _connection(saver: AsyncPostgresSaver) -> AsyncIterator[AsyncConnection[Any]]:
    if isinstance(saver.conn, AsyncConnectionPool):
        async with saver.conn.connection() as conn:
            yield conn
    else:  # one connection: share it under the saver's lock
        async with saver.lock:
            yield saver.conn


async def _prune_postgres(saver: AsyncPostgresSaver, thread_id: str, keep: int) -> int:
    """The same cut as on SQLite, in one transaction. Blobs (``checkpoint_blobs``) are shared
    between checkpoints by channel version, so only those the deleted checkpoints named and no
    kept one names go."""
    try:
        async with (
            _connection(saver) as conn,
            conn.transaction(),
            conn.cursor(row_factory=dict_row) as cur,
        ):
            await cur.execute(
                "SELECT checkpoint_id FROM checkpoints WHERE thread_id = %s AND checkpoint_ns = '' "
                "ORDER BY checkpoint_id DESC LIMIT 1 OFFSET %s",
                (thread_id, keep - 1),
            )
            row = await cur.fetchone()
            if row is None:
                return 0
            await cur.execute(
                "SELECT checkpoint_ns, checkpoint_id FROM checkpoints WHERE thread_id = %s "
                "AND checkpoint_ns = '' AND checkpoint_id < %s",
                (thread_id, row["checkpoint_id"]),
            )
            return await _delete_postgres(cur, thread_id, await cur.fetchall())
    except Exception as error:
        if is_unavailable(error):
            raise unavailable(error) from error
        raise


async def _delete_postgres(
    cur: AsyncCursor[DictRow], thread_id: str, doomed: Sequence[DictRow]
) -> int:
    """Delete these checkpoints of the thread (rows of ``checkpoint_ns``, ``checkpoint_id``) with
    their writes, and the blobs no remaining checkpoint names. Returns how many went."""
    freed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in doomed:
        key = (thread_id, row["checkpoint_ns"], row["checkpoint_id"])
        await cur.execute(
            "DELETE FROM checkpoint_writes WHERE thread_id = %s AND checkpoint_ns = %s "
            "AND checkpoint_id = %s",
            key,
        )
        await cur.execute(
            "DELETE FROM checkpoints WHERE thread_id = %s AND checkpoint_ns = %s "
            "AND checkpoint_id = %s RETURNING checkpoint -> 'channel_versions' AS versions",
            key,
        )
        for deleted in await cur.fetchall():
            for channel, version in (deleted["versions"] or {}).items():
                freed[(row["checkpoint_ns"], channel)].add(str(version))
    if freed:
        await cur.execute(
            "SELECT DISTINCT c.checkpoint_ns AS ns, v.key AS channel, v.value AS version "
            "FROM checkpoints c "
            "CROSS JOIN LATERAL jsonb_each_text(c.checkpoint -> 'channel_versions') v "
            "WHERE c.thread_id = %s",
            (thread_id,),
        )
        for kept in await cur.fetchall():
            freed[(kept["ns"], kept["channel"])].discard(kept["version"])
        for (ns, channel), versions_left in freed.items():
            if versions_left:
                await cur.execute(
                    "DELETE FROM checkpoint_blobs WHERE thread_id = %s "
                    "AND checkpoint_ns = %s AND channel = %s AND version = ANY(%s)",
                    (thread_id, ns, channel, sorted(versions_left)),
                )
    return len(doomed)


async def delete_run_checkpoints(
    saver: BaseCheckpointSaver[Any], thread_id: str, run_ids: Sequence[str]
) -> int:
    """Delete the checkpoints (and their writes, and on PostgreSQL the blobs nothing else names)
    that the given runs wrote on the thread: what a rolled-back run leaves behind. A run's
    checkpoints carry its id in their metadata (``config["metadata"]["run_id"]``).

    LangGraph's SQLite and PostgreSQL savers lack ``adelete_for_runs``. Returns how many
    checkpoints were deleted."""
    if isinstance(saver, AsyncPostgresSaver):
        try:
            async with (
                _connection(saver) as conn,
                conn.transaction(),
                conn.cursor(row_factory=dict_row) as cur,
            ):
                await cur.execute(
                    "SELECT checkpoint_ns, checkpoint_id FROM checkpoints WHERE thread_id = %s "
                    "AND metadata ->> 'run_id' = ANY(%s)",
                    (thread_id, list(run_ids)),
                )
                return await _delete_postgres(cur, thread_id, await cur.fetchall())
        except Exception as error:
            if is_unavailable(error):
                raise unavailable(error) from error
            raise
    if isinstance(saver, AsyncSqliteSaver):
        deleted = 0
        async with saver.lock:
            for run_id in run_ids:
                cursor = await saver.conn.execute(
                    "SELECT checkpoint_ns, checkpoint_id FROM checkpoints WHERE thread_id = ? "
                    "AND json_extract(CAST(metadata AS TEXT), '$.run_id') = ?",
                    (thread_id, run_id),
                )
                for ns, checkpoint_id in list(await cursor.fetchall()):
                    key = (thread_id, ns, checkpoint_id)
                    await saver.conn.execute(
                        "DELETE FROM writes WHERE thread_id = ? AND checkpoint_ns = ? "
                        "AND checkpoint_id = ?",
                        key,
                    )
                    await saver.conn.execute(
                        "DELETE FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? "
                        "AND checkpoint_id = ?",
                        key,
                    )
                    deleted += 1
            await saver.conn.commit()
        return deleted
    raise TypeError(f"cannot delete the runs' checkpoints of a {type(saver).__name__}")


async def copy_thread_checkpoints(
    saver: BaseCheckpointSaver[Any], source: str, target: str
) -> None:
    """Copy every checkpoint of ``source`` (with writes and blobs) to the new thread ``target``
    (LangGraph's SQLite and PostgreSQL savers have no ``acopy_thread``)."""
    if isinstance(saver, AsyncPostgresSaver):
        try:
            async with _connection(saver) as conn, conn.transaction(), conn.cursor() as cur:
                await cur.execute(
                    "INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, "
                    "parent_checkpoint_id, type, checkpoint, metadata) SELECT %s, checkpoint_ns, "
                    "checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata "
                    "FROM checkpoints WHERE thread_id = %s",
                    (target, source),
                )
                await cur.execute(
                    "INSERT INTO checkpoint_blobs (thread_id, checkpoint_ns, channel, version, "
                    "type, blob) SELECT %s, checkpoint_ns, channel, version, type, blob "
                    "FROM checkpoint_blobs WHERE thread_id = %s",
                    (target, source),
                )
                await cur.execute(
                    "INSERT INTO checkpoint_writes (thread_id, checkpoint_ns, checkpoint_id, "
                    "task_id, idx, channel, type, blob, task_path) SELECT %s, checkpoint_ns, "
                    "checkpoint_id, task_id, idx, channel, type, blob, task_path "
                    "FROM checkpoint_writes WHERE thread_id = %s",
                    (target, source),
                )
        except Exception as error:
            if is_unavailable(error):
                raise unavailable(error) from error
            raise
        return
    if isinstance(saver, AsyncSqliteSaver):
        async with saver.lock:
            await saver.conn.execute(
                "INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, "
                "parent_checkpoint_id, type, checkpoint, metadata) SELECT ?, checkpoint_ns, "
                "checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata "
                "FROM checkpoints WHERE thread_id = ?",
                (target, source),
            )
            await saver.conn.execute(
                "INSERT INTO writes (thread_id, checkpoint_ns, checkpoint_id, task_id, "
                "task_path, idx, channel, type, value) SELECT ?, checkpoint_ns, checkpoint_id, "
                "task_id, task_path, idx, channel, type, value FROM writes WHERE thread_id = ?",
                (target, source),
            )
            await saver.conn.commit()
        return
    raise TypeError(f"cannot copy the checkpoints of a {type(saver).__name__}")
