"""Several models and per-key limits.

``tl_api_keys`` learns per-key limit overrides (null: the settings' default; 0: no limit);
``tl_runs`` records the backend that answered each model call of a run; ``tl_messages`` the
backend that wrote an assistant message.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tl_api_keys") as batch:
        batch.add_column(sa.Column("rate_limit_rpm", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("tokens_per_day", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("tl_runs") as batch:
        batch.add_column(sa.Column("models", sa.String(length=2000), nullable=True))
    with op.batch_alter_table("tl_messages") as batch:
        batch.add_column(sa.Column("model", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tl_messages") as batch:
        batch.drop_column("model")
    with op.batch_alter_table("tl_runs") as batch:
        batch.drop_column("models")
    with op.batch_alter_table("tl_api_keys") as batch:
        batch.drop_column("tokens_per_day")
        batch.drop_column("rate_limit_rpm")
