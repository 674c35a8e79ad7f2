"""Threads, keys and usage rows read out of one database and written into another (``toolloom db copy``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlmodel import SQLModel, col, select

from server.storage.engine import Database
from server.storage.tables import (
    ApiKey,
    MessageRow,
    RunRow,
    Thread,
    UsageDay,
)


class TransferStore:
    """Threads, keys and usage rows read out of one database and written into another (``toolloom db copy``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def thread_ids(self) -> list[str]:
        """Every thread in the transcript tables, and every thread the SQLite checkpointer knows."""
        with self.db.session() as session:
            found = set(session.exec(select(Thread.id)))
            if not self.db.shared and sa_inspect(self.db.engine).has_table("checkpoints"):
                rows = session.exec(text("SELECT DISTINCT thread_id FROM checkpoints"))  # type: ignore[call-overload]
                found.update(str(thread_id) for (thread_id,) in rows)
        return sorted(found)

    def export_thread(self, thread_id: str) -> tuple[Thread, list[MessageRow], list[RunRow]] | None:
        """A thread's row, its whole transcript and its runs (None: no such thread row)."""
        with self.db.session() as session:
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
        with self.db.session() as session:
            added = session.exec(
                self.db.insert(Thread)
                .values(**thread.model_dump())
                .on_conflict_do_nothing(index_elements=["id"])
                .returning(col(Thread.id))
            ).first()
            if added is None:
                return False
            for table, rows in ((MessageRow, messages), (RunRow, runs)):
                values = [row.model_dump(exclude={"id"}) for row in rows]
                for start in range(0, len(values), 500):  # well under 65,535 parameters
                    session.exec(self.db.insert(table).values(values[start : start + 500]))
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
        with self.db.session() as session:
            added = session.exec(
                self.db.insert(table)
                .values([row.model_dump(exclude={"id"}) for row in rows])
                .on_conflict_do_nothing(index_elements=unique)
                .returning(table.id)
            ).all()
            session.commit()
            return len(added)
