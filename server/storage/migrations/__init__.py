"""Alembic migrations of toolloom's own tables (threads, transcript, runs, keys, usage, leases).

:func:`upgrade` brings a database to the newest revision; ``Store`` calls it when it opens a
database and ``toolloom db upgrade`` calls it by hand. Revision 0001 is the schema toolloom had
before migrations and creates only the tables that are missing, so a SQLite file made by that
code (no ``alembic_version`` table) is adopted and upgraded like any other. On PostgreSQL the
upgrade holds an advisory lock, so replicas starting together migrate one after another.

The checkpointer's tables (``checkpoints``, ``writes``, ``checkpoint_blobs``, ...) belong to
LangGraph's savers, which create and migrate them with their own ``setup()``.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

HERE = Path(__file__).resolve().parent
ADVISORY_LOCK_KEY = 7_318_204_113  # any constant; shared by every replica's migrations
OWN_TABLE_PREFIX = "tl_"
_IN_PROCESS = threading.Lock()  # Alembic's ``context`` is module-global: one upgrade at a time


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """Alembic's configuration for toolloom's scripts; ``env.py`` uses ``connection`` if given."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision id."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None
    return revision


def current(engine: Engine) -> str | None:
    """The database's revision (None: never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate toolloom's tables to ``revision``, in one transaction."""
    with _IN_PROCESS, engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
