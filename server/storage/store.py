"""toolloom's own tables beside the checkpoints, one store per resource on one database.

The checkpointer keeps the graph's working state; these tables keep what the API serves: who owns
a thread (:attr:`Store.threads`), its runs and the replica that runs them (:attr:`Store.runs`),
every message with its time and the stage that produced each tool call
(:attr:`Store.transcript`), leases for several replicas (:attr:`Store.leases`), API keys stored
hashed (:attr:`Store.keys`), usage per key and day (:attr:`Store.usage`), and the copy of a whole
installation into another database (:attr:`Store.transfer`). One API on two backends: a SQLite
file (the default, one process) or PostgreSQL (``TOOLLOOM_DATABASE_URL``, shared by every
replica), migrated on open (:mod:`server.storage.engine`). Calls are short, synchronous and run
in a worker thread (``asyncio.to_thread``) so the event loop never blocks on the database; while
PostgreSQL is unreachable every call raises :class:`~graph.databases.DatabaseUnavailable` (the
API answers 503).
"""

from __future__ import annotations

from pathlib import Path

from graph.databases import PoolOptions
from server.settings import Settings
from server.storage.engine import Database, database_of, pool_options
from server.storage.key_store import KeyStore
from server.storage.lease_store import LeaseStore
from server.storage.run_store import RunStore
from server.storage.thread_store import ThreadStore
from server.storage.transcript_store import TranscriptStore
from server.storage.transfer_store import TransferStore
from server.storage.usage_store import UsageStore


class Store:
    """The stores of one database (see the module docstring)."""

    def __init__(
        self,
        target: Path | str,
        *,
        replica_id: str | None = None,
        pool: PoolOptions | None = None,
        migrate: bool = True,
    ) -> None:
        self.db = Database(target, replica_id=replica_id, pool=pool, migrate=migrate)
        self.transcript = TranscriptStore(self.db)
        self.usage = UsageStore(self.db)
        self.threads = ThreadStore(self.db, self.transcript)
        self.runs = RunStore(self.db, self.threads, self.transcript, self.usage)
        self.leases = LeaseStore(self.db, self.runs)
        self.keys = KeyStore(self.db)
        self.transfer = TransferStore(self.db)

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True) -> Store:
        """The store the settings name: PostgreSQL if TOOLLOOM_DATABASE_URL is set, else the
        SQLite file TOOLLOOM_DB."""
        return cls(
            database_of(settings),
            replica_id=settings.replica_id,
            pool=pool_options(settings),
            migrate=migrate,
        )

    @property
    def shared(self) -> bool:
        """True when several processes may share this database (PostgreSQL)."""
        return self.db.shared

    @property
    def replica_id(self) -> str:
        return self.db.replica_id

    def close(self) -> None:
        self.db.close()
