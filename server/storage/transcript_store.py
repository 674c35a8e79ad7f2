"""The append-only transcript: every message of a thread with its time, role and the stage that made each tool call."""

from __future__ import annotations

import json
from collections.abc import Sequence

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
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
        with self.db.session() as session:
            query = (
                select(MessageRow)
                .where(MessageRow.thread_id == thread_id)
                .order_by(col(MessageRow.seq))
                .offset(offset)
                .limit(limit)
            )
            return list(session.exec(query))
