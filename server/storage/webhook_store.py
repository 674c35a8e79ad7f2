"""Webhook deliveries and every attempt at one, beside the other stores.

A run made with ``webhook`` gets a row in ``tl_webhook_deliveries`` in the transaction that stores
the run (:func:`delivery_hook`, run inside ``RunStore.create_run``), so a delivery exists as soon as
its run does, whichever replica dies afterwards. When the run ends its result is written into
the row (``payload_json``) and the row is ``pending``; any replica's sender claims a pending row
whose time has come (``next_attempt_at``) with a short claim (``claimed_until``: a sender that dies
mid-attempt leaves the row to another after that), POSTs it, and records the attempt in
``tl_webhook_attempts``: ``delivered`` (2xx), or a retry at a later time, or ``failed`` once the
attempts are spent (or the URL is refused by the network guard).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from server.storage.agent_tables import WebhookAttempt, WebhookDelivery
from server.storage.engine import Database
from server.storage.tables import RunRow, utcnow

STATUSES = ("waiting", "pending", "delivered", "failed")
"""``waiting``: its run has not ended; ``pending``: to be sent (again); then one of the last two."""


def delivery_hook(url: str, owner: str) -> Callable[[Session, RunRow], None]:
    """For ``RunStore.create_run``: the run's delivery, stored with it."""

    def add(session: Session, row: RunRow) -> None:
        now = utcnow()
        session.add(
            WebhookDelivery(
                run_id=row.run_id,
                thread_id=row.thread_id,
                owner=owner,
                url=url,
                created_at=now,
                updated_at=now,
                next_attempt_at=now,
            )
        )

    return add


class WebhookStore:
    """The webhook deliveries, on the server's :class:`~server.storage.engine.Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def ready(self, run_id: str, payload: dict[str, Any]) -> int:
        """The run ended: its deliveries get its result and may be sent now."""
        now = utcnow()
        with self.db.session() as session:
            done = session.exec(
                update(WebhookDelivery)
                .where(
                    col(WebhookDelivery.run_id) == run_id,
                    col(WebhookDelivery.status) == "waiting",
                )
                .values(
                    status="pending",
                    payload_json=json.dumps(payload, default=str),
                    next_attempt_at=now,
                    updated_at=now,
                )
            )
            session.commit()
            return int(done.rowcount or 0)

    def orphans(self, older_than: float) -> list[WebhookDelivery]:
        """Deliveries still ``waiting`` whose run has ended (or is gone) for a while: their
        replica died before it wrote the result; another writes it."""
        cutoff = utcnow() - timedelta(seconds=older_than)
        with self.db.session() as session:
            query = (
                select(WebhookDelivery)
                .join(RunRow, col(RunRow.run_id) == col(WebhookDelivery.run_id), isouter=True)
                .where(
                    col(WebhookDelivery.status) == "waiting",
                    col(WebhookDelivery.created_at) < cutoff,
                    or_(
                        col(RunRow.id).is_(None),
                        col(RunRow.status).not_in(["pending", "running"])
                        & (col(RunRow.updated_at) < cutoff),
                    ),
                )
                .limit(100)
            )
            return list(session.exec(query))

    def claim(self, limit: int, hold: float) -> list[WebhookDelivery]:
        """Take up to ``limit`` pending deliveries whose time has come, for ``hold`` seconds:
        one statement that re-checks each row (two replicas never hold one row at once; on
        PostgreSQL the rows another replica is taking are skipped, not waited for)."""
        now = self.db.now()
        free = col(WebhookDelivery.claimed_until).is_(None) | (
            col(WebhookDelivery.claimed_until) < now
        )
        due = (col(WebhookDelivery.status) == "pending", free)
        with self.db.session() as session:
            query = (
                select(WebhookDelivery.id)
                .where(*due, col(WebhookDelivery.next_attempt_at) <= now)
                .order_by(col(WebhookDelivery.next_attempt_at))
                .limit(limit)
            )
            if self.db.shared:
                query = query.with_for_update(skip_locked=True)
            candidates = [i for i in session.exec(query).all() if i is not None]
            if not candidates:
                return []
            table = WebhookDelivery.__table__  # type: ignore[attr-defined]
            taken = [
                int(found[0])
                for found in session.exec(
                    update(table)
                    .where(table.c.id.in_(candidates), *due)
                    .values(
                        claimed_until=now + timedelta(seconds=hold),
                        claimed_by=self.db.replica_id,
                        attempts=table.c.attempts + 1,
                    )
                    .returning(table.c.id)
                ).all()
            ]
            session.commit()
            if not taken:
                return []
            rows = session.exec(
                select(WebhookDelivery).where(col(WebhookDelivery.id).in_(taken))
            ).all()
            return sorted(rows, key=lambda row: row.next_attempt_at)

    def record(
        self,
        delivery: WebhookDelivery,
        *,
        outcome: str,
        status_code: int | None,
        error: str | None,
        duration_ms: float,
        started_at: datetime,
        retry_at: datetime | None,
    ) -> None:
        """One attempt's result: the attempt's row, and the delivery's new state (delivered,
        pending again at ``retry_at``, or failed)."""
        now = utcnow()
        status = {"delivered": "delivered", "retry": "pending"}.get(outcome, "failed")
        with self.db.session() as session:
            session.add(
                WebhookAttempt(
                    delivery_id=delivery.id or 0,
                    attempt=delivery.attempts,
                    outcome=outcome,
                    status_code=status_code,
                    error=(error or "")[:500] or None,
                    duration_ms=round(duration_ms, 1),
                    replica=self.db.replica_id,
                    started_at=started_at,
                )
            )
            values: dict[str, Any] = {
                "status": status,
                "claimed_until": None,
                "claimed_by": None,
                "last_status": status_code,
                "last_error": (error or "")[:500] or None,
                "updated_at": now,
            }
            if retry_at is not None:
                values["next_attempt_at"] = retry_at
            if outcome == "delivered":
                values["delivered_at"] = now
            session.exec(
                update(WebhookDelivery)
                .where(
                    col(WebhookDelivery.id) == delivery.id,
                    col(WebhookDelivery.claimed_by) == self.db.replica_id,
                )
                .values(**values)
            )
            session.commit()

    def for_run(self, run_id: str) -> list[tuple[WebhookDelivery, list[WebhookAttempt]]]:
        """A run's deliveries, each with its attempts in order."""
        with self.db.session() as session:
            deliveries = list(
                session.exec(
                    select(WebhookDelivery)
                    .where(WebhookDelivery.run_id == run_id)
                    .order_by(col(WebhookDelivery.id))
                )
            )
            found = []
            for delivery in deliveries:
                attempts = list(
                    session.exec(
                        select(WebhookAttempt)
                        .where(WebhookAttempt.delivery_id == delivery.id)
                        .order_by(col(WebhookAttempt.id))
                    )
                )
                found.append((delivery, attempts))
            return found

    def counts(self) -> dict[str, int]:
        """How many deliveries are in each state (for ``/metrics``)."""
        with self.db.session() as session:
            rows = session.exec(
                select(WebhookDelivery.status, func.count()).group_by(col(WebhookDelivery.status))
            ).all()
            return {str(status): int(n) for status, n in rows}

    def next_due(self) -> datetime | None:
        with self.db.session() as session:
            found = session.exec(
                select(func.min(WebhookDelivery.next_attempt_at)).where(
                    col(WebhookDelivery.status) == "pending"
                )
            ).one()
            return found


def attempts_json(attempts: Sequence[WebhookAttempt]) -> list[dict[str, Any]]:
    return [
        {
            "attempt": a.attempt,
            "outcome": a.outcome,
            "status_code": a.status_code,
            "error": a.error,
            "duration_ms": a.duration_ms,
            "replica": a.replica,
            "started_at": a.started_at,
        }
        for a in attempts
    ]
