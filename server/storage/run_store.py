"""Runs: made by every surface or stored by the Agent Server API, claimed, stopped, finished, rolled back; the thread's status they leave."""

from __future__ import annotations

import functools
import hmac
import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from langchain_core.messages import BaseMessage
from sqlalchemy import Interval, bindparam, func, insert, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, delete, select

from server.storage.engine import Database, RunNotFound, ThreadBusy, ThreadNotFound
from server.storage.tables import (
    ACTIVE,
    MessageRow,
    RunRow,
    Stopped,
    Thread,
    UsageDelta,
    new_run_id,
    utcnow,
)
from server.storage.thread_store import ThreadStore
from server.storage.transcript_store import UPDATE_THREAD, TranscriptStore
from server.storage.usage_store import UsageStore

_RUNS = RunRow.__table__  # type: ignore[attr-defined]
_OWNER = core_select(col(Thread.owner)).where(col(Thread.id) == bindparam("tid"))
_OWNER_AND_METADATA = core_select(col(Thread.owner), col(Thread.metadata_json)).where(
    col(Thread.id) == bindparam("tid")
)
_FINISH_RUN = update(_RUNS).where(_RUNS.c.run_id == bindparam("rid"))
_BY_ID = update(_RUNS).where(_RUNS.c.id == bindparam("pk"))
_NEW_RUN = insert(_RUNS).returning(*_RUNS.c)
_ACTIVE_RUNS = (
    core_select(_RUNS.c.id, _RUNS.c.run_id, _RUNS.c.status, _RUNS.c.replica)
    .where(_RUNS.c.thread_id == bindparam("tid"), _RUNS.c.status.in_(ACTIVE))
    .order_by(_RUNS.c.id)
)
_NEXT_PENDING = (
    core_select(*_RUNS.c, col(Thread.owner))
    .join(Thread.__table__, col(Thread.id) == _RUNS.c.thread_id)  # type: ignore[attr-defined]
    .where(_RUNS.c.thread_id == bindparam("tid"), _RUNS.c.status == "pending")
    .order_by(_RUNS.c.id)
    .limit(1)
)
_ACTIVE_RUN = (
    core_select(_RUNS.c.id)
    .where(_RUNS.c.thread_id == bindparam("tid"), _RUNS.c.status.in_(ACTIVE))
    .limit(1)
)


class RunStore:
    """Runs: made by every surface or stored by the Agent Server API, claimed, stopped, finished, rolled back; the thread's status they leave."""

    def __init__(
        self, db: Database, threads: ThreadStore, transcript: TranscriptStore, usage: UsageStore
    ) -> None:
        self.db = db
        self.threads = threads
        self.transcript = transcript
        self.usage = usage
        self._claims: dict[bool, Any] = {}

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
            conn = session.connection()
            if create:
                conn.execute(self.threads._new_thread(thread_id, owner, {}))
            # Taking the row first serialises runs made on one thread at once (SQLite's write
            # lock; PostgreSQL's row lock), so two "reject" requests cannot both pass.
            conn.execute(UPDATE_THREAD, {"tid": thread_id, "updated_at": now})
            thread = conn.execute(_OWNER_AND_METADATA, {"tid": thread_id}).first()
            if thread is None or not hmac.compare_digest(thread.owner, owner):
                raise ThreadNotFound(thread_id)
            active = conn.execute(_ACTIVE_RUNS, {"tid": thread_id}).all()
            if active and strategy == "reject":
                raise ThreadBusy(thread_id)
            if strategy in ("interrupt", "rollback"):
                for old in active:
                    if old.status == "running":
                        conn.execute(_BY_ID, {"pk": old.id, "cancel": strategy})
                        stopped.append(Stopped(old.run_id, thread_id, old.replica, strategy))
                    elif strategy == "rollback":
                        conn.execute(delete(_RUNS).where(_RUNS.c.id == old.id))
                    else:
                        conn.execute(
                            _BY_ID,
                            {
                                "pk": old.id,
                                "status": "interrupted",
                                "error": "interrupted by a newer run "
                                "(multitask_strategy=interrupt)",
                                "finished_at": now,
                                "updated_at": now,
                            },
                        )
            created = conn.execute(
                _NEW_RUN,
                {
                    "run_id": new_run_id(),
                    "thread_id": thread_id,
                    "status": "pending",
                    "assistant_id": assistant_id,
                    "multitask_strategy": strategy,
                    "kwargs_json": json.dumps(kwargs, default=str),
                    "metadata_json": json.dumps(metadata, default=str),
                    "created_at": now,
                    "updated_at": now,
                    "started_at": now,
                    "replica": self.db.replica_id,
                    "heartbeat_at": now,
                },
            ).one()
            row = RunRow.model_validate(created._asdict())
            if on_store is not None:
                on_store(session, row)
            merged = json.dumps({**json.loads(thread.metadata_json), **thread_metadata})
            conn.execute(
                UPDATE_THREAD, {"tid": thread_id, "status": "busy", "metadata_json": merged}
            )
            session.commit()
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
            found = session.connection().execute(_NEXT_PENDING, {"tid": thread_id}).first()
        if found is None:
            return None
        values = found._asdict()
        owner = str(values.pop("owner"))
        return RunRow.model_validate(values), owner

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
        params: dict[str, Any] = {"rid": run_id, "me": self.db.replica_id}
        if not self.db.shared:
            params["now"] = utcnow()
            if stale is not None:
                params["cutoff"] = params["now"] - timedelta(seconds=stale)
        elif stale is not None:
            params["lease"] = timedelta(seconds=stale)
        with self.db.session() as session:
            conn = session.connection()
            claimed = conn.execute(self._claim(stale is not None), params).first()
            if claimed is None:
                session.rollback()
                return None
            row = RunRow.model_validate(claimed._asdict())
            if given:
                self.transcript._append(session, row.thread_id, given, {}, run_id)
            session.commit()
            return row

    def _claim(self, stale: bool) -> Any:
        """The claim's UPDATE (see :meth:`claim_run`), built once: the run, the replica, the
        clock and the lease are parameters (on PostgreSQL the clock is the database's)."""
        if stale not in self._claims:
            self._claims[stale] = self._claim_statement(stale)
        return self._claims[stale]

    def _claim_statement(self, stale: bool) -> Any:
        table = _RUNS
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
        shared = self.db.shared
        now = func.now() if shared else bindparam("now", type_=table.c.updated_at.type)
        condition = [table.c.run_id == bindparam("rid"), table.c.status == "pending", ~blocked]
        if stale:
            cutoff = (
                func.now() - bindparam("lease", type_=Interval())
                if shared
                else bindparam("cutoff", type_=table.c.updated_at.type)
            )
            condition.append(
                (table.c.replica == bindparam("me"))
                | (func.coalesce(table.c.heartbeat_at, table.c.created_at) < cutoff)
            )
        return (
            update(table)
            .where(*condition)
            .values(
                status="running",
                replica=bindparam("me"),
                heartbeat_at=now,
                started_at=now,
                updated_at=now,
            )
            .returning(*table.c)
        )

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
        run_id = new_run_id()
        now = utcnow()
        with self.db.session() as session:
            conn = session.connection()
            if owner is not None:
                conn.execute(self.threads._new_thread(thread_id, owner, metadata))
                found = conn.execute(_OWNER, {"tid": thread_id}).first()
                if found is None or not hmac.compare_digest(found[0], owner):
                    raise ThreadNotFound(thread_id)
            conn.execute(
                self._insert_run,
                {
                    "run_id": run_id,
                    "thread_id": thread_id,
                    "status": "running",
                    "replica": self.db.replica_id,
                    "created_at": now,
                    "updated_at": now,
                    "started_at": now,
                    **self._heartbeat(now),
                },
            )
            changes: dict[str, Any] = {}
            position = self.transcript._lock(conn, thread_id) if given else None
            if position is not None:
                _, changes = self.transcript._insert(conn, thread_id, position, given, {}, run_id)
            conn.execute(UPDATE_THREAD, {"tid": thread_id, **changes, "status": "busy"})
            session.commit()
        return run_id

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
            conn = session.connection()
            position = self.transcript._lock(conn, thread_id)
            changes: dict[str, Any] = {}
            if position is not None:
                _, changes = self.transcript._insert(
                    conn, thread_id, position, messages, stages or {}, run_id
                )
            if run_id is not None:
                conn.execute(
                    _FINISH_RUN,
                    {
                        "rid": run_id,
                        "status": status or ("error" if error else "success"),
                        "error": error[:500] if error else None,
                        "finished_at": now,
                        "updated_at": now,
                        "cancel": None,
                        "models": ",".join(models)[:2000] or None,
                    },
                )
            if position is not None:
                busy = conn.execute(_ACTIVE_RUN, {"tid": thread_id}).first() is not None
                conn.execute(
                    UPDATE_THREAD,
                    {
                        "tid": thread_id,
                        **changes,
                        "status": "busy" if busy else settled or ("error" if error else "idle"),
                        "interrupts_json": json.dumps(interrupts or {}, default=str),
                        "updated_at": now,
                        "state_updated_at": now,
                    },
                )
            if usage is not None:
                self.usage._add(conn, usage)
            session.commit()

    def _heartbeat(self, now: datetime) -> dict[str, Any]:
        """A new run's heartbeat: the database's clock on PostgreSQL (in the statement), this
        process's on SQLite."""
        return {} if self.db.shared else {"heartbeat_at": now}

    @functools.cached_property
    def _insert_run(self) -> Any:
        table = RunRow.__table__  # type: ignore[attr-defined]
        return insert(table).values(heartbeat_at=func.now()) if self.db.shared else insert(table)

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
