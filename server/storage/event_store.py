"""The events of resumable runs, kept in the database (``tl_run_events``) when no Redis is set.

One row per event: the run, its sequence number in the run's stream (1, 2, ...; the SSE ``id``),
the event's name and its JSON. The sequence number ``0`` is never an event: a row with the
event name ``__done__`` closes a run's stream (the writer wrote everything). Rows are written in
batches by :mod:`server.agentserver.event_log`, kept at most ``TOOLLOOM_STREAM_EVENTS_MAX`` per
run and swept ``TOOLLOOM_STREAM_EVENTS_TTL`` seconds after they were written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlmodel import col, delete, select

from server.storage.agent_tables import RunEvent
from server.storage.engine import Database
from server.storage.tables import utcnow

DONE = "__done__"
"""The event name of the row that closes a run's stream."""


class EventStore:
    """Run events, on the server's :class:`~server.storage.engine.Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def append(self, rows: Sequence[tuple[str, int, str, str]]) -> None:
        """``(run_id, seq, event, data)`` rows; one already there is left as it is."""
        if not rows:
            return
        now = utcnow()
        values = [
            {"run_id": r, "seq": s, "event": e, "data": d, "created_at": now} for r, s, e, d in rows
        ]
        with self.db.session() as session:
            session.exec(
                self.db.insert(RunEvent)
                .values(values)
                .on_conflict_do_nothing(index_elements=["run_id", "seq"])
            )
            session.commit()

    def read(self, run_id: str, after: int, limit: int = 1000) -> list[tuple[int, str, str]]:
        """The run's events after ``after``, in order: ``(seq, event, data)``."""
        with self.db.session() as session:
            rows = session.exec(
                select(RunEvent.seq, RunEvent.event, RunEvent.data)
                .where(RunEvent.run_id == run_id, col(RunEvent.seq) > after)
                .order_by(col(RunEvent.seq))
                .limit(limit)
            ).all()
            return [(int(s), str(e), str(d)) for s, e, d in rows]

    def first_kept(self, run_id: str) -> int | None:
        """The lowest sequence number still kept for the run (None: nothing kept)."""
        with self.db.session() as session:
            found = session.exec(
                select(RunEvent.seq)
                .where(RunEvent.run_id == run_id, RunEvent.event != DONE)
                .order_by(col(RunEvent.seq))
                .limit(1)
            ).first()
            return None if found is None else int(found)

    def trim(self, run_id: str, below: int) -> None:
        """Drop the run's events numbered below ``below`` (the bound per run)."""
        with self.db.session() as session:
            session.exec(
                delete(RunEvent).where(
                    col(RunEvent.run_id) == run_id,
                    col(RunEvent.seq) < below,
                    col(RunEvent.event) != DONE,
                )
            )
            session.commit()

    def sweep(self, ttl: float) -> int:
        """Forget events written more than ``ttl`` seconds ago."""
        cutoff = utcnow() - timedelta(seconds=ttl)
        with self.db.session() as session:
            gone = session.exec(delete(RunEvent).where(col(RunEvent.created_at) < cutoff))
            if gone.rowcount:  # nothing to forget: no commit (the common case)
                session.commit()
            return int(gone.rowcount or 0)
