"""toolloom's own tables (SQLModel), which the migrations manage: threads, runs, the transcript,
API keys, usage, thread leases. The checkpointer's tables are LangGraph's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import BigInteger, Index, MetaData, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Thread(SQLModel, table=True):
    __tablename__ = "tl_threads"

    id: str = Field(primary_key=True, max_length=128)
    owner: str = Field(
        default="", index=True, description="Name of the API key that made it; '' without keys."
    )
    title: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    message_count: int = 0
    last_message_id: str | None = None
    status: str = Field(
        default="idle",
        max_length=16,
        description="idle, busy (a run is pending or running), interrupted (its checkpoint waits "
        "for a resume), error (its last run failed).",
    )
    metadata_json: str = Field(default="{}", description="The thread's metadata, a JSON object.")
    interrupts_json: str = Field(
        default="{}", description="The interrupts its last run left, by task id (JSON)."
    )
    state_updated_at: datetime | None = None


def new_run_id() -> str:
    return str(uuid.uuid4())


RUN_STATUSES = ("pending", "running", "success", "error", "timeout", "interrupted")
ACTIVE = ("pending", "running")
"""A thread with a run in one of these states is busy."""


class RunRow(SQLModel, table=True):
    """One run of the graph on a thread: pending (stored, waiting its turn), running, then
    success, error or interrupted (cancelled, stopped by a newer run, or its server died mid-run:
    marked at the next start on SQLite, or by any replica once the run's lease expired on
    PostgreSQL)."""

    __tablename__ = "tl_runs"

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(default_factory=new_run_id, max_length=36, unique=True, index=True)
    thread_id: str = Field(index=True, max_length=128)
    status: str = Field(default="running", index=True)
    assistant_id: str | None = Field(default=None, max_length=36)
    multitask_strategy: str | None = Field(default=None, max_length=16)
    kwargs_json: str | None = Field(
        default=None,
        description="The Agent Server request as stored (input, command, config, stream modes, "
        "...): a pending run is executed from it, here after a restart or on another replica.",
    )
    metadata_json: str = Field(default="{}")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    cancel: str | None = Field(
        default=None,
        max_length=16,
        description="A cancellation asked for while it runs (interrupt or rollback), for the "
        "replica that runs it.",
    )
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    error: str | None = Field(default=None, max_length=500)
    replica: str | None = Field(
        default=None,
        max_length=64,
        description="The replica that runs it (its TOOLLOOM_REPLICA_ID).",
    )
    heartbeat_at: datetime | None = Field(
        default=None, description="Last renewal of the run's lease by its replica."
    )
    models: str | None = Field(
        default=None,
        max_length=2000,
        description="The backend that answered each model call of the run, in order, "
        "comma-separated (models-file entry names).",
    )


class MessageRow(SQLModel, table=True):
    __tablename__ = "tl_messages"
    __table_args__ = (
        UniqueConstraint("thread_id", "message_id"),
        Index("ix_tl_messages_thread_seq", "thread_id", "seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    thread_id: str = Field(max_length=128)
    seq: int
    message_id: str
    role: str
    content: str
    tool_calls: str | None = None
    tool_call_id: str | None = None
    name: str | None = None
    status: str | None = None
    stage: str | None = None
    duration_ms: float | None = None
    model: str | None = Field(
        default=None, max_length=128, description="The backend that wrote an assistant message."
    )
    created_at: datetime = Field(default_factory=utcnow)
    run_id: str | None = Field(default=None, max_length=36, description="The run that wrote it.")


class UsageDay(SQLModel, table=True):
    __tablename__ = "tl_usage"
    __table_args__ = (UniqueConstraint("key", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, description="The API key's name ('' without keys).")
    day: str = Field(max_length=10, index=True, description="UTC date, YYYY-MM-DD.")
    requests: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tool_calls: int = 0


class ThreadLease(SQLModel, table=True):
    """A thread held by one run (one run at a time per thread, across replicas). A row whose
    ``expires_at`` has passed is free: its holder died without releasing it."""

    __tablename__ = "tl_thread_leases"

    thread_id: str = Field(primary_key=True, max_length=128)
    holder: str = Field(max_length=128, description="Unique per hold: replica id and a UUID.")
    replica: str = Field(max_length=64, index=True)
    acquired_at: datetime
    expires_at: datetime


OWN_TABLES = ("tl_threads", "tl_runs", "tl_messages", "tl_api_keys", "tl_usage", "tl_thread_leases")


def own_metadata() -> MetaData:
    """toolloom's tables only (what the migrations manage)."""
    metadata = MetaData()
    for table in SQLModel.metadata.sorted_tables:
        if table.name in OWN_TABLES or table.name.startswith("tl_"):
            table.to_metadata(metadata)
    return metadata


@dataclass(frozen=True)
class UsageDelta:
    """What one request (or one run of it) adds to a key's usage row for today."""

    key: str
    requests: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    tool_calls: int


@dataclass(frozen=True)
class Stopped:
    """A running run asked to stop (a cancel, or a newer run's ``interrupt`` / ``rollback``):
    the replica that runs it stops it (this one at once; another through ``tl_runs.cancel``)."""

    run_id: str
    thread_id: str
    replica: str | None
    action: str


SCOPES = ("admin", "read", "runs")
"""``runs``: run the agent (every surface) and change threads; ``read``: threads, transcripts,
state, history, runs, the tools and models; ``admin``: keys and usage."""
ALL_SCOPES = ",".join(SCOPES)


class ApiKey(SQLModel, table=True):
    __tablename__ = "tl_api_keys"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    key_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    rate_limit_rpm: int | None = Field(
        default=None, description="Requests per minute for this key; null: TOOLLOOM_RATE_LIMIT_RPM."
    )
    tokens_per_day: int | None = Field(
        default=None,
        sa_type=BigInteger,
        description="Model tokens per UTC day for this key; null: TOOLLOOM_TOKENS_PER_DAY.",
    )
    scopes: str = Field(
        default=ALL_SCOPES,
        max_length=200,
        description="Comma-separated: runs, read, admin.",
    )
    expires_at: datetime | None = Field(default=None, description="Null: never.")
    previous_hash: str | None = Field(
        default=None, max_length=64, description="The secret before the last rotation."
    )
    previous_until: datetime | None = Field(
        default=None, description="Until when the secret before the last rotation still works."
    )
    rotated_at: datetime | None = None
