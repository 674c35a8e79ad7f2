"""A thread's row: its owner, metadata, status; made, found, searched, copied, deleted."""

from __future__ import annotations

import hmac
import json
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import BaseMessage
from sqlalchemy import func, update
from sqlmodel import col, delete, select

from server.storage.engine import Database, ThreadExists, ThreadNotFound
from server.storage.tables import (
    MessageRow,
    RunRow,
    Thread,
    utcnow,
)
from server.storage.transcript_store import TranscriptStore


class ThreadStore:
    """A thread's row: its owner, metadata, status; made, found, searched, copied, deleted."""

    def __init__(self, db: Database, transcript: TranscriptStore) -> None:
        self.db = db
        self.transcript = transcript

    def claim_thread(self, thread_id: str, owner: str) -> Thread:
        """The thread, created for ``owner`` if new; ThreadNotFound if another key owns it.

        A thread that exists is only read (no write, no fsync); a new one is made with one
        INSERT ... ON CONFLICT DO NOTHING, so concurrent first requests on it agree.
        """
        with self.db.session() as session:
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
        with self.db.session() as session:
            thread = session.get(Thread, thread_id)
            if thread is not None and not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            return thread is not None

    def find_thread(self, thread_id: str, owner: str) -> Thread | None:
        """The caller's thread, None if there is no such thread; ThreadNotFound if another key
        owns it."""
        with self.db.session() as session:
            thread = session.get(Thread, thread_id)
            if thread is not None and not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            return thread

    def _new_thread(
        self, thread_id: str, owner: str, metadata: dict[str, Any] | None = None
    ) -> Any:
        now = utcnow()
        return (
            self.db.insert(Thread)
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
        with self.db.session() as session:
            thread = session.get(Thread, thread_id)
            return None if thread is None else thread.owner

    def get_thread(self, thread_id: str, owner: str) -> Thread:
        with self.db.session() as session:
            thread = session.get(Thread, thread_id)
            if thread is None or not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            return thread

    def list_threads(self, owner: str, limit: int = 50, offset: int = 0) -> list[Thread]:
        with self.db.session() as session:
            query = (
                select(Thread)
                .where(Thread.owner == owner)
                .order_by(col(Thread.updated_at).desc())
                .offset(offset)
                .limit(limit)
            )
            return list(session.exec(query))

    def delete_thread(self, thread_id: str, owner: str) -> None:
        with self.db.session() as session:
            thread = session.get(Thread, thread_id)
            if thread is None or not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            session.exec(delete(MessageRow).where(col(MessageRow.thread_id) == thread_id))
            session.exec(delete(RunRow).where(col(RunRow.thread_id) == thread_id))
            session.delete(thread)
            session.commit()

    def create_thread(
        self, thread_id: str, owner: str, metadata: dict[str, Any], if_exists: str = "raise"
    ) -> tuple[Thread, bool]:
        """A new thread for ``owner`` (and True), or with ``if_exists="do_nothing"`` the existing
        one unchanged (and False). ThreadExists for ``raise``; an id another key has is taken
        either way (ThreadExists: the id cannot be used)."""
        with self.db.session() as session:
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
        with self.db.session() as session:
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
        if self.db.shared:
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
        with self.db.session() as session:
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
        with self.db.session() as session:
            query = self._thread_query(
                select(func.count()).select_from(Thread), owner, None, metadata, status
            )
            return int(session.exec(query).one())

    def copy_thread(self, source: str, target: str, owner: str) -> Thread:
        """A new thread ``target`` with the source's metadata, title and transcript (its runs stay
        behind); the caller copies the checkpoints."""
        with self.db.session() as session:
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
                session.exec(self.db.insert(MessageRow).values(values[begin : begin + 500]))
            session.commit()
            session.refresh(copy)
            return copy

    def touch_state(self, thread_id: str, messages: Sequence[BaseMessage] = ()) -> None:
        """The thread's state was changed by hand (a state update): note when, and record the
        messages it now holds that the transcript lacks."""
        now = utcnow()
        with self.db.session() as session:
            if messages:
                self.transcript._append(session, thread_id, messages, {})
            session.exec(
                update(Thread)
                .where(col(Thread.id) == thread_id)
                .values(updated_at=now, state_updated_at=now)
            )
            session.commit()
