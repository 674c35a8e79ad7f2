"""Alembic's entry point: migrates the connection it is handed (or the URL it is given)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

from server.storage import agent_tables  # noqa: F401 (its tables are toolloom's too)
from server.storage.migrations import ADVISORY_LOCK_KEY, OWN_TABLE_PREFIX
from server.storage.tables import own_metadata


def _own(name: str | None, type_: str, *_: Any) -> bool:
    """Only toolloom's tables: the checkpointer's tables share the database."""
    return type_ != "table" or bool(name and name.startswith(OWN_TABLE_PREFIX))


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=own_metadata(),
        include_name=_own,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
        context.run_migrations()


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("toolloom's migrations need a connection or sqlalchemy.url")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            _migrate(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("toolloom's migrations run online only")
run()
