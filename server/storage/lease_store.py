"""Leases, for several replicas on one database: a thread held by one run at a time, runs kept by their replica's heartbeat, swept when it stops."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, update
from sqlmodel import col, delete, select

from server.storage.engine import Database
from server.storage.run_store import RunStore
from server.storage.tables import (
    ACTIVE,
    MessageRow,
    RunRow,
    Thread,
    ThreadLease,
    utcnow,
)


class LeaseStore:
    """Leases, for several replicas on one database: a thread held by one run at a time, runs kept by their replica's heartbeat, swept when it stops."""

    def __init__(self, db: Database, runs: RunStore) -> None:
        self.db = db
        self.runs = runs

    def mark_interrupted(self) -> list[str]:
        """At start-up of the only process (SQLite): runs still 'running' were cut off by a crash.
        Returns their threads. On a shared database (PostgreSQL) only this replica id's own runs
        (its previous life's): other replicas' runs are live, and expire by their leases.
        Pending runs stay pending: the run worker executes them."""
        if self.db.shared:
            return self.interrupt_replica_runs(self.db.replica_id)
        with self.db.session() as session:
            rows = session.exec(select(RunRow).where(RunRow.status == "running")).all()
            for row in rows:
                row.status = "interrupted"
                row.error = "the server stopped during this run"
                row.finished_at = row.updated_at = utcnow()
                row.cancel = None
                session.add(row)
            threads = sorted({row.thread_id for row in rows})
            session.flush()
            self.runs._settle(session, threads)
            session.commit()
            return threads

    def interrupt_replica_runs(self, replica: str) -> list[str]:
        """Runs still 'running' under ``replica`` (this id's previous life, which crashed): mark
        them interrupted and drop its thread leases. Returns their threads."""
        with self.db.session() as session:
            threads = session.exec(
                update(RunRow)
                .where(col(RunRow.status) == "running", col(RunRow.replica) == replica)
                .values(
                    status="interrupted",
                    error="the server stopped during this run",
                    finished_at=self.db.now(),
                    updated_at=self.db.now(),
                    cancel=None,
                )
                .returning(col(RunRow.thread_id))
            ).all()
            session.exec(delete(ThreadLease).where(col(ThreadLease.replica) == replica))
            found = sorted({str(t) for (t,) in threads})
            self.runs._settle(session, found)
            session.commit()
            return found

    def renew_leases(self, replica: str, holders: Sequence[str], seconds: float) -> set[str]:
        """The heartbeat: renew ``replica``'s pending and running runs and the thread leases it
        holds (by holder). Returns the holders renewed (one missing: its lease expired and was
        taken)."""
        now = self.db.now()
        with self.db.session() as session:
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
        cutoff = self.db.now() - timedelta(seconds=seconds)
        with self.db.session() as session:
            threads = session.exec(
                update(RunRow)
                .where(
                    col(RunRow.status) == "running",
                    func.coalesce(col(RunRow.heartbeat_at), col(RunRow.started_at)) < cutoff,
                )
                .values(
                    status="interrupted",
                    error="the replica running it stopped renewing its lease",
                    finished_at=self.db.now(),
                    updated_at=self.db.now(),
                    cancel=None,
                )
                .returning(col(RunRow.thread_id))
            ).all()
            session.exec(delete(ThreadLease).where(col(ThreadLease.expires_at) < cutoff))
            found = sorted({str(t) for (t,) in threads})
            self.runs._settle(session, found)
            session.commit()
            return found

    def try_lease_thread(self, thread_id: str, holder: str, seconds: float) -> bool:
        """Take the thread's lease for ``holder`` if it is free or expired, in one atomic
        INSERT ... ON CONFLICT DO UPDATE ... WHERE expired. True when ``holder`` has it now."""
        now = self.db.now()
        expires = now + timedelta(seconds=seconds)
        insert = self.db.insert(ThreadLease).values(
            thread_id=thread_id,
            holder=holder,
            replica=self.db.replica_id,
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
        with self.db.session() as session:
            taken = session.exec(upsert).first()
            session.commit()
            return taken is not None and taken[0] == holder

    def release_thread_lease(self, thread_id: str, holder: str) -> bool:
        """Give the thread back (only if ``holder`` still has it). True when it was held."""
        with self.db.session() as session:
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

        with self.db.session() as session:
            threads = session.exec(select(func.count()).select_from(Thread)).one()
            messages = session.exec(select(func.count()).select_from(MessageRow)).one()
            return int(threads), int(messages)
