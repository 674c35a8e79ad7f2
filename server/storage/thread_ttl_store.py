"""Thread TTLs: a thread that has been left alone for ``ttl`` minutes is deleted (``delete``) or
cut down to its latest checkpoint (``keep_latest``), as ``langgraph-api`` takes ``ttl`` on
``POST /threads`` and ``PATCH /threads/{id}``.

``tl_thread_ttls`` holds one row per thread with a TTL: its strategy, its minutes, and when it is
next due (``due_at``). Being due is not yet being expired: the sweeper (:meth:`ThreadTtls.claim`)
looks at the thread's last activity (``tl_threads.updated_at``, moved by every run and state
update) and only a thread idle for ``ttl`` minutes is swept; one that was used meanwhile is
simply due again ``ttl`` minutes after its last activity. A row is claimed by moving ``due_at``
forward (a lease of ``LEASE`` seconds) in the same statement that selects it: on PostgreSQL with
``FOR UPDATE SKIP LOCKED``, so two replicas sweeping at once never take the same thread; on
SQLite there is one process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, update
from sqlmodel import Field, SQLModel, col, delete, select

from server.storage.store import Store
from server.storage.tables import Thread, utcnow

OWN_TABLES = ("tl_thread_ttls",)
STRATEGIES = ("delete", "keep_latest")
LEASE = 300.0
"""Seconds a claimed row stays claimed: a replica that died mid-sweep leaves it due again then."""


class ThreadTtlRow(SQLModel, table=True):
    __tablename__ = "tl_thread_ttls"

    thread_id: str = Field(primary_key=True, max_length=128)
    strategy: str = Field(default="delete", max_length=16)
    ttl_minutes: float = Field(sa_type=Float)
    due_at: datetime = Field(index=True, description="When the sweeper next looks at the thread.")


@dataclass(frozen=True)
class Due:
    """A thread the sweeper claimed: sweep it if it has been idle long enough."""

    thread_id: str
    owner: str
    strategy: str
    ttl_minutes: float
    idle_since: datetime
    status: str


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class ThreadTtls:
    """Thread TTLs in the store's database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def set(self, thread_id: str, strategy: str, ttl_minutes: float) -> datetime:
        """Give the thread a TTL (replacing one it had); returns when it expires if left alone."""
        due = utcnow() + timedelta(minutes=ttl_minutes)
        with self.store.db.session() as session:
            statement = (
                self.store.db.insert(ThreadTtlRow)
                .values(thread_id=thread_id, strategy=strategy, ttl_minutes=ttl_minutes, due_at=due)
                .on_conflict_do_update(
                    index_elements=["thread_id"],
                    set_={"strategy": strategy, "ttl_minutes": ttl_minutes, "due_at": due},
                )
            )
            session.exec(statement)
            session.commit()
        return due

    def get(self, thread_id: str) -> dict[str, Any] | None:
        """``{strategy, ttl_minutes, expires_at}`` (expiry counted from the last activity), or
        None for a thread without a TTL."""
        with self.store.db.session() as session:
            row = session.get(ThreadTtlRow, thread_id)
            if row is None:
                return None
            thread = session.get(Thread, thread_id)
            since = _aware(thread.updated_at) if thread is not None else utcnow()
            return {
                "strategy": row.strategy,
                "ttl_minutes": row.ttl_minutes,
                "expires_at": since + timedelta(minutes=row.ttl_minutes),
            }

    def forget(self, thread_id: str) -> None:
        with self.store.db.session() as session:
            session.exec(delete(ThreadTtlRow).where(col(ThreadTtlRow.thread_id) == thread_id))
            session.commit()

    def claim(self, limit: int = 100) -> list[Due]:
        """Claim up to ``limit`` due rows (see the module docstring) with their threads."""
        now = utcnow()
        lease = now + timedelta(seconds=LEASE)
        due = (
            select(ThreadTtlRow.thread_id)
            .where(col(ThreadTtlRow.due_at) <= now)
            .order_by(col(ThreadTtlRow.due_at))
            .limit(limit)
        )
        if self.store.shared:
            due = due.with_for_update(skip_locked=True)
        with self.store.db.session() as session:
            claimed = session.exec(
                update(ThreadTtlRow)
                .where(col(ThreadTtlRow.thread_id).in_(due.scalar_subquery()))
                .values(due_at=lease)
                .returning(
                    col(ThreadTtlRow.thread_id),
                    col(ThreadTtlRow.strategy),
                    col(ThreadTtlRow.ttl_minutes),
                )
            ).all()
            session.commit()
            found: list[Due] = []
            for thread_id, strategy, minutes in claimed:
                thread = session.get(Thread, thread_id)
                if thread is None:  # deleted meanwhile: its TTL goes too
                    session.exec(
                        delete(ThreadTtlRow).where(col(ThreadTtlRow.thread_id) == thread_id)
                    )
                    continue
                found.append(
                    Due(
                        thread_id,
                        thread.owner,
                        strategy,
                        minutes,
                        _aware(thread.updated_at),
                        thread.status,
                    )
                )
            session.commit()
            return found

    def due_again(self, thread_id: str, at: datetime) -> None:
        """The thread was used (or cut down): it is next looked at ``at``."""
        with self.store.db.session() as session:
            session.exec(
                update(ThreadTtlRow)
                .where(col(ThreadTtlRow.thread_id) == thread_id)
                .values(due_at=at)
            )
            session.commit()
