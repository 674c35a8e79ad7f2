"""SQLModel tables beside the checkpoints: threads (with their owner), the append-only transcript,
runs (with the replica that runs them), API keys (stored hashed), usage, and thread leases.

The checkpointer keeps the graph's working state; these tables keep what the API serves: who owns
a thread, every message with its time, which stage produced each tool call. One ``Store`` API on
two backends: a SQLite file (the default, one process) or PostgreSQL (``TOOLLOOM_DATABASE_URL``,
psycopg 3 through SQLAlchemy, shared by every replica). Opening a store migrates its tables to the
newest Alembic revision (``server/storage/migrations``). Calls are short, synchronous and run in a worker
thread (``asyncio.to_thread``) so the event loop never blocks on the database.

While PostgreSQL is unreachable every call raises :class:`DatabaseUnavailable` (the API answers
503); the pool checks connections before use, so calls work again once it is back.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from sqlalchemy import BigInteger, Index, MetaData, UniqueConstraint, event, func, text, update
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Field, Session, SQLModel, col, create_engine, delete, select

KEY_PREFIX = "tl-"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Thread(SQLModel, table=True):
    __tablename__ = "tl_threads"

    id: str = Field(primary_key=True, max_length=128)
    owner: str = Field(
        default="", index=True, description="Name of the API key that made it; '' without keys."
    )
    title: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    message_count: int = 0
    last_message_id: str | None = None
    status: str = Field(
        default="idle",
        max_length=16,
        description="idle, busy (a run is pending or running), interrupted (its checkpoint waits "
        "for a resume), error (its last run failed).",
    )
    metadata_json: str = Field(default="{}", description="The thread's metadata, a JSON object.")
    interrupts_json: str = Field(
        default="{}", description="The interrupts its last run left, by task id (JSON)."
    )
    state_updated_at: datetime | None = None


def new_run_id() -> str:
    return str(uuid.uuid4())


RUN_STATUSES = ("pending", "running", "success", "error", "timeout", "interrupted")
ACTIVE = ("pending", "running")
"""A thread with a run in one of these states is busy."""


class RunRow(SQLModel, table=True):
    """One run of the graph on a thread: pending (stored, waiting its turn), running, then
    success, error or interrupted (cancelled, stopped by a newer run, or its server died mid-run:
    marked at the next start on SQLite, or by any replica once the run's lease expired on
    PostgreSQL)."""

    __tablename__ = "tl_runs"

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(default_factory=new_run_id, max_length=36, unique=True, index=True)
    thread_id: str = Field(index=True, max_length=128)
    status: str = Field(default="running", index=True)
    assistant_id: str | None = Field(default=None, max_length=36)
    multitask_strategy: str | None = Field(default=None, max_length=16)
    kwargs_json: str | None = Field(
        default=None,
        description="The Agent Server request as stored (input, command, config, stream modes, "
        "...): a pending run is executed from it, here after a restart or on another replica.",
    )
    metadata_json: str = Field(default="{}")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    cancel: str | None = Field(
        default=None,
        max_length=16,
        description="A cancellation asked for while it runs (interrupt or rollback), for the "
        "replica that runs it.",
    )
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    error: str | None = Field(default=None, max_length=500)
    replica: str | None = Field(
        default=None,
        max_length=64,
        description="The replica that runs it (its TOOLLOOM_REPLICA_ID).",
    )
    heartbeat_at: datetime | None = Field(
        default=None, description="Last renewal of the run's lease by its replica."
    )
    models: str | None = Field(
        default=None,
        max_length=2000,
        description="The backend that answered each model call of the run, in order, "
        "comma-separated (models-file entry names).",
    )


class MessageRow(SQLModel, table=True):
    __tablename__ = "tl_messages"
    __table_args__ = (
        UniqueConstraint("thread_id", "message_id"),
        Index("ix_tl_messages_thread_seq", "thread_id", "seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    thread_id: str = Field(max_length=128)
    seq: int
    message_id: str
    role: str
    content: str
    tool_calls: str | None = None
    tool_call_id: str | None = None
    name: str | None = None
    status: str | None = None
    stage: str | None = None
    duration_ms: float | None = None
    model: str | None = Field(
        default=None, max_length=128, description="The backend that wrote an assistant message."
    )
    created_at: datetime = Field(default_factory=utcnow)
    run_id: str | None = Field(default=None, max_length=36, description="The run that wrote it.")


class ApiKey(SQLModel, table=True):
    __tablename__ = "tl_api_keys"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    key_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    rate_limit_rpm: int | None = Field(
        default=None, description="Requests per minute for this key; null: TOOLLOOM_RATE_LIMIT_RPM."
    )
    tokens_per_day: int | None = Field(
        default=None,
        sa_type=BigInteger,
        description="Model tokens per UTC day for this key; null: TOOLLOOM_TOKENS_PER_DAY.",
    )


class UsageDay(SQLModel, table=True):
    __tablename__ = "tl_usage"
    __table_args__ = (UniqueConstraint("key", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, description="The API key's name ('' without keys).")
    day: str = Field(max_length=10, index=True, description="UTC date, YYYY-MM-DD.")
    requests: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tool_calls: int = 0


class ThreadLease(SQLModel, table=True):
    """A thread held by one run (one run at a time per thread, across replicas). A row whose
    ``expires_at`` has passed is free: its holder died without releasing it."""

    __tablename__ = "tl_thread_leases"

    thread_id: str = Field(primary_key=True, max_length=128)
    holder: str = Field(max_length=128, description="Unique per hold: replica id and a UUID.")
    replica: str = Field(max_length=64, index=True)
    acquired_at: datetime
    expires_at: datetime


OWN_TABLES = ("tl_threads", "tl_runs", "tl_messages", "tl_api_keys", "tl_usage", "tl_thread_leases")


def own_metadata() -> MetaData:
    """toolloom's tables only (what the migrations manage)."""
    metadata = MetaData()
    for table in SQLModel.metadata.sorted_tables:
        if table.name in OWN_TABLES or table.name.startswith("tl_"):
            table.to_metadata(metadata)
    return metadata


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached (PostgreSQL down, restarting, out of connections, or a
    statement timed out). Temporary: the API answers 503 and the same call works once it is back."""


# SQLSTATEs that mean "the server is away or overloaded", beside class 08 (connection exception):
# admin/crash shutdown, cannot connect now, too many connections, statement timeout.
_UNAVAILABLE_STATES = {"57P01", "57P02", "57P03", "53300", "57014"}


def is_unavailable(error: BaseException) -> bool:
    """Whether a database error means PostgreSQL is unreachable (rather than a bad statement)."""
    import psycopg
    import psycopg_pool

    if isinstance(error, sa_exc.TimeoutError | psycopg_pool.PoolTimeout):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        error = error.orig  # type: ignore[assignment]
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        state = error.sqlstate
        return state is None or state.startswith("08") or state in _UNAVAILABLE_STATES
    return False


def unavailable(error: BaseException) -> DatabaseUnavailable:
    """The :class:`DatabaseUnavailable` for a low-level error, with a short reason."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    return DatabaseUnavailable(
        f"the database is unavailable ({reason[0][:200] if reason else type(error).__name__})"
    )


@dataclass(frozen=True)
class PoolOptions:
    """Connection pool and timeouts for PostgreSQL (see the TOOLLOOM_DB_* settings)."""

    pool_size: int = 5
    max_overflow: int = 5
    pool_timeout: float = 5.0
    connect_timeout: int = 5
    statement_timeout: float = 30.0


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.split("://", 1)[0].lower() in {
        "postgresql",
        "postgres",
        "postgresql+psycopg",
    }


def sqlalchemy_url(url: str) -> str:
    """``postgresql://...`` as SQLAlchemy's psycopg 3 URL (``postgresql+psycopg://...``)."""
    scheme, sep, rest = url.partition("://")
    if scheme.lower() in {"postgresql", "postgres"}:
        return f"postgresql+psycopg{sep}{rest}"
    return url


def libpq_url(url: str) -> str:
    """A URL psycopg accepts directly (``postgresql://...``)."""
    scheme, sep, rest = url.partition("://")
    if scheme.lower() in {"postgresql+psycopg", "postgres"}:
        return f"postgresql{sep}{rest}"
    return url


def display_url(url: str) -> str:
    """The URL without its password, for logs."""
    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True)
class UsageDelta:
    """What one request (or one run of it) adds to a key's usage row for today."""

    key: str
    requests: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    tool_calls: int


class ThreadNotFound(LookupError):
    """No such thread for this caller (it does not exist, or another key owns it)."""


class ThreadExists(ValueError):
    """A thread with that id exists already."""


class ThreadBusy(RuntimeError):
    """The thread has a pending or running run (the ``reject`` strategy, or a state update)."""


class RunNotFound(LookupError):
    """No such run on that thread (or it has ended, for a cancel)."""


@dataclass(frozen=True)
class Stopped:
    """A running run asked to stop (a cancel, or a newer run's ``interrupt`` / ``rollback``):
    the replica that runs it stops it (this one at once; another through ``tl_runs.cancel``)."""

    run_id: str
    thread_id: str
    replica: str | None
    action: str


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _role(message: BaseMessage) -> str:
    if isinstance(message, HumanMessage):
        return "user"
    if isinstance(message, AIMessage):
        return "assistant"
    if isinstance(message, ToolMessage):
        return "tool"
    if isinstance(message, SystemMessage):
        return "system"
    return message.type


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return json.dumps(content, ensure_ascii=False)


def _enable_wal(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


class Store:
    """Threads, transcript, runs, keys and usage: in a SQLite file (the checkpoints' file by
    default) or in PostgreSQL (``postgresql://...``), migrated to the newest revision on open.

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

    @classmethod
    def open(cls, settings: Any, *, migrate: bool = True) -> Store:
        """The store the settings name: PostgreSQL if TOOLLOOM_DATABASE_URL is set, else the
        SQLite file TOOLLOOM_DB."""
        url = settings.database_url.get_secret_value() if settings.database_url else None
        pool = PoolOptions(
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout,
            connect_timeout=settings.db_connect_timeout,
            statement_timeout=settings.db_statement_timeout,
        )
        return cls(url or settings.db, replica_id=settings.replica_id, pool=pool, migrate=migrate)

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

        with self._errors():
            migrations.upgrade(self.engine)

    def revision(self) -> str | None:
        """The Alembic revision of toolloom's tables (None: never migrated)."""
        from server.storage import migrations

        with self._errors():
            return migrations.current(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Connection failures surface as :class:`DatabaseUnavailable`."""
        try:
            yield
        except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError) as error:
            if is_unavailable(error):
                raise unavailable(error) from error
            raise

    @contextlib.contextmanager
    def _session(self) -> Iterator[Session]:
        """A session whose connection failures surface as :class:`DatabaseUnavailable`."""
        with self._errors(), Session(self.engine) as session:
            yield session

    def _insert(self, table: Any) -> Any:
        """INSERT with the backend's ON CONFLICT clauses (both speak the same dialect of it)."""
        return (postgresql_insert if self.shared else sqlite_insert)(table)

    def _now(self) -> Any:
        """The database's clock on PostgreSQL (replicas' clocks may differ), this one's on SQLite."""
        return func.now() if self.shared else utcnow()

    def ping(self) -> None:
        """One round trip; raises DatabaseUnavailable when the database does not answer."""
        with self._session() as session:
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]

    # --- threads ---------------------------------------------------------------------------

    def claim_thread(self, thread_id: str, owner: str) -> Thread:
        """The thread, created for ``owner`` if new; ThreadNotFound if another key owns it.

        A thread that exists is only read (no write, no fsync); a new one is made with one
        INSERT ... ON CONFLICT DO NOTHING, so concurrent first requests on it agree.
        """
        with self._session() as session:
            thread = session.get(Thread, thread_id)
            if thread is None:
                session.exec(self._new_thread(thread_id, owner))
                session.commit()
                thread = session.get(Thread, thread_id)
            if thread is None or not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            return thread

    def thread_exists(self, thread_id: str, owner: str) -> bool:
        """Whether the caller's thread exists (a read, nothing written); ThreadNotFound if another
        key owns it. A thread that does not exist yet is made by :meth:`start_run`."""
        with self._session() as session:
            thread = session.get(Thread, thread_id)
            if thread is not None and not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            return thread is not None

    def find_thread(self, thread_id: str, owner: str) -> Thread | None:
        """The caller's thread, None if there is no such thread; ThreadNotFound if another key
        owns it."""
        with self._session() as session:
            thread = session.get(Thread, thread_id)
            if thread is not None and not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            return thread

    def _new_thread(
        self, thread_id: str, owner: str, metadata: dict[str, Any] | None = None
    ) -> Any:
        now = utcnow()
        return (
            self._insert(Thread)
            .values(
                id=thread_id,
                owner=owner,
                created_at=now,
                updated_at=now,
                state_updated_at=now,
                message_count=0,
                metadata_json=json.dumps(metadata or {}),
            )
            .on_conflict_do_nothing(index_elements=["id"])
        )

    def thread_owner(self, thread_id: str) -> str | None:
        """The name of the key that owns the thread (None: no such thread)."""
        with self._session() as session:
            thread = session.get(Thread, thread_id)
            return None if thread is None else thread.owner

    def get_thread(self, thread_id: str, owner: str) -> Thread:
        with self._session() as session:
            thread = session.get(Thread, thread_id)
            if thread is None or not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            return thread

    def list_threads(self, owner: str, limit: int = 50, offset: int = 0) -> list[Thread]:
        with self._session() as session:
            query = (
                select(Thread)
                .where(Thread.owner == owner)
                .order_by(col(Thread.updated_at).desc())
                .offset(offset)
                .limit(limit)
            )
            return list(session.exec(query))

    def delete_thread(self, thread_id: str, owner: str) -> None:
        with self._session() as session:
            thread = session.get(Thread, thread_id)
            if thread is None or not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            session.exec(delete(MessageRow).where(col(MessageRow.thread_id) == thread_id))
            session.exec(delete(RunRow).where(col(RunRow.thread_id) == thread_id))
            session.delete(thread)
            session.commit()

    # --- the Agent Server API: threads ------------------------------------------------------

    def create_thread(
        self, thread_id: str, owner: str, metadata: dict[str, Any], if_exists: str = "raise"
    ) -> tuple[Thread, bool]:
        """A new thread for ``owner`` (and True), or with ``if_exists="do_nothing"`` the existing
        one unchanged (and False). ThreadExists for ``raise``; an id another key has is taken
        either way (ThreadExists: the id cannot be used)."""
        with self._session() as session:
            made = session.exec(
                self._new_thread(thread_id, owner, metadata).returning(col(Thread.id))
            ).first()
            session.commit()
            thread = session.get(Thread, thread_id)
            assert thread is not None
            if made is not None:
                return thread, True
            if if_exists == "do_nothing" and hmac.compare_digest(thread.owner, owner):
                return thread, False
            raise ThreadExists(thread_id)

    def patch_thread(self, thread_id: str, owner: str, metadata: dict[str, Any]) -> Thread:
        """Merge ``metadata`` into the thread's (new keys added, given keys replaced)."""
        with self._session() as session:
            session.exec(
                update(Thread).where(col(Thread.id) == thread_id).values(updated_at=utcnow())
            )
            thread = session.get(Thread, thread_id)
            if thread is None or not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            thread.metadata_json = json.dumps({**json.loads(thread.metadata_json), **metadata})
            session.add(thread)
            session.commit()
            session.refresh(thread)
            return thread

    def _thread_query(
        self,
        query: Any,
        owner: str,
        ids: Sequence[str] | None,
        metadata: dict[str, Any] | None,
        status: str | None,
    ) -> Any:
        query = query.where(Thread.owner == owner)
        if ids is not None:
            query = query.where(col(Thread.id).in_(list(ids)))
        if status is not None:
            query = query.where(Thread.status == status)
        for key, value in (metadata or {}).items():
            query = query.where(self._metadata_has(key, value))
        return query

    def _metadata_has(self, key: str, value: Any) -> Any:
        """``metadata[key] == value`` (JSON equality), on PostgreSQL as jsonb containment."""
        column = col(Thread.metadata_json)
        if self.shared:
            from sqlalchemy import cast
            from sqlalchemy.dialects.postgresql import JSONB

            return cast(column, JSONB).contains({key: value})
        path = "$." + json.dumps(key)
        if value is None:
            return func.json_type(column, path) == "null"
        return func.json_extract(column, path) == func.json_extract(
            json.dumps(value, separators=(",", ":")), "$"
        )

    def search_threads(
        self,
        owner: str,
        *,
        ids: Sequence[str] | None = None,
        metadata: dict[str, Any] | None = None,
        status: str | None = None,
        limit: int = 10,
        offset: int = 0,
        sort_by: str = "created_at",
        sort_order: str = "desc",
    ) -> tuple[list[Thread], int]:
        """The owner's threads matching every filter (metadata: each key equal), one page, and
        how many match in all."""
        columns = {
            "thread_id": col(Thread.id),
            "status": col(Thread.status),
            "created_at": col(Thread.created_at),
            "updated_at": col(Thread.updated_at),
            "state_updated_at": func.coalesce(col(Thread.state_updated_at), col(Thread.created_at)),
        }
        order = columns[sort_by]
        with self._session() as session:
            query = self._thread_query(select(Thread), owner, ids, metadata, status)
            query = query.order_by(
                order.desc() if sort_order == "desc" else order.asc(), col(Thread.id)
            )
            rows = list(session.exec(query.offset(offset).limit(limit)))
            total = session.exec(
                self._thread_query(
                    select(func.count()).select_from(Thread), owner, ids, metadata, status
                )
            ).one()
            return rows, int(total)

    def count_threads(
        self, owner: str, metadata: dict[str, Any] | None = None, status: str | None = None
    ) -> int:
        with self._session() as session:
            query = self._thread_query(
                select(func.count()).select_from(Thread), owner, None, metadata, status
            )
            return int(session.exec(query).one())

    def copy_thread(self, source: str, target: str, owner: str) -> Thread:
        """A new thread ``target`` with the source's metadata, title and transcript (its runs stay
        behind); the caller copies the checkpoints."""
        with self._session() as session:
            thread = session.get(Thread, source)
            if thread is None or not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(source)
            now = utcnow()
            copy = Thread(
                id=target,
                owner=owner,
                title=thread.title,
                created_at=now,
                updated_at=now,
                state_updated_at=now,
                message_count=thread.message_count,
                last_message_id=thread.last_message_id,
                metadata_json=thread.metadata_json,
                interrupts_json=thread.interrupts_json,
                status="interrupted" if thread.status == "interrupted" else "idle",
            )
            session.add(copy)
            rows = session.exec(
                select(MessageRow)
                .where(MessageRow.thread_id == source)
                .order_by(col(MessageRow.seq))
            ).all()
            values = [{**row.model_dump(exclude={"id"}), "thread_id": target} for row in rows]
            session.flush()
            for begin in range(0, len(values), 500):
                session.exec(self._insert(MessageRow).values(values[begin : begin + 500]))
            session.commit()
            session.refresh(copy)
            return copy

    def touch_state(self, thread_id: str, messages: Sequence[BaseMessage] = ()) -> None:
        """The thread's state was changed by hand (a state update): note when, and record the
        messages it now holds that the transcript lacks."""
        now = utcnow()
        with self._session() as session:
            if messages:
                self._append(session, thread_id, messages, {})
            session.exec(
                update(Thread)
                .where(col(Thread.id) == thread_id)
                .values(updated_at=now, state_updated_at=now)
            )
            session.commit()

    # --- the Agent Server API: runs ---------------------------------------------------------

    def create_run(
        self,
        thread_id: str,
        owner: str,
        *,
        create: bool,
        assistant_id: str,
        strategy: str,
        kwargs: dict[str, Any],
        metadata: dict[str, Any],
        thread_metadata: dict[str, Any],
        on_store: Callable[[Session, RunRow], None] | None = None,
    ) -> tuple[RunRow, list[Stopped]]:
        """Store a pending run on the thread, in one transaction with what double texting does
        to the runs in flight: ``reject`` raises ThreadBusy; ``interrupt`` marks pending ones
        interrupted, ``rollback`` deletes them; a running one is asked to stop (returned, with
        the replica that runs it); ``enqueue`` leaves them to run first. ``create`` makes the
        thread (for ``owner``) if it does not exist; ``thread_metadata`` is merged into its
        metadata (``graph_id``, ``assistant_id``). ThreadNotFound: no such thread for the owner.
        ``on_store(session, row)`` runs in the same transaction once the run is added (a cron's
        tick, a webhook's delivery); what it raises rolls everything back."""
        now = utcnow()
        stopped: list[Stopped] = []
        with self._session() as session:
            if create:
                session.exec(self._new_thread(thread_id, owner, {}))
            # Taking the row first serialises runs made on one thread at once (SQLite's write
            # lock; PostgreSQL's row lock), so two "reject" requests cannot both pass.
            session.exec(update(Thread).where(col(Thread.id) == thread_id).values(updated_at=now))
            thread = session.get(Thread, thread_id)
            if thread is None or not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            active = session.exec(
                select(RunRow)
                .where(RunRow.thread_id == thread_id, col(RunRow.status).in_(ACTIVE))
                .order_by(col(RunRow.id))
            ).all()
            if active and strategy == "reject":
                raise ThreadBusy(thread_id)
            if strategy in ("interrupt", "rollback"):
                for old in active:
                    if old.status == "running":
                        old.cancel = strategy
                        stopped.append(Stopped(old.run_id, thread_id, old.replica, strategy))
                        session.add(old)
                    elif strategy == "rollback":
                        session.delete(old)
                    else:
                        old.status = "interrupted"
                        old.error = "interrupted by a newer run (multitask_strategy=interrupt)"
                        old.finished_at = old.updated_at = now
                        session.add(old)
            row = RunRow(
                thread_id=thread_id,
                status="pending",
                assistant_id=assistant_id,
                multitask_strategy=strategy,
                kwargs_json=json.dumps(kwargs, default=str),
                metadata_json=json.dumps(metadata, default=str),
                created_at=now,
                updated_at=now,
                started_at=now,
                replica=self.replica_id,
                heartbeat_at=now,
            )
            session.add(row)
            if on_store is not None:
                session.flush()
                on_store(session, row)
            thread.status = "busy"
            thread.metadata_json = json.dumps(
                {**json.loads(thread.metadata_json), **thread_metadata}
            )
            session.add(thread)
            session.commit()
            session.refresh(row)
            return row, stopped

    def get_run(self, thread_id: str, run_id: str) -> RunRow:
        with self._session() as session:
            row = self._run(session, run_id)
            if row is None or row.thread_id != thread_id:
                raise RunNotFound(run_id)
            return row

    def find_run(self, run_id: str) -> RunRow | None:
        with self._session() as session:
            return self._run(session, run_id)

    def list_runs(
        self, thread_id: str, limit: int = 10, offset: int = 0, status: str | None = None
    ) -> list[RunRow]:
        """The thread's runs, newest first."""
        with self._session() as session:
            query = select(RunRow).where(RunRow.thread_id == thread_id)
            if status is not None:
                query = query.where(RunRow.status == status)
            query = query.order_by(col(RunRow.id).desc()).offset(offset).limit(limit)
            return list(session.exec(query))

    def delete_run(self, thread_id: str, run_id: str) -> None:
        """Forget a finished run (its messages stay in the transcript). ThreadBusy while it is
        pending or running."""
        with self._session() as session:
            row = self._run(session, run_id)
            if row is None or row.thread_id != thread_id:
                raise RunNotFound(run_id)
            if row.status in ACTIVE:
                raise ThreadBusy(thread_id)
            session.delete(row)
            session.commit()

    def active_runs(self, thread_id: str) -> list[RunRow]:
        with self._session() as session:
            return list(
                session.exec(
                    select(RunRow)
                    .where(RunRow.thread_id == thread_id, col(RunRow.status).in_(ACTIVE))
                    .order_by(col(RunRow.id))
                )
            )

    def owner_active_runs(self, owner: str, statuses: Sequence[str]) -> list[tuple[str, str]]:
        """(thread id, run id) of the owner's runs in these statuses."""
        with self._session() as session:
            rows = session.exec(
                select(RunRow.thread_id, RunRow.run_id)
                .join(Thread, col(Thread.id) == col(RunRow.thread_id))
                .where(Thread.owner == owner, col(RunRow.status).in_(list(statuses)))
                .order_by(col(RunRow.id))
            ).all()
            return [(str(t), str(r)) for t, r in rows]

    def next_pending(self, thread_id: str) -> tuple[RunRow, str] | None:
        """The thread's oldest pending run, and the name of the key that owns the thread."""
        with self._session() as session:
            found = session.exec(
                select(RunRow, Thread.owner)
                .join(Thread, col(Thread.id) == col(RunRow.thread_id))
                .where(RunRow.thread_id == thread_id, RunRow.status == "pending")
                .order_by(col(RunRow.id))
            ).first()
            return None if found is None else (found[0], str(found[1]))

    def claimable_threads(self, stale: float | None) -> list[str]:
        """Threads with a pending run this replica may execute: its own, or (``stale`` seconds)
        one whose replica stopped renewing it. ``None``: every pending run (one process)."""
        with self._session() as session:
            query = select(RunRow.thread_id).where(RunRow.status == "pending").distinct()
            if stale is not None:
                cutoff = self._now() - timedelta(seconds=stale)
                query = query.where(
                    (col(RunRow.replica) == self.replica_id)
                    | (func.coalesce(col(RunRow.heartbeat_at), col(RunRow.created_at)) < cutoff)
                )
            return sorted(str(t) for t in session.exec(query))

    def claim_run(
        self, run_id: str, given: Sequence[BaseMessage] = (), stale: float | None = None
    ) -> RunRow | None:
        """Take a pending run for this replica (pending -> running) and record the messages it
        was given, in one transaction: only the thread's oldest pending run, only with no other
        run of the thread running, and (``stale``) only this replica's own or one whose replica
        stopped renewing it. None: not claimable now."""
        table = RunRow.__table__  # type: ignore[attr-defined]
        other = table.alias("other")
        blocked = (
            select(other.c.id)
            .where(
                other.c.thread_id == table.c.thread_id,
                (other.c.status == "running")
                | ((other.c.status == "pending") & (other.c.id < table.c.id)),
            )
            .exists()
        )
        condition = [table.c.run_id == run_id, table.c.status == "pending", ~blocked]
        if stale is not None:
            cutoff = self._now() - timedelta(seconds=stale)
            condition.append(
                (table.c.replica == self.replica_id)
                | (func.coalesce(table.c.heartbeat_at, table.c.created_at) < cutoff)
            )
        now = self._now()
        with self._session() as session:
            claimed = session.exec(
                update(table)
                .where(*condition)
                .values(
                    status="running",
                    replica=self.replica_id,
                    heartbeat_at=now,
                    started_at=now,
                    updated_at=now,
                )
                .returning(table.c.id)
            ).first()
            if claimed is None:
                session.rollback()
                return None
            row = session.get(RunRow, claimed[0])
            assert row is not None
            if given:
                self._append(session, row.thread_id, given, {}, run_id)
            session.commit()
            session.refresh(row)
            return row

    def stop_run(self, thread_id: str, run_id: str, action: str) -> Stopped | None:
        """Cancel a run: a pending one at once (``interrupt``: marked interrupted; ``rollback``:
        deleted; None is returned), a running one by asking its replica (returned).
        RunNotFound: no such run on the thread, or it has ended."""
        now = utcnow()
        with self._session() as session:
            row = self._run(session, run_id)
            if row is None or row.thread_id != thread_id or row.status not in ACTIVE:
                raise RunNotFound(run_id)
            if row.status == "running":
                row.cancel = action
                session.add(row)
                session.commit()
                return Stopped(run_id, thread_id, row.replica, action)
            if action == "rollback":
                session.delete(row)
            else:
                row.status = "interrupted"
                row.error = "cancelled before it started"
                row.finished_at = row.updated_at = now
                session.add(row)
            session.flush()
            self._settle(session, [thread_id])
            session.commit()
            return None

    def stop_requests(self) -> list[Stopped]:
        """This replica's running runs that were asked to stop (by a request another replica
        answered)."""
        with self._session() as session:
            rows = session.exec(
                select(RunRow).where(
                    RunRow.status == "running",
                    RunRow.replica == self.replica_id,
                    col(RunRow.cancel).is_not(None),
                )
            ).all()
            return [Stopped(r.run_id, r.thread_id, r.replica, str(r.cancel)) for r in rows]

    def rollback_run(self, thread_id: str, run_id: str) -> None:
        """Remove a run and the messages it added to the transcript (its checkpoints are the
        checkpointer's to delete), and settle the thread."""
        with self._session() as session:
            session.exec(
                update(Thread).where(col(Thread.id) == thread_id).values(updated_at=utcnow())
            )
            session.exec(
                delete(MessageRow).where(
                    col(MessageRow.thread_id) == thread_id, col(MessageRow.run_id) == run_id
                )
            )
            session.exec(delete(RunRow).where(col(RunRow.run_id) == run_id))
            thread = session.get(Thread, thread_id)
            if thread is not None:
                last = session.exec(
                    select(MessageRow)
                    .where(MessageRow.thread_id == thread_id)
                    .order_by(col(MessageRow.seq).desc())
                ).first()
                thread.message_count = 0 if last is None else last.seq + 1
                thread.last_message_id = None if last is None else last.message_id
                thread.status = "idle"
                thread.interrupts_json = "{}"
                thread.state_updated_at = utcnow()
                session.add(thread)
                session.flush()
                self._settle(session, [thread_id])
            session.commit()

    # --- transcript ------------------------------------------------------------------------

    def append_messages(
        self,
        thread_id: str,
        messages: Sequence[BaseMessage],
        stages: dict[str, str] | None = None,
        run_id: str | None = None,
    ) -> int:
        """Store the messages after the last one already stored. Returns how many were added.

        Work is proportional to the new messages only: the thread remembers its last stored id.
        """
        with self._session() as session:
            added = self._append(session, thread_id, messages, stages or {}, run_id)
            session.commit()
            return added

    def _append(
        self,
        session: Session,
        thread_id: str,
        messages: Sequence[BaseMessage],
        stages: dict[str, str],
        run_id: str | None = None,
    ) -> int:
        # Locked for the transaction on PostgreSQL: a replica copying an interrupted run's messages
        # and the thread's next run never number the same messages twice.
        thread = session.get(Thread, thread_id, with_for_update=True)
        if thread is None:
            return 0
        start, found = 0, thread.last_message_id is None
        if thread.last_message_id is not None:
            for index in range(len(messages) - 1, -1, -1):
                if messages[index].id == thread.last_message_id:
                    start, found = index + 1, True
                    break
        fresh = [m for m in messages[start:] if m.id]
        if not found and fresh:
            # The last stored message was trimmed from the working state in this run: skip
            # whatever is stored already (the state is bounded, so this query is too).
            ids = [str(m.id) for m in fresh]
            stored = set(
                session.exec(
                    select(MessageRow.message_id).where(
                        MessageRow.thread_id == thread_id, col(MessageRow.message_id).in_(ids)
                    )
                )
            )
            fresh = [m for m in fresh if str(m.id) not in stored]
        for offset, message in enumerate(fresh):
            artifact = getattr(message, "artifact", None)
            row = MessageRow(
                thread_id=thread_id,
                seq=thread.message_count + offset,
                message_id=str(message.id),
                role=_role(message),
                content=_text(message),
                run_id=run_id,
            )
            if isinstance(message, AIMessage):
                written_by = message.response_metadata.get("toolloom_backend")
                row.model = str(written_by)[:128] if written_by else None
            if isinstance(message, AIMessage) and message.tool_calls:
                row.tool_calls = json.dumps(
                    [
                        {**call, "stage": stages.get(call["id"] or "")}
                        for call in message.tool_calls
                    ],
                    ensure_ascii=False,
                )
            if isinstance(message, ToolMessage):
                row.tool_call_id = message.tool_call_id
                row.name = message.name
                row.status = message.status
                if isinstance(artifact, dict):
                    row.stage = artifact.get("stage")
                    row.duration_ms = artifact.get("duration_ms")
            session.add(row)
        if fresh:
            thread.message_count += len(fresh)
            thread.last_message_id = str(fresh[-1].id)
            thread.updated_at = utcnow()
            if not thread.title:
                first_user = next((m for m in fresh if isinstance(m, HumanMessage)), None)
                if first_user is not None:
                    thread.title = " ".join(_text(first_user).split())[:80]
            session.add(thread)
        return len(fresh)

    def messages(self, thread_id: str, limit: int = 1000, offset: int = 0) -> list[MessageRow]:
        with self._session() as session:
            query = (
                select(MessageRow)
                .where(MessageRow.thread_id == thread_id)
                .order_by(col(MessageRow.seq))
                .offset(offset)
                .limit(limit)
            )
            return list(session.exec(query))

    # --- usage --------------------------------------------------------------------------------

    def add_usage(
        self, key: str, *, error: bool, prompt_tokens: int, completion_tokens: int, tool_calls: int
    ) -> None:
        """Add one request to the key's row for today (UTC), as one atomic upsert."""
        delta = UsageDelta(key, 1, int(error), prompt_tokens, completion_tokens, tool_calls)
        with self._session() as session:
            session.exec(self._usage_upsert(delta))
            session.commit()

    def _usage_upsert(self, delta: UsageDelta) -> Any:
        values = {
            "requests": delta.requests,
            "errors": delta.errors,
            "prompt_tokens": delta.prompt_tokens,
            "completion_tokens": delta.completion_tokens,
            "tool_calls": delta.tool_calls,
        }
        insert = self._insert(UsageDay).values(
            key=delta.key, day=utcnow().date().isoformat(), **values
        )
        return insert.on_conflict_do_update(
            index_elements=["key", "day"],
            set_={
                name: getattr(UsageDay, name) + getattr(insert.excluded, name) for name in values
            },
        )

    def usage(self, key: str | None = None, since: str | None = None) -> list[UsageDay]:
        with self._session() as session:
            query = select(UsageDay)
            if key is not None:
                query = query.where(UsageDay.key == key)
            if since is not None:
                query = query.where(col(UsageDay.day) >= since)
            return list(session.exec(query.order_by(col(UsageDay.day), col(UsageDay.key))))

    # --- runs -------------------------------------------------------------------------------

    def start_run(
        self, thread_id: str, given: Sequence[BaseMessage] = (), owner: str | None = None
    ) -> str:
        """Record a running run (this replica's, heartbeat now) and the messages it was given, in
        one transaction; the thread is busy. With ``owner``, the thread is created for that owner
        if it does not exist yet (ThreadNotFound if another key made it meanwhile), in the same
        transaction. The heartbeat is the database's clock, as every lease comparison is: a
        replica whose clock is behind would otherwise start runs that already look expired.
        Returns the run's id."""
        with self._session() as session:
            if owner is not None:
                session.exec(self._new_thread(thread_id, owner))
                thread = session.get(Thread, thread_id)
                if thread is None or not hmac.compare_digest(thread.owner, owner):
                    raise ThreadNotFound(thread_id)
            now = utcnow()
            row = RunRow(
                thread_id=thread_id,
                replica=self.replica_id,
                heartbeat_at=self._now(),
                created_at=now,
                updated_at=now,
                started_at=now,
            )
            session.add(row)
            if given:
                self._append(session, thread_id, given, {}, row.run_id)
            session.exec(update(Thread).where(col(Thread.id) == thread_id).values(status="busy"))
            session.commit()
            return row.run_id

    def finish_run(
        self,
        run_id: str | None,
        thread_id: str,
        messages: Sequence[BaseMessage],
        stages: dict[str, str] | None = None,
        error: str | None = None,
        models: Sequence[str] = (),
        usage: UsageDelta | None = None,
        *,
        status: str | None = None,
        settled: str | None = None,
        interrupts: dict[str, Any] | None = None,
    ) -> None:
        """Append the run's new messages, close the run and add its usage, in one transaction.
        ``status`` is how it ended (default: ``error`` with an ``error``, else ``success``);
        the thread becomes ``settled`` (default: ``error`` or ``idle``) with ``interrupts``,
        unless another run of it is still pending or running (then it stays busy). (A run another
        replica marked interrupted while this one was cut off from the database still ends as
        success or error: its messages are kept either way.) ``models``: the backend that
        answered each model call, in order."""
        now = utcnow()
        with self._session() as session:
            self._append(session, thread_id, messages, stages or {}, run_id)
            row = self._run(session, run_id) if run_id is not None else None
            if row is not None:
                row.status = status or ("error" if error else "success")
                row.error = error[:500] if error else None
                row.finished_at = row.updated_at = now
                row.cancel = None
                row.models = ",".join(models)[:2000] or None
                session.add(row)
            thread = session.get(Thread, thread_id)
            if thread is not None:
                thread.status = settled or ("error" if error else "idle")
                thread.interrupts_json = json.dumps(interrupts or {}, default=str)
                thread.updated_at = thread.state_updated_at = now
                session.add(thread)
                session.flush()
                self._settle(session, [thread_id])
            if usage is not None:
                session.exec(self._usage_upsert(usage))
            session.commit()

    @staticmethod
    def _run(session: Session, run_id: str) -> RunRow | None:
        return session.exec(select(RunRow).where(RunRow.run_id == run_id)).first()

    def _settle(self, session: Session, thread_ids: Sequence[str]) -> None:
        """Threads with a pending or running run are busy; a busy one without is idle again."""
        if not thread_ids:
            return
        active = (
            select(RunRow.id)
            .where(col(RunRow.thread_id) == Thread.id, col(RunRow.status).in_(ACTIVE))
            .exists()
        )
        session.exec(
            update(Thread)
            .where(col(Thread.id).in_(list(thread_ids)), active)
            .values(status="busy")
            .execution_options(synchronize_session=False)
        )
        session.exec(
            update(Thread)
            .where(col(Thread.id).in_(list(thread_ids)), col(Thread.status) == "busy", ~active)
            .values(status="idle")
            .execution_options(synchronize_session=False)
        )

    def last_run(self, thread_id: str) -> RunRow | None:
        with self._session() as session:
            return session.exec(
                select(RunRow).where(RunRow.thread_id == thread_id).order_by(col(RunRow.id).desc())
            ).first()

    def mark_interrupted(self) -> list[str]:
        """At start-up of the only process (SQLite): runs still 'running' were cut off by a crash.
        Returns their threads. On a shared database (PostgreSQL) only this replica id's own runs
        (its previous life's): other replicas' runs are live, and expire by their leases.
        Pending runs stay pending: the run worker executes them."""
        if self.shared:
            return self.interrupt_replica_runs(self.replica_id)
        with self._session() as session:
            rows = session.exec(select(RunRow).where(RunRow.status == "running")).all()
            for row in rows:
                row.status = "interrupted"
                row.error = "the server stopped during this run"
                row.finished_at = row.updated_at = utcnow()
                row.cancel = None
                session.add(row)
            threads = sorted({row.thread_id for row in rows})
            session.flush()
            self._settle(session, threads)
            session.commit()
            return threads

    # --- leases (several replicas on one database; see server/storage/coordination.py) ------------------

    def interrupt_replica_runs(self, replica: str) -> list[str]:
        """Runs still 'running' under ``replica`` (this id's previous life, which crashed): mark
        them interrupted and drop its thread leases. Returns their threads."""
        with self._session() as session:
            threads = session.exec(
                update(RunRow)
                .where(col(RunRow.status) == "running", col(RunRow.replica) == replica)
                .values(
                    status="interrupted",
                    error="the server stopped during this run",
                    finished_at=self._now(),
                    updated_at=self._now(),
                    cancel=None,
                )
                .returning(col(RunRow.thread_id))
            ).all()
            session.exec(delete(ThreadLease).where(col(ThreadLease.replica) == replica))
            found = sorted({str(t) for (t,) in threads})
            self._settle(session, found)
            session.commit()
            return found

    def renew_leases(self, replica: str, holders: Sequence[str], seconds: float) -> set[str]:
        """The heartbeat: renew ``replica``'s pending and running runs and the thread leases it
        holds (by holder). Returns the holders renewed (one missing: its lease expired and was
        taken)."""
        now = self._now()
        with self._session() as session:
            session.exec(
                update(RunRow)
                .where(col(RunRow.status).in_(ACTIVE), col(RunRow.replica) == replica)
                .values(heartbeat_at=now)
            )
            renewed: set[str] = set()
            if holders:
                renewed = {
                    str(holder)
                    for (holder,) in session.exec(
                        update(ThreadLease)
                        .where(col(ThreadLease.holder).in_(list(holders)))
                        .values(expires_at=now + timedelta(seconds=seconds))
                        .returning(col(ThreadLease.holder))
                    ).all()
                }
            session.commit()
            return renewed

    def sweep_expired_runs(self, seconds: float) -> list[str]:
        """Mark interrupted every running run whose heartbeat is older than ``seconds`` (its
        replica died), whichever replica ran it; each run is marked by exactly one caller.
        Returns the threads of the runs this call marked; also drops long-expired thread leases.
        (A pending run whose replica died is not marked: any replica may claim it.)"""
        cutoff = self._now() - timedelta(seconds=seconds)
        with self._session() as session:
            threads = session.exec(
                update(RunRow)
                .where(
                    col(RunRow.status) == "running",
                    func.coalesce(col(RunRow.heartbeat_at), col(RunRow.started_at)) < cutoff,
                )
                .values(
                    status="interrupted",
                    error="the replica running it stopped renewing its lease",
                    finished_at=self._now(),
                    updated_at=self._now(),
                    cancel=None,
                )
                .returning(col(RunRow.thread_id))
            ).all()
            session.exec(delete(ThreadLease).where(col(ThreadLease.expires_at) < cutoff))
            found = sorted({str(t) for (t,) in threads})
            self._settle(session, found)
            session.commit()
            return found

    def try_lease_thread(self, thread_id: str, holder: str, seconds: float) -> bool:
        """Take the thread's lease for ``holder`` if it is free or expired, in one atomic
        INSERT ... ON CONFLICT DO UPDATE ... WHERE expired. True when ``holder`` has it now."""
        now = self._now()
        expires = now + timedelta(seconds=seconds)
        insert = self._insert(ThreadLease).values(
            thread_id=thread_id,
            holder=holder,
            replica=self.replica_id,
            acquired_at=now,
            expires_at=expires,
        )
        upsert = insert.on_conflict_do_update(
            index_elements=["thread_id"],
            set_={
                "holder": insert.excluded.holder,
                "replica": insert.excluded.replica,
                "acquired_at": insert.excluded.acquired_at,
                "expires_at": insert.excluded.expires_at,
            },
            where=col(ThreadLease.expires_at) < now,
        ).returning(col(ThreadLease.holder))
        with self._session() as session:
            taken = session.exec(upsert).first()
            session.commit()
            return taken is not None and taken[0] == holder

    def release_thread_lease(self, thread_id: str, holder: str) -> bool:
        """Give the thread back (only if ``holder`` still has it). True when it was held."""
        with self._session() as session:
            gone = session.exec(
                delete(ThreadLease)
                .where(col(ThreadLease.thread_id) == thread_id, col(ThreadLease.holder) == holder)
                .returning(col(ThreadLease.thread_id))
            ).all()
            session.commit()
            return bool(gone)

    def counts(self) -> tuple[int, int]:
        """(threads, messages) in the store, for the metrics."""
        from sqlalchemy import func

        with self._session() as session:
            threads = session.exec(select(func.count()).select_from(Thread)).one()
            messages = session.exec(select(func.count()).select_from(MessageRow)).one()
            return int(threads), int(messages)

    # --- copying between databases (toolloom db copy) -------------------------------------------

    def thread_ids(self) -> list[str]:
        """Every thread in the transcript tables, and every thread the SQLite checkpointer knows."""
        with self._session() as session:
            found = set(session.exec(select(Thread.id)))
            if not self.shared and sa_inspect(self.engine).has_table("checkpoints"):
                rows = session.exec(text("SELECT DISTINCT thread_id FROM checkpoints"))  # type: ignore[call-overload]
                found.update(str(thread_id) for (thread_id,) in rows)
        return sorted(found)

    def export_thread(self, thread_id: str) -> tuple[Thread, list[MessageRow], list[RunRow]] | None:
        """A thread's row, its whole transcript and its runs (None: no such thread row)."""
        with self._session() as session:
            thread = session.get(Thread, thread_id)
            if thread is None:
                return None
            messages = session.exec(
                select(MessageRow)
                .where(MessageRow.thread_id == thread_id)
                .order_by(col(MessageRow.seq))
            ).all()
            runs = session.exec(
                select(RunRow).where(RunRow.thread_id == thread_id).order_by(col(RunRow.id))
            ).all()
            return thread, list(messages), list(runs)

    def import_thread(
        self, thread: Thread, messages: Sequence[MessageRow], runs: Sequence[RunRow]
    ) -> bool:
        """Add a thread with its transcript and runs, in one transaction, unless a thread with its
        id exists here already (then nothing is written). True when it was added."""
        with self._session() as session:
            added = session.exec(
                self._insert(Thread)
                .values(**thread.model_dump())
                .on_conflict_do_nothing(index_elements=["id"])
                .returning(col(Thread.id))
            ).first()
            if added is None:
                return False
            for table, rows in ((MessageRow, messages), (RunRow, runs)):
                values = [row.model_dump(exclude={"id"}) for row in rows]
                for start in range(0, len(values), 500):  # well under 65,535 parameters
                    session.exec(self._insert(table).values(values[start : start + 500]))
            session.commit()
            return True

    def import_keys(self, keys: Sequence[ApiKey]) -> int:
        """Add the keys whose names are not here yet. Returns how many were added."""
        return self._import(ApiKey, keys, ["name"])

    def import_usage(self, rows: Sequence[UsageDay]) -> int:
        """Add the (key, day) rows not here yet. Returns how many were added."""
        return self._import(UsageDay, rows, ["key", "day"])

    def _import(self, table: Any, rows: Sequence[SQLModel], unique: list[str]) -> int:
        if not rows:
            return 0
        with self._session() as session:
            added = session.exec(
                self._insert(table)
                .values([row.model_dump(exclude={"id"}) for row in rows])
                .on_conflict_do_nothing(index_elements=unique)
                .returning(table.id)
            ).all()
            session.commit()
            return len(added)

    # --- API keys ----------------------------------------------------------------------------

    def create_key(
        self, name: str, *, rate_limit_rpm: int | None = None, tokens_per_day: int | None = None
    ) -> str:
        """A new key for ``name``; the raw key is returned once and only its hash is stored.
        ``rate_limit_rpm`` and ``tokens_per_day`` override the settings' limits for this key
        (None: the default; 0: no limit)."""
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        with self._session() as session:
            if session.exec(select(ApiKey).where(ApiKey.name == name)).first():
                raise ValueError(f"a key named {name!r} exists already")
            session.add(
                ApiKey(
                    name=name,
                    key_hash=hash_key(raw),
                    rate_limit_rpm=rate_limit_rpm,
                    tokens_per_day=tokens_per_day,
                )
            )
            session.commit()
        return raw

    def set_key_limits(self, name: str, **limits: int | None) -> ApiKey:
        """Set a key's overrides: ``rate_limit_rpm`` and/or ``tokens_per_day`` (None: back to
        the default; 0: no limit). Fields not given are left as they are. LookupError: no
        such key."""
        unknown = set(limits) - {"rate_limit_rpm", "tokens_per_day"}
        if unknown:
            raise TypeError(f"unknown limits: {sorted(unknown)}")
        with self._session() as session:
            key = session.exec(select(ApiKey).where(ApiKey.name == name)).first()
            if key is None:
                raise LookupError(f"no key named {name!r}")
            for field, value in limits.items():
                setattr(key, field, value)
            session.add(key)
            session.commit()
            session.refresh(key)
            return key

    def key_limits(self) -> dict[str, tuple[int | None, int | None]]:
        """name -> (requests per minute, tokens per day) for every active key with an override."""
        with self._session() as session:
            rows = session.exec(
                select(ApiKey.name, ApiKey.rate_limit_rpm, ApiKey.tokens_per_day).where(
                    col(ApiKey.revoked_at).is_(None),
                    col(ApiKey.rate_limit_rpm).is_not(None)
                    | col(ApiKey.tokens_per_day).is_not(None),
                )
            )
            return {name: (rpm, tpd) for name, rpm, tpd in rows}

    def list_keys(self) -> list[ApiKey]:
        with self._session() as session:
            return list(session.exec(select(ApiKey).order_by(col(ApiKey.name))))

    def revoke_key(self, name: str) -> bool:
        with self._session() as session:
            key = session.exec(select(ApiKey).where(ApiKey.name == name)).first()
            if key is None or key.revoked_at is not None:
                return False
            key.revoked_at = utcnow()
            session.add(key)
            session.commit()
            return True

    def active_key_hashes(self) -> dict[str, str]:
        """hash -> key name, for every key not revoked."""
        with self._session() as session:
            keys = session.exec(select(ApiKey).where(col(ApiKey.revoked_at).is_(None)))
            return {key.key_hash: key.name for key in keys}
