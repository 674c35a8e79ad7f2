"""Runs: made by every surface or stored by the Agent Server API, claimed, stopped, finished, rolled back; the thread's status they leave."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from langchain_core.messages import BaseMessage
from sqlalchemy import func, update
from sqlmodel import Session, col, delete, select

from server.storage.engine import Database, RunNotFound, ThreadBusy, ThreadNotFound
from server.storage.tables import (
    ACTIVE,
    MessageRow,
    RunRow,
    Stopped,
    Thread,
    UsageDelta,
    utcnow,
)
from server.storage.thread_store import ThreadStore
from server.storage.transcript_store import TranscriptStore
from server.storage.usage_store import UsageStore


class RunStore:
    """Runs: made by every surface or stored by the Agent Server API, claimed, stopped, finished, rolled back; the thread's status they leave."""

    def __init__(
        self, db: Database, threads: ThreadStore, transcript: TranscriptStore, usage: UsageStore
    ) -> None:
        self.db = db
        self.threads = threads
        self.transcript = transcript
        self.usage = usage

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
        with self.db.session() as session:
            if create:
                session.exec(self.threads._new_thread(thread_id, owner, {}))
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
                replica=self.db.replica_id,
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
        with self.db.session() as session:
            row = self._run(session, run_id)
            if row is None or row.thread_id != thread_id:
                raise RunNotFound(run_id)
            return row

    def find_run(self, run_id: str) -> RunRow | None:
        with self.db.session() as session:
            return self._run(session, run_id)

    def list_runs(
        self, thread_id: str, limit: int = 10, offset: int = 0, status: str | None = None
    ) -> list[RunRow]:
        """The thread's runs, newest first."""
        with self.db.session() as session:
            query = select(RunRow).where(RunRow.thread_id == thread_id)
            if status is not None:
                query = query.where(RunRow.status == status)
            query = query.order_by(col(RunRow.id).desc()).offset(offset).limit(limit)
            return list(session.exec(query))

    def delete_run(self, thread_id: str, run_id: str) -> None:
        """Forget a finished run (its messages stay in the transcript). ThreadBusy while it is
        pending or running."""
        with self.db.session() as session:
            row = self._run(session, run_id)
            if row is None or row.thread_id != thread_id:
                raise RunNotFound(run_id)
            if row.status in ACTIVE:
                raise ThreadBusy(thread_id)
            session.delete(row)
            session.commit()

    def active_runs(self, thread_id: str) -> list[RunRow]:
        with self.db.session() as session:
            return list(
                session.exec(
                    select(RunRow)
                    .where(RunRow.thread_id == thread_id, col(RunRow.status).in_(ACTIVE))
                    .order_by(col(RunRow.id))
                )
            )

    def owner_active_runs(self, owner: str, statuses: Sequence[str]) -> list[tuple[str, str]]:
        """(thread id, run id) of the owner's runs in these statuses."""
        with self.db.session() as session:
            rows = session.exec(
                select(RunRow.thread_id, RunRow.run_id)
                .join(Thread, col(Thread.id) == col(RunRow.thread_id))
                .where(Thread.owner == owner, col(RunRow.status).in_(list(statuses)))
                .order_by(col(RunRow.id))
            ).all()
            return [(str(t), str(r)) for t, r in rows]

    def next_pending(self, thread_id: str) -> tuple[RunRow, str] | None:
        """The thread's oldest pending run, and the name of the key that owns the thread."""
        with self.db.session() as session:
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
        with self.db.session() as session:
            query = select(RunRow.thread_id).where(RunRow.status == "pending").distinct()
            if stale is not None:
                cutoff = self.db.now() - timedelta(seconds=stale)
                query = query.where(
                    (col(RunRow.replica) == self.db.replica_id)
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
            cutoff = self.db.now() - timedelta(seconds=stale)
            condition.append(
                (table.c.replica == self.db.replica_id)
                | (func.coalesce(table.c.heartbeat_at, table.c.created_at) < cutoff)
            )
        now = self.db.now()
        with self.db.session() as session:
            claimed = session.exec(
                update(table)
                .where(*condition)
                .values(
                    status="running",
                    replica=self.db.replica_id,
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
                self.transcript._append(session, row.thread_id, given, {}, run_id)
            session.commit()
            session.refresh(row)
            return row

    def stop_run(self, thread_id: str, run_id: str, action: str) -> Stopped | None:
        """Cancel a run: a pending one at once (``interrupt``: marked interrupted; ``rollback``:
        deleted; None is returned), a running one by asking its replica (returned).
        RunNotFound: no such run on the thread, or it has ended."""
        now = utcnow()
        with self.db.session() as session:
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
        with self.db.session() as session:
            rows = session.exec(
                select(RunRow).where(
                    RunRow.status == "running",
                    RunRow.replica == self.db.replica_id,
                    col(RunRow.cancel).is_not(None),
                )
            ).all()
            return [Stopped(r.run_id, r.thread_id, r.replica, str(r.cancel)) for r in rows]

    def rollback_run(self, thread_id: str, run_id: str) -> None:
        """Remove a run and the messages it added to the transcript (its checkpoints are the
        checkpointer's to delete), and settle the thread."""
        with self.db.session() as session:
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

    def start_run(
        self,
        thread_id: str,
        given: Sequence[BaseMessage] = (),
        owner: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """Record a running run (this replica's, heartbeat now) and the messages it was given, in
        one transaction; the thread is busy. With ``owner``, the thread is created for that owner
        if it does not exist yet (ThreadNotFound if another key made it meanwhile), in the same
        transaction, with ``metadata`` (what an auth handler added). The heartbeat is the database's clock, as every lease comparison is: a
        replica whose clock is behind would otherwise start runs that already look expired.
        Returns the run's id."""
        with self.db.session() as session:
            if owner is not None:
                session.exec(self.threads._new_thread(thread_id, owner, metadata))
                thread = session.get(Thread, thread_id)
                if thread is None or not hmac.compare_digest(thread.owner, owner):
                    raise ThreadNotFound(thread_id)
            now = utcnow()
            row = RunRow(
                thread_id=thread_id,
                replica=self.db.replica_id,
                heartbeat_at=self.db.now(),
                created_at=now,
                updated_at=now,
                started_at=now,
            )
            session.add(row)
            if given:
                self.transcript._append(session, thread_id, given, {}, row.run_id)
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
        with self.db.session() as session:
            self.transcript._append(session, thread_id, messages, stages or {}, run_id)
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
                session.exec(self.usage._usage_upsert(usage))
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
        with self.db.session() as session:
            return session.exec(
                select(RunRow).where(RunRow.thread_id == thread_id).order_by(col(RunRow.id).desc())
            ).first()
