"""Scoped, expiring, rotatable API keys.

``tl_api_keys`` learns each key's scopes (comma-separated ``admin,read,runs``), an optional
expiry, and the secret it had before its last rotation with the time until which that one still
works. Keys made before keep every right: their scopes are set to all three.

Revision ID: 0005_auth
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_auth"
down_revision: str | None = "0004"
branch_labels = None
depends_on = None

ALL_SCOPES = "admin,read,runs"


def upgrade() -> None:
    with op.batch_alter_table("tl_api_keys") as batch:
        batch.add_column(
            sa.Column("scopes", sa.String(length=200), nullable=False, server_default=ALL_SCOPES)
        )
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("previous_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("previous_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(sa.text("UPDATE tl_api_keys SET scopes = :all").bindparams(all=ALL_SCOPES))
    with op.batch_alter_table("tl_api_keys") as batch:
        batch.alter_column("scopes", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("tl_api_keys") as batch:
        batch.drop_column("rotated_at")
        batch.drop_column("previous_until")
        batch.drop_column("previous_hash")
        batch.drop_column("expires_at")
        batch.drop_column("scopes")
