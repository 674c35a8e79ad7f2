"""The append-only transcript: every message of a thread with its time, role and the stage that made each tool call."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from sqlalchemy import Connection, bindparam, insert, update
from sqlmodel import Session, col, select

from server.storage.engine import Database
from server.storage.tables import (
    MessageRow,
    Thread,
    utcnow,
)


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


class Position(NamedTuple):
    """Where a thread's transcript ends."""

    message_count: int
    last_message_id: str | None
    title: str


_THREADS = Thread.__table__  # type: ignore[attr-defined]
_POSITION = (
    select(_THREADS.c.message_count, _THREADS.c.last_message_id, _THREADS.c.title)
    .where(_THREADS.c.id == bindparam("tid"))
    .with_for_update()  # PostgreSQL; SQLite writes one transaction at a time anyway
)
UPDATE_THREAD = update(_THREADS).where(_THREADS.c.id == bindparam("tid"))
"""The thread's row, its columns set from the parameters (``tid``: which thread)."""
INSERT_MESSAGE = insert(MessageRow.__table__)  # type: ignore[attr-defined]


def _message_row(
    thread_id: str,
    seq: int,
    message: BaseMessage,
    stages: dict[str, str],
    run_id: str | None,
    now: datetime,
) -> dict[str, Any]:
    """One transcript row (every column given: the rows go in as one executemany)."""
    row: dict[str, Any] = {
        "thread_id": thread_id,
        "seq": seq,
        "message_id": str(message.id),
        "role": _role(message),
        "content": _text(message),
        "tool_calls": None,
        "tool_call_id": None,
        "name": None,
        "status": None,
        "stage": None,
        "duration_ms": None,
        "model": None,
        "created_at": now,
        "run_id": run_id,
    }
    if isinstance(message, AIMessage):
        written_by = message.response_metadata.get("toolloom_backend")
        row["model"] = str(written_by)[:128] if written_by else None
        if message.tool_calls:
            row["tool_calls"] = json.dumps(
                [{**call, "stage": stages.get(call["id"] or "")} for call in message.tool_calls],
                ensure_ascii=False,
            )
    if isinstance(message, ToolMessage):
        row["tool_call_id"] = message.tool_call_id
        row["name"] = message.name
        row["status"] = message.status
        artifact = getattr(message, "artifact", None)
        if isinstance(artifact, dict):
            row["stage"] = artifact.get("stage")
            row["duration_ms"] = artifact.get("duration_ms")
    return row


class TranscriptStore:
    """The append-only transcript: every message of a thread with its time, role and the stage that made each tool call."""

    def __init__(self, db: Database) -> None:
        self.db = db

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
        with self.db.session() as session:
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
        conn = session.connection()
        position = self._lock(conn, thread_id)
        if position is None:
            return 0
        added, changes = self._insert(conn, thread_id, position, messages, stages, run_id)
        if changes:
            conn.execute(UPDATE_THREAD, {"tid": thread_id, **changes})
        return added

    @staticmethod
    def _lock(conn: Connection, thread_id: str) -> Position | None:
        """Where the thread's transcript ends (None: no such thread). Locked for the
        transaction on PostgreSQL: a replica copying an interrupted run's messages and the
        thread's next run never number the same messages twice."""
        row = conn.execute(_POSITION, {"tid": thread_id}).first()
        return None if row is None else Position(int(row[0]), row[1], str(row[2]))

    @staticmethod
    def _insert(
        conn: Connection,
        thread_id: str,
        position: Position,
        messages: Sequence[BaseMessage],
        stages: dict[str, str],
        run_id: str | None,
    ) -> tuple[int, dict[str, Any]]:
        """Insert the messages after ``position``; returns how many, and what the thread's row
        must say now (its count, last message and title), for the caller's UPDATE of it."""
        start, found = 0, position.last_message_id is None
        if position.last_message_id is not None:
            for index in range(len(messages) - 1, -1, -1):
                if messages[index].id == position.last_message_id:
                    start, found = index + 1, True
                    break
        fresh = [m for m in messages[start:] if m.id]
        if not found and fresh:
            # The last stored message was trimmed from the working state in this run: skip
            # whatever is stored already (the state is bounded, so this query is too).
            ids = [str(m.id) for m in fresh]
            stored = {
                str(found_id)
                for (found_id,) in conn.execute(
                    select(MessageRow.message_id).where(
                        MessageRow.thread_id == thread_id, col(MessageRow.message_id).in_(ids)
                    )
                )
            }
            fresh = [m for m in fresh if str(m.id) not in stored]
        if not fresh:
            return 0, {}
        now = utcnow()
        conn.execute(
            INSERT_MESSAGE,
            [
                _message_row(
                    thread_id, position.message_count + offset, message, stages, run_id, now
                )
                for offset, message in enumerate(fresh)
            ],
        )
        changes: dict[str, Any] = {
            "message_count": position.message_count + len(fresh),
            "last_message_id": str(fresh[-1].id),
            "updated_at": now,
        }
        if not position.title:
            first_user = next((m for m in fresh if isinstance(m, HumanMessage)), None)
            if first_user is not None:
                changes["title"] = " ".join(_text(first_user).split())[:80]
        return len(fresh), changes

    def messages(self, thread_id: str, limit: int = 1000, offset: int = 0) -> list[MessageRow]:
        with self.db.session() as session:
            query = (
                select(MessageRow)
                .where(MessageRow.thread_id == thread_id)
                .order_by(col(MessageRow.seq))
                .offset(offset)
                .limit(limit)
            )
            return list(session.exec(query))
