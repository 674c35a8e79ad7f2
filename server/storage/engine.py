"""The database behind toolloom's own tables: a SQLite file (the default, one process) or
PostgreSQL (``TOOLLOOM_DATABASE_URL``, psycopg 3 through SQLAlchemy, shared by every replica),
migrated to the newest Alembic revision on open; sessions whose connection failures surface as
:class:`~graph.databases.DatabaseUnavailable` (the API answers 503). The errors the stores raise
live here too."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from sqlalchemy import event, func, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from graph.checkpoints import open_checkpointer
from graph.databases import (
    PoolOptions,
    display_url,
    is_postgres_url,
    is_unavailable,
    sqlalchemy_url,
    unavailable,
)
from server.settings import Settings
from server.storage.tables import (
    utcnow,
)


def database_of(settings: Settings) -> str | Path:
    """The database the settings name: TOOLLOOM_DATABASE_URL if set, else the file TOOLLOOM_DB."""
    url = settings.database_url
    return url.get_secret_value() if url is not None else settings.db


def pool_options(settings: Settings) -> PoolOptions:
    return PoolOptions(
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        connect_timeout=settings.db_connect_timeout,
        statement_timeout=settings.db_statement_timeout,
    )


def open_checkpoints(
    settings: Settings,
) -> contextlib.AbstractAsyncContextManager[BaseCheckpointSaver[Any]]:
    """The graph's checkpointer on the database the settings name (:func:`database_of`)."""
    return open_checkpointer(
        database_of(settings),
        pool=pool_options(settings),
        pool_size=settings.db_checkpoint_pool_size,
    )


class ThreadNotFound(LookupError):
    """No such thread for this caller (it does not exist, or another key owns it)."""


class ThreadExists(ValueError):
    """A thread with that id exists already."""


class ThreadBusy(RuntimeError):
    """The thread has a pending or running run (the ``reject`` strategy, or a state update)."""


class RunNotFound(LookupError):
    """No such run on that thread (or it has ended, for a cancel)."""


def _enable_wal(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


class Database:
    """One database: the engine, its sessions, its migrations.

    ``replica_id`` names this process among the replicas sharing the database (a random UUID by
    default); runs it starts carry it, and only it renews their leases.
    """

    def __init__(
        self,
        target: Path | str,
        *,
        replica_id: str | None = None,
        pool: PoolOptions | None = None,
        migrate: bool = True,
    ) -> None:
        self.replica_id = replica_id or uuid.uuid4().hex
        if is_postgres_url(target):
            assert isinstance(target, str)
            options = pool or PoolOptions()
            server_options = "-c timezone=UTC"
            if options.statement_timeout:
                server_options += f" -c statement_timeout={int(options.statement_timeout * 1000)}"
            self.url = target
            self.engine = create_engine(
                sqlalchemy_url(target),
                pool_size=options.pool_size,
                max_overflow=options.max_overflow,
                pool_timeout=options.pool_timeout,
                pool_pre_ping=True,  # a connection broken by a restart is replaced, not used
                connect_args={
                    "connect_timeout": options.connect_timeout,
                    "options": server_options,
                    "application_name": "toolloom",
                },
            )
        else:
            path = Path(str(target).removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True)
            self.url = f"sqlite:///{path}"
            self.engine = create_engine(
                self.url, connect_args={"check_same_thread": False, "timeout": 30}
            )
            _enable_wal(self.engine)
        if migrate:
            self.migrate()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def shared(self) -> bool:
        """True when several processes may share this database (PostgreSQL)."""
        return self.dialect == "postgresql"

    def describe(self) -> str:
        """Where the data lives, without a password (for logs)."""
        return display_url(self.url)

    def migrate(self) -> None:
        """Bring toolloom's tables to the newest revision (a no-op when they are)."""
        from server.storage import migrations

        with self.errors():
            migrations.upgrade(self.engine)

    def revision(self) -> str | None:
        """The Alembic revision of toolloom's tables (None: never migrated)."""
        from server.storage import migrations

        with self.errors():
            return migrations.current(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        """Connection failures surface as :class:`DatabaseUnavailable`."""
        try:
            yield
        except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError) as error:
            if is_unavailable(error):
                raise unavailable(error) from error
            raise

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose connection failures surface as :class:`DatabaseUnavailable`."""
        with self.errors(), Session(self.engine) as session:
            yield session

    def insert(self, table: Any) -> Any:
        """INSERT with the backend's ON CONFLICT clauses (both speak the same dialect of it)."""
        return (postgresql_insert if self.shared else sqlite_insert)(table)

    def now(self) -> Any:
        """The database's clock on PostgreSQL (replicas' clocks may differ), this one's on SQLite."""
        return func.now() if self.shared else utcnow()

    def ping(self) -> None:
        """One round trip; raises DatabaseUnavailable when the database does not answer."""
        with self.session() as session:
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]
