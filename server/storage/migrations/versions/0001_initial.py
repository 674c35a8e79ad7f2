"""The schema toolloom had before migrations: threads, transcript, runs, API keys, usage.

Exactly what ``SQLModel.metadata.create_all`` made (tests/fixtures/schema_v0_*.sql). A table that
exists already is left as it is, so a database made by that code is adopted without a stamp.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def _missing(table: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    if _missing("tl_api_keys"):
        op.create_table(
            "tl_api_keys",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(length=64), nullable=False),
            sa.Column("key_hash", sa.String(length=64), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("name"),
        )
    if _missing("tl_messages"):
        op.create_table(
            "tl_messages",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("thread_id", sa.String(length=128), nullable=False),
            sa.Column("seq", sa.Integer(), nullable=False),
            sa.Column("message_id", sa.String(), nullable=False),
            sa.Column("role", sa.String(), nullable=False),
            sa.Column("content", sa.String(), nullable=False),
            sa.Column("tool_calls", sa.String(), nullable=True),
            sa.Column("tool_call_id", sa.String(), nullable=True),
            sa.Column("name", sa.String(), nullable=True),
            sa.Column("status", sa.String(), nullable=True),
            sa.Column("stage", sa.String(), nullable=True),
            sa.Column("duration_ms", sa.Float(), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("thread_id", "message_id"),
        )
        op.create_index("ix_tl_messages_thread_seq", "tl_messages", ["thread_id", "seq"])
    if _missing("tl_runs"):
        op.create_table(
            "tl_runs",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("thread_id", sa.String(length=128), nullable=False),
            sa.Column("status", sa.String(), nullable=False),
            sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("error", sa.String(length=500), nullable=True),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_tl_runs_status", "tl_runs", ["status"])
        op.create_index("ix_tl_runs_thread_id", "tl_runs", ["thread_id"])
    if _missing("tl_threads"):
        op.create_table(
            "tl_threads",
            sa.Column("id", sa.String(length=128), nullable=False),
            sa.Column("owner", sa.String(), nullable=False),
            sa.Column("title", sa.String(length=200), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("message_count", sa.Integer(), nullable=False),
            sa.Column("last_message_id", sa.String(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_tl_threads_owner", "tl_threads", ["owner"])
        op.create_index("ix_tl_threads_updated_at", "tl_threads", ["updated_at"])
    if _missing("tl_usage"):
        op.create_table(
            "tl_usage",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("key", sa.String(length=64), nullable=False),
            sa.Column("day", sa.String(length=10), nullable=False),
            sa.Column("requests", sa.Integer(), nullable=False),
            sa.Column("errors", sa.Integer(), nullable=False),
            sa.Column("prompt_tokens", sa.Integer(), nullable=False),
            sa.Column("completion_tokens", sa.Integer(), nullable=False),
            sa.Column("tool_calls", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("key", "day"),
        )
        op.create_index("ix_tl_usage_day", "tl_usage", ["day"])


def downgrade() -> None:
    for table in ("tl_usage", "tl_threads", "tl_runs", "tl_messages", "tl_api_keys"):
        op.drop_table(table)
