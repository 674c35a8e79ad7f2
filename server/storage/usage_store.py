"""Usage per key and UTC day: requests, errors, tokens, tool calls."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Connection
from sqlmodel import col, select

from server.storage.engine import Database
from server.storage.tables import (
    UsageDay,
    UsageDelta,
    utcnow,
)

COUNTS = ("requests", "errors", "prompt_tokens", "completion_tokens", "tool_calls")


class UsageStore:
    """Usage per key and UTC day: requests, errors, tokens, tool calls."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add_usage(
        self, key: str, *, error: bool, prompt_tokens: int, completion_tokens: int, tool_calls: int
    ) -> None:
        """Add one request to the key's row for today (UTC), as one atomic upsert."""
        delta = UsageDelta(key, 1, int(error), prompt_tokens, completion_tokens, tool_calls)
        with self.db.session() as session:
            self._add(session.connection(), delta)
            session.commit()

    def _add(self, conn: Connection, delta: UsageDelta) -> None:
        """Add ``delta`` to the key's row for today, in the caller's transaction."""
        conn.execute(
            self._upsert,
            {
                "key": delta.key,
                "day": utcnow().date().isoformat(),
                "requests": delta.requests,
                "errors": delta.errors,
                "prompt_tokens": delta.prompt_tokens,
                "completion_tokens": delta.completion_tokens,
                "tool_calls": delta.tool_calls,
            },
        )

    @functools.cached_property
    def _upsert(self) -> Any:
        """One upsert statement, its values given as parameters (compiled once)."""
        table = UsageDay.__table__  # type: ignore[attr-defined]
        insert = self.db.insert(table)
        return insert.on_conflict_do_update(
            index_elements=["key", "day"],
            set_={name: table.c[name] + insert.excluded[name] for name in COUNTS},
        )

    def days(self, key: str | None = None, since: str | None = None) -> list[UsageDay]:
        with self.db.session() as session:
            query = select(UsageDay)
            if key is not None:
                query = query.where(UsageDay.key == key)
            if since is not None:
                query = query.where(col(UsageDay.day) >= since)
            return list(session.exec(query.order_by(col(UsageDay.day), col(UsageDay.key))))
