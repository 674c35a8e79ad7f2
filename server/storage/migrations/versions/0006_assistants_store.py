"""Assistants with versions, and thread TTLs (issue #27).

``tl_assistants`` holds each assistant as it is now (the graph's default one with no owner);
``tl_assistant_versions`` every version an update made. ``tl_thread_ttls`` holds the TTL of each
thread that has one and when the sweeper next looks at it.

The long-term memory store's own tables (``store``, ``store_vectors``, ...) belong to LangGraph's
``AsyncSqliteStore`` / ``AsyncPostgresStore``, which create and migrate them with their
``setup()``.

Revision ID: 0006_assistants_store
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_assistants_store"
down_revision: str | None = "0004"
branch_labels = None
depends_on = None


def _assistant_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("graph_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "tl_assistants",
        sa.Column("assistant_id", sa.String(length=36), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=True),
        *_assistant_columns(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("assistant_id"),
    )
    op.create_index("ix_tl_assistants_owner", "tl_assistants", ["owner"])
    op.create_table(
        "tl_assistant_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assistant_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_assistant_columns(),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assistant_id", "version"),
    )
    op.create_index(
        "ix_tl_assistant_versions_assistant_id", "tl_assistant_versions", ["assistant_id"]
    )
    op.create_table(
        "tl_thread_ttls",
        sa.Column("thread_id", sa.String(length=128), nullable=False),
        sa.Column("strategy", sa.String(length=16), nullable=False),
        sa.Column("ttl_minutes", sa.Float(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("thread_id"),
    )
    op.create_index("ix_tl_thread_ttls_due_at", "tl_thread_ttls", ["due_at"])


def downgrade() -> None:
    op.drop_index("ix_tl_thread_ttls_due_at", table_name="tl_thread_ttls")
    op.drop_table("tl_thread_ttls")
    op.drop_index("ix_tl_assistant_versions_assistant_id", table_name="tl_assistant_versions")
    op.drop_table("tl_assistant_versions")
    op.drop_index("ix_tl_assistants_owner", table_name="tl_assistants")
    op.drop_table("tl_assistants")
