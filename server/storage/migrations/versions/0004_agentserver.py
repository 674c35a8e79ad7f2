"""Runs are records, threads have metadata and a status (the LangGraph Agent Server API).

``tl_runs`` learns the public run id (a UUID; existing rows get one), the assistant, the
double-texting strategy, the request as stored (``kwargs_json``: a pending run is executed from
it, after a restart or by another replica), its metadata, creation and update times, and a
cancellation asked for while it runs (``cancel``: interrupt or rollback, read by the replica that
runs it). Statuses take the Agent Server's words: ``succeeded`` becomes ``success``, ``failed``
becomes ``error``; ``pending``, ``running`` and ``interrupted`` keep theirs.

``tl_threads`` learns its metadata, its status (idle, busy, interrupted, error), the interrupts
its last run left and when its state last changed. ``tl_messages`` learns which run wrote each
message, so a rolled-back run's transcript goes with its checkpoints.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tl_runs") as batch:
        batch.add_column(sa.Column("run_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("assistant_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("multitask_strategy", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("kwargs_json", sa.String(), nullable=True))
        batch.add_column(
            sa.Column("metadata_json", sa.String(), nullable=False, server_default="{}")
        )
        batch.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("cancel", sa.String(length=16), nullable=True))
    bind = op.get_bind()
    runs = sa.table(
        "tl_runs",
        sa.column("id", sa.Integer()),
        sa.column("run_id", sa.String()),
        sa.column("status", sa.String()),
        sa.column("started_at", sa.DateTime(timezone=True)),
        sa.column("finished_at", sa.DateTime(timezone=True)),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    for (row_id,) in bind.execute(sa.select(runs.c.id)).all():
        bind.execute(sa.update(runs).where(runs.c.id == row_id).values(run_id=str(uuid.uuid4())))
    bind.execute(
        sa.update(runs).values(
            created_at=runs.c.started_at,
            updated_at=sa.func.coalesce(runs.c.finished_at, runs.c.started_at),
        )
    )
    bind.execute(sa.update(runs).where(runs.c.status == "succeeded").values(status="success"))
    bind.execute(sa.update(runs).where(runs.c.status == "failed").values(status="error"))
    with op.batch_alter_table("tl_runs") as batch:
        batch.alter_column("run_id", existing_type=sa.String(length=36), nullable=False)
        batch.alter_column("created_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    op.create_index("ix_tl_runs_run_id", "tl_runs", ["run_id"], unique=True)

    with op.batch_alter_table("tl_threads") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="idle")
        )
        batch.add_column(
            sa.Column("metadata_json", sa.String(), nullable=False, server_default="{}")
        )
        batch.add_column(
            sa.Column("interrupts_json", sa.String(), nullable=False, server_default="{}")
        )
        batch.add_column(sa.Column("state_updated_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("tl_messages") as batch:
        batch.add_column(sa.Column("run_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tl_messages") as batch:
        batch.drop_column("run_id")
    with op.batch_alter_table("tl_threads") as batch:
        for name in ("state_updated_at", "interrupts_json", "metadata_json", "status"):
            batch.drop_column(name)
    op.drop_index("ix_tl_runs_run_id", table_name="tl_runs")
    bind = op.get_bind()
    runs = sa.table("tl_runs", sa.column("status", sa.String()))
    bind.execute(sa.update(runs).where(runs.c.status == "success").values(status="succeeded"))
    bind.execute(sa.update(runs).where(runs.c.status == "error").values(status="failed"))
    bind.execute(sa.update(runs).where(runs.c.status == "pending").values(status="interrupted"))
    with op.batch_alter_table("tl_runs") as batch:
        for name in (
            "cancel",
            "updated_at",
            "created_at",
            "metadata_json",
            "kwargs_json",
            "multitask_strategy",
            "assistant_id",
            "run_id",
        ):
            batch.drop_column(name)
