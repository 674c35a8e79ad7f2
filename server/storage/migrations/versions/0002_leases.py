"""Run leases and thread holds for several replicas on one database.

``tl_runs`` learns which replica runs a run and when that replica last renewed it; a run whose
heartbeat is older than the lease is marked interrupted by any replica. ``tl_thread_leases`` holds
one row per thread a run holds (one run at a time per thread across replicas).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tl_runs") as batch:
        batch.add_column(sa.Column("replica", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "tl_thread_leases",
        sa.Column("thread_id", sa.String(length=128), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("replica", sa.String(length=64), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("thread_id"),
    )
    op.create_index("ix_tl_thread_leases_replica", "tl_thread_leases", ["replica"])


def downgrade() -> None:
    op.drop_index("ix_tl_thread_leases_replica", table_name="tl_thread_leases")
    op.drop_table("tl_thread_leases")
    with op.batch_alter_table("tl_runs") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("replica")
