"""Crons and their ticks (the Agent Server API's ``/runs/crons``), beside the other stores.

``tl_crons`` holds each cron: its owner (the key that made it), schedule, time zone, end time,
the run request it makes (``payload``, as ``langgraph-api`` stores it) and ``next_run_date``, the
next tick not yet handled. ``tl_cron_ticks`` holds one row per handled tick, its key
``(cron_id, tick_at)``: ``fired`` (with the run it stored), ``refused`` (the run could not be
stored: the thread is gone, busy under ``reject``, the key over its limits) or ``skipped`` (older
than the grace window; ``skipped`` also counts the earlier ticks folded into a row).

**Exactly once across replicas.** Every replica's scheduler reads the due crons; firing a tick is
one transaction that (1) moves ``next_run_date`` on only if it still holds the tick the replica
read (a compare-and-set), (2) inserts the tick's row with ``ON CONFLICT DO NOTHING`` and (3)
stores the run (:meth:`CronStore.tick_hook`, run inside ``RunStore.create_run``). A replica that
lost the race finds (1) or (2) done and its transaction rolls back, run included: a tick has
one run or none, never two, and a replica that dies mid-way leaves nothing half done.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, delete, select

from server.storage.agent_tables import CronRow, CronTick
from server.storage.engine import Database
from server.storage.tables import RunRow, utcnow


class TickTaken(RuntimeError):
    """Another replica handled this tick (or the cron changed meanwhile): nothing was stored."""


@dataclass(frozen=True)
class Tick:
    """What a scheduler does about a due cron: the tick it fires (or records as skipped), the
    ``next_run_date`` it read (the compare-and-set's expected value) and the one after."""

    cron_id: str
    expected: datetime
    tick_at: datetime
    after: datetime | None
    skipped: int = 0


SORTS = ("cron_id", "assistant_id", "thread_id", "next_run_date", "end_time", "created_at",
         "updated_at")  # fmt: skip


def aware(moment: datetime | None) -> datetime | None:
    """A time read back from SQLite (naive UTC) as an aware UTC time."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class CronStore:
    """The crons, on the server's :class:`~server.storage.engine.Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _stored(self, moment: datetime | None) -> datetime | None:
        """A time as it is kept: aware, in UTC (an equality on a stored time then compares
        like with like, on both databases)."""
        if moment is None:
            return None
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)

    def _metadata_has(self, key: str, value: Any) -> Any:
        column = col(CronRow.metadata_json)
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

    # --- the API ------------------------------------------------------------------------------

    def create(
        self,
        owner: str,
        *,
        assistant_id: str,
        thread_id: str | None,
        schedule: str,
        timezone: str | None,
        end_time: datetime | None,
        enabled: bool,
        on_run_completed: str | None,
        payload: dict[str, Any],
        metadata: dict[str, Any],
        next_run_date: datetime,
        cron_id: str | None = None,
    ) -> CronRow:
        now = utcnow()
        row = CronRow(
            cron_id=cron_id or str(uuid.uuid4()),
            owner=owner,
            assistant_id=assistant_id,
            thread_id=thread_id,
            schedule=schedule,
            timezone=timezone,
            end_time=self._stored(end_time),
            enabled=enabled,
            on_run_completed=on_run_completed,
            payload_json=json.dumps(payload, default=str),
            metadata_json=json.dumps(metadata, default=str),
            next_run_date=self._stored(next_run_date),
            created_at=now,
            updated_at=now,
        )
        with self.db.session() as session:
            session.add(row)
            session.commit()
            session.refresh(row)
            return row

    def get(self, cron_id: str, owner: str) -> CronRow | None:
        """The owner's cron (another key's is None, as if it did not exist)."""
        with self.db.session() as session:
            row = session.get(CronRow, cron_id)
            return row if row is not None and row.owner == owner else None

    def find(self, cron_id: str) -> CronRow | None:
        with self.db.session() as session:
            return session.get(CronRow, cron_id)

    def update(self, cron_id: str, owner: str, changes: dict[str, Any]) -> CronRow | None:
        """Set these columns of the owner's cron (times in UTC); None: no such cron."""
        with self.db.session() as session:
            row = session.get(CronRow, cron_id)
            if row is None or row.owner != owner:
                return None
            for name, value in changes.items():
                if name in ("end_time", "next_run_date"):
                    value = self._stored(value)
                setattr(row, name, value)
            row.updated_at = utcnow()
            session.add(row)
            session.commit()
            session.refresh(row)
            return row

    def delete(self, cron_id: str, owner: str) -> bool:
        with self.db.session() as session:
            row = session.get(CronRow, cron_id)
            if row is None or row.owner != owner:
                return False
            session.delete(row)
            session.exec(delete(CronTick).where(col(CronTick.cron_id) == cron_id))
            session.commit()
            return True

    def delete_for_thread(self, thread_id: str) -> int:
        """A deleted thread's crons go with it."""
        with self.db.session() as session:
            ids = list(session.exec(select(CronRow.cron_id).where(CronRow.thread_id == thread_id)))
            if ids:
                session.exec(delete(CronTick).where(col(CronTick.cron_id).in_(ids)))
                session.exec(delete(CronRow).where(col(CronRow.cron_id).in_(ids)))
                session.commit()
            return len(ids)

    def _query(
        self,
        query: Any,
        owner: str,
        assistant_id: str | None,
        thread_id: str | None,
        enabled: bool | None,
        metadata: dict[str, Any] | None,
    ) -> Any:
        query = query.where(CronRow.owner == owner)
        if assistant_id is not None:
            query = query.where(CronRow.assistant_id == assistant_id)
        if thread_id is not None:
            query = query.where(CronRow.thread_id == thread_id)
        if enabled is not None:
            query = query.where(CronRow.enabled == enabled)
        for key, value in (metadata or {}).items():
            query = query.where(self._metadata_has(key, value))
        return query

    def search(
        self,
        owner: str,
        *,
        assistant_id: str | None = None,
        thread_id: str | None = None,
        enabled: bool | None = None,
        metadata: dict[str, Any] | None = None,
        limit: int = 10,
        offset: int = 0,
        sort_by: str = "created_at",
        sort_order: str = "desc",
    ) -> tuple[list[CronRow], int]:
        """One page of the owner's crons matching every filter, and how many match in all."""
        column = getattr(CronRow, sort_by)
        order = col(column).desc() if sort_order == "desc" else col(column).asc()
        filters = (owner, assistant_id, thread_id, enabled, metadata)
        with self.db.session() as session:
            query = self._query(select(CronRow), *filters).order_by(order, col(CronRow.cron_id))
            rows = list(session.exec(query.offset(offset).limit(limit)))
            total = session.exec(self._query(select(func.count()).select_from(CronRow), *filters))
            return rows, int(total.one())

    def count(
        self,
        owner: str,
        *,
        assistant_id: str | None = None,
        thread_id: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> int:
        filters = (owner, assistant_id, thread_id, None, metadata)
        with self.db.session() as session:
            query = self._query(select(func.count()).select_from(CronRow), *filters)
            return int(session.exec(query).one())

    def ticks(self, cron_id: str, limit: int = 100, offset: int = 0) -> list[CronTick]:
        """The cron's handled ticks, newest first."""
        with self.db.session() as session:
            query = (
                select(CronTick)
                .where(CronTick.cron_id == cron_id)
                .order_by(col(CronTick.tick_at).desc())
                .offset(offset)
                .limit(limit)
            )
            return list(session.exec(query))

    # --- the scheduler ------------------------------------------------------------------------

    def now(self) -> datetime:
        """The database's clock on PostgreSQL (the replicas' may differ), this one's on SQLite."""
        if not self.db.shared:
            return utcnow()
        with self.db.session() as session:
            found = session.exec(select(func.now())).one()
            return aware(found) or utcnow()

    def due(self, now: datetime) -> list[CronRow]:
        """Enabled crons whose next tick has come (and is not past their end time)."""
        moment = self._stored(now)
        with self.db.session() as session:
            query = (
                select(CronRow)
                .where(
                    CronRow.enabled == True,  # noqa: E712
                    col(CronRow.next_run_date).is_not(None),
                    col(CronRow.next_run_date) <= moment,
                    col(CronRow.end_time).is_(None)
                    | (col(CronRow.next_run_date) <= col(CronRow.end_time)),
                )
                .order_by(col(CronRow.next_run_date))
                .limit(500)
            )
            return list(session.exec(query))

    def earliest(self) -> datetime | None:
        """The soonest next tick of any enabled cron (the scheduler sleeps until then)."""
        with self.db.session() as session:
            found = session.exec(
                select(func.min(CronRow.next_run_date)).where(
                    CronRow.enabled == True,  # noqa: E712
                    col(CronRow.end_time).is_(None)
                    | (col(CronRow.next_run_date) <= col(CronRow.end_time)),
                )
            ).one()
            return aware(found)

    def still_due(self, tick: Tick) -> bool:
        """Whether the cron still waits on the tick this replica read (a cheap look before the
        work of storing a run, which another replica may have done meanwhile)."""
        with self.db.session() as session:
            found = session.exec(
                select(CronRow.next_run_date).where(CronRow.cron_id == tick.cron_id)
            ).first()
            return found is not None and aware(found) == aware(tick.expected)

    def _advance(self, session: Session, tick: Tick) -> None:
        """The compare-and-set: ``next_run_date`` moves on only from the value read."""
        table = CronRow.__table__  # type: ignore[attr-defined]
        moved = session.exec(
            update(table)
            .where(
                table.c.cron_id == tick.cron_id,
                table.c.next_run_date == self._stored(tick.expected),
            )
            .values(next_run_date=self._stored(tick.after))
        )
        if moved.rowcount != 1:
            raise TickTaken(tick.cron_id)

    def _record(
        self,
        session: Session,
        tick: Tick,
        status: str,
        *,
        run_id: str | None = None,
        thread_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        inserted = session.exec(
            self.db.insert(CronTick)
            .values(
                cron_id=tick.cron_id,
                tick_at=self._stored(tick.tick_at),
                status=status,
                run_id=run_id,
                thread_id=thread_id,
                replica=self.db.replica_id,
                skipped=tick.skipped,
                detail=(detail or "")[:500] or None,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["cron_id", "tick_at"])
            .returning(CronTick.__table__.c.cron_id)  # type: ignore[attr-defined]
        ).first()
        if inserted is None:
            raise TickTaken(tick.cron_id)

    def tick_hook(self, tick: Tick) -> Callable[[Session, RunRow], None]:
        """For ``RunStore.create_run``: in the transaction that stores the tick's run, claim the
        tick (the compare-and-set and the tick's row); :class:`TickTaken` rolls it all back."""

        def claim(session: Session, row: RunRow) -> None:
            self._advance(session, tick)
            self._record(session, tick, "fired", run_id=row.run_id, thread_id=row.thread_id)

        return claim

    def settle_tick(self, tick: Tick, status: str, detail: str | None = None) -> bool:
        """Record a tick that stores no run (``refused``, ``skipped``) and move on; False when
        another replica handled it first."""
        with self.db.session() as session:
            try:
                self._advance(session, tick)
                self._record(session, tick, status, detail=detail)
            except TickTaken:
                session.rollback()
                return False
            session.commit()
            return True

    def prune_ticks(self, before: datetime) -> int:
        """Forget tick rows older than ``before`` (the compare-and-set keeps old ticks from
        firing again; the rows are a record, kept for a while)."""
        with self.db.session() as session:
            gone = session.exec(
                delete(CronTick).where(col(CronTick.tick_at) < self._stored(before))
            )
            if gone.rowcount:  # nothing to forget: no commit (the common case)
                session.commit()
            return int(gone.rowcount or 0)


def tick_times(rows: Sequence[CronTick]) -> list[datetime]:
    return [t for t in (aware(r.tick_at) for r in rows) if t is not None]
