"""Crons and their ticks, webhook deliveries and their attempts, and the kept events of resumable
runs (issue 27: server/storage/cron_store.py, webhook_store.py, event_store.py).

``tl_cron_ticks`` has the key ``(cron_id, tick_at)``: a tick's row is inserted with ``ON CONFLICT
DO NOTHING`` in the transaction that stores its run, so across replicas a tick fires once.

Revision ID: 0007_crons_webhooks
Revises: 0006_assistants_store (written on 0004; chained after the assistants and store revision once main had it)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_crons_webhooks"
down_revision: str | None = "0006_assistants_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tl_crons",
        sa.Column("cron_id", sa.String(length=36), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("assistant_id", sa.String(length=36), nullable=False),
        sa.Column("thread_id", sa.String(length=128), nullable=True),
        sa.Column("schedule", sa.String(length=256), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("end_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("on_run_completed", sa.String(length=16), nullable=True),
        sa.Column("payload_json", sa.String(), nullable=False),
        sa.Column("metadata_json", sa.String(), nullable=False),
        sa.Column("next_run_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cron_id"),
    )
    op.create_index("ix_tl_crons_owner", "tl_crons", ["owner"])
    op.create_index("ix_tl_crons_thread_id", "tl_crons", ["thread_id"])
    op.create_index("ix_tl_crons_next_run_date", "tl_crons", ["next_run_date"])
    op.create_table(
        "tl_cron_ticks",
        sa.Column("cron_id", sa.String(length=36), nullable=False),
        sa.Column("tick_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=True),
        sa.Column("thread_id", sa.String(length=128), nullable=True),
        sa.Column("replica", sa.String(length=64), nullable=True),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cron_id", "tick_at"),
    )
    op.create_table(
        "tl_webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("thread_id", sa.String(length=128), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("url", sa.String(length=4096), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("payload_json", sa.String(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tl_webhook_deliveries_run_id", "tl_webhook_deliveries", ["run_id"])
    op.create_index(
        "ix_tl_webhook_deliveries_due", "tl_webhook_deliveries", ["status", "next_attempt_at"]
    )
    op.create_table(
        "tl_webhook_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("replica", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tl_webhook_attempts_delivery_id", "tl_webhook_attempts", ["delivery_id"])
    op.create_table(
        "tl_run_events",
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=256), nullable=False),
        sa.Column("data", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "seq"),
    )
    op.create_index("ix_tl_run_events_created_at", "tl_run_events", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_tl_run_events_created_at", table_name="tl_run_events")
    op.drop_table("tl_run_events")
    op.drop_index("ix_tl_webhook_attempts_delivery_id", table_name="tl_webhook_attempts")
    op.drop_table("tl_webhook_attempts")
    op.drop_index("ix_tl_webhook_deliveries_due", table_name="tl_webhook_deliveries")
    op.drop_index("ix_tl_webhook_deliveries_run_id", table_name="tl_webhook_deliveries")
    op.drop_table("tl_webhook_deliveries")
    op.drop_table("tl_cron_ticks")
    op.drop_index("ix_tl_crons_next_run_date", table_name="tl_crons")
    op.drop_index("ix_tl_crons_thread_id", table_name="tl_crons")
    op.drop_index("ix_tl_crons_owner", table_name="tl_crons")
    op.drop_table("tl_crons")
