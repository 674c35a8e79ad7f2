"""SQLModel tables beside the checkpoints: threads (with their owner), the append-only transcript,
and API keys (stored hashed).

The checkpointer keeps the graph's working state; these tables keep what the API serves: who owns
a thread, every message with its time, which stage produced each tool call. SQLite calls are short
and run in a worker thread (``asyncio.to_thread``) so the event loop never blocks on the disk.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from sqlalchemy import Index, UniqueConstraint, event
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
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


class RunRow(SQLModel, table=True):
    """One run of the graph on a thread: running, then succeeded, failed or interrupted (the
    server died mid-run; marked at the next start)."""

    __tablename__ = "tl_runs"

    id: int | None = Field(default=None, primary_key=True)
    thread_id: str = Field(index=True, max_length=128)
    status: str = Field(default="running", index=True)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    error: str | None = Field(default=None, max_length=500)


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
    created_at: datetime = Field(default_factory=utcnow)


class ApiKey(SQLModel, table=True):
    __tablename__ = "tl_api_keys"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    key_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


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


class ThreadNotFound(LookupError):
    """No such thread for this caller (it does not exist, or another key owns it)."""


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
    """Threads, transcript and keys in one SQLite file (the checkpoints' file by default)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(
            f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30}
        )
        _enable_wal(self.engine)
        SQLModel.metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # --- threads ---------------------------------------------------------------------------

    def claim_thread(self, thread_id: str, owner: str) -> Thread:
        """The thread, created for ``owner`` if new; ThreadNotFound if another key owns it.

        One INSERT ... ON CONFLICT DO NOTHING, so concurrent first requests on a new thread agree.
        """
        with Session(self.engine) as session:
            session.exec(
                sqlite_insert(Thread)
                .values(
                    id=thread_id,
                    owner=owner,
                    created_at=utcnow(),
                    updated_at=utcnow(),
                    message_count=0,
                )
                .on_conflict_do_nothing(index_elements=["id"])
            )
            session.commit()
            thread = session.get(Thread, thread_id)
            if thread is None or not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            return thread

    def get_thread(self, thread_id: str, owner: str) -> Thread:
        with Session(self.engine) as session:
            thread = session.get(Thread, thread_id)
            if thread is None or not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            return thread

    def list_threads(self, owner: str, limit: int = 50, offset: int = 0) -> list[Thread]:
        with Session(self.engine) as session:
            query = (
                select(Thread)
                .where(Thread.owner == owner)
                .order_by(col(Thread.updated_at).desc())
                .offset(offset)
                .limit(limit)
            )
            return list(session.exec(query))

    def delete_thread(self, thread_id: str, owner: str) -> None:
        with Session(self.engine) as session:
            thread = session.get(Thread, thread_id)
            if thread is None or not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            session.exec(delete(MessageRow).where(col(MessageRow.thread_id) == thread_id))
            session.exec(delete(RunRow).where(col(RunRow.thread_id) == thread_id))
            session.delete(thread)
            session.commit()

    # --- transcript ------------------------------------------------------------------------

    def append_messages(
        self, thread_id: str, messages: Sequence[BaseMessage], stages: dict[str, str] | None = None
    ) -> int:
        """Store the messages after the last one already stored. Returns how many were added.

        Work is proportional to the new messages only: the thread remembers its last stored id.
        """
        with Session(self.engine) as session:
            added = self._append(session, thread_id, messages, stages or {})
            session.commit()
            return added

    def _append(
        self,
        session: Session,
        thread_id: str,
        messages: Sequence[BaseMessage],
        stages: dict[str, str],
    ) -> int:
        thread = session.get(Thread, thread_id)
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
            )
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
        with Session(self.engine) as session:
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
        values = {
            "requests": 1,
            "errors": int(error),
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "tool_calls": tool_calls,
        }
        insert = sqlite_insert(UsageDay).values(key=key, day=utcnow().date().isoformat(), **values)
        upsert = insert.on_conflict_do_update(
            index_elements=["key", "day"],
            set_={
                name: getattr(UsageDay, name) + getattr(insert.excluded, name) for name in values
            },
        )
        with Session(self.engine) as session:
            session.exec(upsert)
            session.commit()

    def usage(self, key: str | None = None, since: str | None = None) -> list[UsageDay]:
        with Session(self.engine) as session:
            query = select(UsageDay)
            if key is not None:
                query = query.where(UsageDay.key == key)
            if since is not None:
                query = query.where(col(UsageDay.day) >= since)
            return list(session.exec(query.order_by(col(UsageDay.day), col(UsageDay.key))))

    # --- runs -------------------------------------------------------------------------------

    def start_run(self, thread_id: str, given: Sequence[BaseMessage] = ()) -> int:
        """Record a run and the messages it was given, in one transaction."""
        with Session(self.engine) as session:
            row = RunRow(thread_id=thread_id)
            session.add(row)
            if given:
                self._append(session, thread_id, given, {})
            session.commit()
            assert row.id is not None
            return row.id

    def finish_run(
        self,
        run_id: int | None,
        thread_id: str,
        messages: Sequence[BaseMessage],
        stages: dict[str, str] | None = None,
        error: str | None = None,
    ) -> None:
        """Append the run's new messages and close the run, in one transaction."""
        with Session(self.engine) as session:
            self._append(session, thread_id, messages, stages or {})
            row = session.get(RunRow, run_id) if run_id is not None else None
            if row is not None:
                row.status = "failed" if error else "succeeded"
                row.error = error[:500] if error else None
                row.finished_at = utcnow()
                session.add(row)
            session.commit()

    def last_run(self, thread_id: str) -> RunRow | None:
        with Session(self.engine) as session:
            return session.exec(
                select(RunRow).where(RunRow.thread_id == thread_id).order_by(col(RunRow.id).desc())
            ).first()

    def mark_interrupted(self) -> list[str]:
        """At start-up: runs still 'running' were cut off by a crash. Returns their threads."""
        with Session(self.engine) as session:
            rows = session.exec(select(RunRow).where(RunRow.status == "running")).all()
            for row in rows:
                row.status = "interrupted"
                row.error = "the server stopped during this run"
                row.finished_at = utcnow()
                session.add(row)
            session.commit()
            return sorted({row.thread_id for row in rows})

    def counts(self) -> tuple[int, int]:
        """(threads, messages) in the store, for the metrics."""
        from sqlalchemy import func

        with Session(self.engine) as session:
            threads = session.exec(select(func.count()).select_from(Thread)).one()
            messages = session.exec(select(func.count()).select_from(MessageRow)).one()
            return int(threads), int(messages)

    # --- API keys ----------------------------------------------------------------------------

    def create_key(self, name: str) -> str:
        """A new key for ``name``; the raw key is returned once and only its hash is stored."""
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        with Session(self.engine) as session:
            if session.exec(select(ApiKey).where(ApiKey.name == name)).first():
                raise ValueError(f"a key named {name!r} exists already")
            session.add(ApiKey(name=name, key_hash=hash_key(raw)))
            session.commit()
        return raw

    def list_keys(self) -> list[ApiKey]:
        with Session(self.engine) as session:
            return list(session.exec(select(ApiKey).order_by(col(ApiKey.name))))

    def revoke_key(self, name: str) -> bool:
        with Session(self.engine) as session:
            key = session.exec(select(ApiKey).where(ApiKey.name == name)).first()
            if key is None or key.revoked_at is not None:
                return False
            key.revoked_at = utcnow()
            session.add(key)
            session.commit()
            return True

    def active_key_hashes(self) -> dict[str, str]:
        """hash -> key name, for every key not revoked."""
        with Session(self.engine) as session:
            keys = session.exec(select(ApiKey).where(col(ApiKey.revoked_at).is_(None)))
            return {key.key_hash: key.name for key in keys}
