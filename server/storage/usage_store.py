"""Usage per key and UTC day: requests, errors, tokens, tool calls."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from server.storage.engine import Database
from server.storage.tables import (
    UsageDay,
    UsageDelta,
    utcnow,
)


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
            session.exec(self._usage_upsert(delta))
            session.commit()

    def _usage_upsert(self, delta: UsageDelta) -> Any:
        values = {
            "requests": delta.requests,
            "errors": delta.errors,
            "prompt_tokens": delta.prompt_tokens,
            "completion_tokens": delta.completion_tokens,
            "tool_calls": delta.tool_calls,
        }
        insert = self.db.insert(UsageDay).values(
            key=delta.key, day=utcnow().date().isoformat(), **values
        )
        return insert.on_conflict_do_update(
            index_elements=["key", "day"],
            set_={
                name: getattr(UsageDay, name) + getattr(insert.excluded, name) for name in values
            },
        )

    def days(self, key: str | None = None, since: str | None = None) -> list[UsageDay]:
        with self.db.session() as session:
            query = select(UsageDay)
            if key is not None:
                query = query.where(UsageDay.key == key)
            if since is not None:
                query = query.where(col(UsageDay.day) >= since)
            return list(session.exec(query.order_by(col(UsageDay.day), col(UsageDay.key))))
