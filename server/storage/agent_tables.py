"""The tables of crons and their ticks, webhook deliveries and their attempts, and the kept
events of resumable runs (issue 27; migration ``0007_crons_webhooks``). Their stores:
:mod:`server.storage.cron_store`, :mod:`server.storage.webhook_store`,
:mod:`server.storage.event_store`. Imported by the migrations' ``env.py`` so that
:func:`server.storage.tables.own_metadata` knows them (every ``tl_`` table is toolloom's)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from server.storage.tables import utcnow

AGENT_TABLES = ("tl_crons", "tl_cron_ticks", "tl_webhook_deliveries", "tl_webhook_attempts",
                "tl_run_events")  # fmt: skip


class CronRow(SQLModel, table=True):
    """A cron: a run request made on a schedule, on one thread or on a new thread each time."""

    __tablename__ = "tl_crons"

    cron_id: str = Field(primary_key=True, max_length=36)
    owner: str = Field(default="", index=True, description="The key that made it.")
    assistant_id: str = Field(max_length=36)
    thread_id: str | None = Field(default=None, max_length=128, index=True)
    schedule: str = Field(max_length=256)
    timezone: str | None = Field(default=None, max_length=64)
    end_time: datetime | None = None
    enabled: bool = True
    on_run_completed: str | None = Field(default=None, max_length=16)
    payload_json: str = Field(default="{}", description="The run request, as stored.")
    metadata_json: str = Field(default="{}")
    next_run_date: datetime | None = Field(
        default=None, index=True, description="The next tick not yet handled (UTC)."
    )
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CronTick(SQLModel, table=True):
    """One handled tick of a cron; the primary key makes a tick fire at most once."""

    __tablename__ = "tl_cron_ticks"

    cron_id: str = Field(primary_key=True, max_length=36)
    tick_at: datetime = Field(primary_key=True)
    status: str = Field(max_length=16, description="fired, refused or skipped")
    run_id: str | None = Field(default=None, max_length=36)
    thread_id: str | None = Field(default=None, max_length=128)
    replica: str | None = Field(default=None, max_length=64)
    skipped: int = Field(default=0, description="Earlier ticks folded into this one.")
    detail: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class WebhookDelivery(SQLModel, table=True):
    """The POST of one run's result to the URL the run named."""

    __tablename__ = "tl_webhook_deliveries"
    __table_args__ = (Index("ix_tl_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(max_length=36, index=True)
    thread_id: str = Field(max_length=128)
    owner: str = Field(default="", description="The key whose run it is.")
    url: str = Field(max_length=4096)
    status: str = Field(default="waiting", max_length=16)
    payload_json: str | None = Field(default=None, description="The run's result, once it ended.")
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_until: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=64)
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    delivered_at: datetime | None = None


class WebhookAttempt(SQLModel, table=True):
    """One attempt at a delivery: when, by which replica, and what came back."""

    __tablename__ = "tl_webhook_attempts"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(index=True)
    attempt: int
    outcome: str = Field(max_length=16, description="delivered, retry, failed or refused")
    status_code: int | None = None
    error: str | None = Field(default=None, max_length=500)
    duration_ms: float = 0.0
    replica: str | None = Field(default=None, max_length=64)
    started_at: datetime = Field(default_factory=utcnow)


class RunEvent(SQLModel, table=True):
    __tablename__ = "tl_run_events"

    run_id: str = Field(primary_key=True, max_length=36)
    seq: int = Field(primary_key=True)
    event: str = Field(max_length=256)
    data: str
    created_at: datetime = Field(default_factory=utcnow, index=True)
