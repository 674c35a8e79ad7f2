"""Assistants: configurations of the graph, each owned by the key that made it, with versions.

``tl_assistants`` holds each assistant as it is now (its latest version, or the version set with
``set_latest``); ``tl_assistant_versions`` every version ever made (an update adds one). The
graph's default assistant is a row too, with no owner (``owner`` NULL): every caller sees it, no
caller changes it. Another key's assistant is, for a caller, no assistant at all.

Same database and same calling convention as :class:`server.storage.store.Store` (short,
synchronous calls that the routes run in a worker thread); this class takes the store's engine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint, func, or_
from sqlmodel import Field, Session, SQLModel, col, delete, select

from server.storage.store import Store
from server.storage.tables import utcnow

OWN_TABLES = ("tl_assistants", "tl_assistant_versions")


class AssistantRow(SQLModel, table=True):
    __tablename__ = "tl_assistants"

    assistant_id: str = Field(primary_key=True, max_length=36)
    owner: str | None = Field(
        default=None,
        index=True,
        max_length=64,
        description="The key that made it; NULL: the system's.",
    )
    graph_id: str = Field(max_length=64)
    name: str = Field(default="Untitled", max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    context: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    metadata_: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column("metadata", JSON, nullable=False)
    )
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class AssistantVersionRow(SQLModel, table=True):
    __tablename__ = "tl_assistant_versions"
    __table_args__ = (UniqueConstraint("assistant_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    assistant_id: str = Field(max_length=36, index=True)
    version: int
    graph_id: str = Field(max_length=64)
    name: str = Field(default="Untitled", max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    context: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    metadata_: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column("metadata", JSON, nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow)


class AssistantNotFound(LookupError):
    """No such assistant for this caller (none, or another key's)."""


class AssistantExists(ValueError):
    """An assistant with that id exists already."""


class SystemAssistant(PermissionError):
    """The graph's default assistant cannot be changed or deleted."""


class VersionNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Assistant:
    """An assistant (or one of its versions) as the API shows it."""

    assistant_id: str
    graph_id: str
    name: str
    description: str | None
    config: dict[str, Any]
    context: dict[str, Any]
    metadata: dict[str, Any]
    version: int
    created_at: datetime
    updated_at: datetime | None
    owner: str | None

    @classmethod
    def of(cls, row: AssistantRow | AssistantVersionRow, owner: str | None) -> Assistant:
        return cls(
            assistant_id=row.assistant_id,
            graph_id=row.graph_id,
            name=row.name,
            description=row.description,
            config=dict(row.config or {}),
            context=dict(row.context or {}),
            metadata=dict(row.metadata_ or {}),
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at if isinstance(row, AssistantRow) else None,
            owner=owner,
        )


SORTABLE = ("assistant_id", "graph_id", "name", "created_at", "updated_at")


class AssistantStore:
    """The assistants of every key, in the store's database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _session(self) -> Any:
        return self.store.db.session()

    def _contains(self, column: Any, value: dict[str, Any]) -> Any:
        """``column`` (a JSON object) holds every key of ``value`` with an equal value."""
        conditions = []
        for key, wanted in value.items():
            if self.store.shared:
                from sqlalchemy import cast
                from sqlalchemy.dialects.postgresql import JSONB

                conditions.append(cast(column, JSONB).contains({key: wanted}))
            elif wanted is None:
                conditions.append(func.json_type(column, "$." + json.dumps(key)) == "null")
            else:
                conditions.append(
                    func.json_extract(column, "$." + json.dumps(key))
                    == func.json_extract(json.dumps(wanted, separators=(",", ":")), "$")
                )
        return conditions

    def ensure_system(self, assistant: dict[str, Any]) -> None:
        """Make the graph's default assistant (no owner) if it is not there."""
        with self._session() as session:
            statement = (
                self.store.db.insert(AssistantRow)
                .values(
                    assistant_id=assistant["assistant_id"],
                    owner=None,
                    graph_id=assistant["graph_id"],
                    name=assistant["name"],
                    description=assistant["description"],
                    config=assistant["config"],
                    context=assistant["context"],
                    metadata=assistant["metadata"],
                    version=1,
                    created_at=datetime.fromisoformat(assistant["created_at"]),
                    updated_at=datetime.fromisoformat(assistant["updated_at"]),
                )
                .on_conflict_do_nothing(index_elements=["assistant_id"])
            )
            session.exec(statement)
            session.commit()

    def _visible(self, session: Session, assistant_id: str, owner: str) -> AssistantRow:
        row = session.get(AssistantRow, assistant_id)
        if row is None or (row.owner is not None and row.owner != owner):
            raise AssistantNotFound(assistant_id)
        return row

    def _writable(self, session: Session, assistant_id: str, owner: str) -> AssistantRow:
        row = self._visible(session, assistant_id, owner)
        if row.owner is None:
            raise SystemAssistant(assistant_id)
        return row

    def get(self, assistant_id: str, owner: str) -> Assistant:
        with self._session() as session:
            row = self._visible(session, assistant_id, owner)
            return Assistant.of(row, row.owner)

    def create(
        self,
        assistant_id: str,
        owner: str,
        *,
        graph_id: str,
        config: dict[str, Any],
        context: dict[str, Any],
        metadata: dict[str, Any],
        name: str,
        description: str | None,
        if_exists: str = "raise",
    ) -> Assistant:
        """A new assistant (version 1); with an id that exists: AssistantExists, or with
        ``if_exists="do_nothing"`` the caller's existing one unchanged."""
        now = utcnow()
        values = {
            "assistant_id": assistant_id,
            "graph_id": graph_id,
            "config": config,
            "context": context,
            "metadata": metadata,
            "name": name,
            "description": description,
            "version": 1,
            "created_at": now,
        }
        with self._session() as session:
            made = session.exec(
                self.store.db.insert(AssistantRow)
                .values(**values, owner=owner, updated_at=now)
                .on_conflict_do_nothing(index_elements=["assistant_id"])
                .returning(col(AssistantRow.assistant_id))
            ).first()
            if made is None:
                session.rollback()
                existing = session.get(AssistantRow, assistant_id)
                if (
                    if_exists == "do_nothing"
                    and existing is not None
                    and existing.owner in (owner, None)
                ):
                    return Assistant.of(existing, existing.owner)
                raise AssistantExists(assistant_id)
            session.exec(self.store.db.insert(AssistantVersionRow).values(**values))
            session.commit()
            row = session.get(AssistantRow, assistant_id)
            assert row is not None
            return Assistant.of(row, owner)

    def update(
        self,
        assistant_id: str,
        owner: str,
        *,
        graph_id: str | None = None,
        config: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        name: str | None = None,
        description: str | None = None,
    ) -> Assistant:
        """A new version from the current one and the given fields (``metadata`` is merged into
        the current; the others replace it), made the current one."""
        with self._session() as session:
            row = self._writable(session, assistant_id, owner)
            if self.store.shared:  # one new version at a time per assistant
                session.exec(
                    select(AssistantRow)
                    .where(AssistantRow.assistant_id == assistant_id)
                    .with_for_update()
                ).first()
            latest = session.exec(
                select(func.max(AssistantVersionRow.version)).where(
                    AssistantVersionRow.assistant_id == assistant_id
                )
            ).one()
            version = int(latest or 0) + 1
            now = utcnow()
            row.graph_id = graph_id if graph_id is not None else row.graph_id
            row.config = config if config else dict(row.config or {})
            row.context = context if context is not None else dict(row.context or {})
            row.metadata_ = {**(row.metadata_ or {}), **(metadata or {})}
            row.name = name if name is not None else row.name
            row.description = description if description is not None else row.description
            session.exec(
                self.store.db.insert(AssistantVersionRow).values(
                    assistant_id=assistant_id,
                    version=version,
                    graph_id=row.graph_id,
                    config=row.config,
                    context=row.context,
                    metadata=row.metadata_,
                    name=row.name,
                    description=row.description,
                    created_at=now,
                )
            )
            row.version, row.updated_at = version, now
            session.add(row)
            session.commit()
            session.refresh(row)
            return Assistant.of(row, owner)

    def set_latest(self, assistant_id: str, owner: str, version: int) -> Assistant:
        """Make ``version`` the current one (VersionNotFound if it does not exist)."""
        with self._session() as session:
            row = self._writable(session, assistant_id, owner)
            found = session.exec(
                select(AssistantVersionRow).where(
                    AssistantVersionRow.assistant_id == assistant_id,
                    AssistantVersionRow.version == version,
                )
            ).first()
            if found is None:
                raise VersionNotFound(f"{assistant_id} v{version}")
            row.graph_id, row.config, row.context = (
                found.graph_id,
                dict(found.config or {}),
                dict(found.context or {}),
            )
            row.metadata_, row.name, row.description = (
                dict(found.metadata_ or {}),
                found.name,
                found.description,
            )
            row.version, row.updated_at = found.version, utcnow()
            session.add(row)
            session.commit()
            session.refresh(row)
            return Assistant.of(row, owner)

    def versions(
        self,
        assistant_id: str,
        owner: str,
        metadata: dict[str, Any] | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[Assistant]:
        """Its versions, newest first (those whose metadata holds ``metadata``)."""
        with self._session() as session:
            row = self._visible(session, assistant_id, owner)
            query = select(AssistantVersionRow).where(
                AssistantVersionRow.assistant_id == assistant_id,
                *self._contains(AssistantVersionRow.__table__.c.metadata, metadata or {}),  # type: ignore[attr-defined]
            )
            query = query.order_by(col(AssistantVersionRow.version).desc())
            rows = session.exec(query.offset(offset).limit(limit)).all()
            return [Assistant.of(v, row.owner) for v in rows]

    def delete(self, assistant_id: str, owner: str) -> None:
        with self._session() as session:
            row = self._writable(session, assistant_id, owner)
            session.exec(
                delete(AssistantVersionRow).where(
                    col(AssistantVersionRow.assistant_id) == assistant_id
                )
            )
            session.delete(row)
            session.commit()

    def _filtered(
        self,
        query: Any,
        owner: str,
        graph_id: str | None,
        name: str | None,
        metadata: dict[str, Any] | None,
    ) -> Any:
        query = query.where(
            or_(col(AssistantRow.owner).is_(None), col(AssistantRow.owner) == owner)
        )
        if graph_id is not None:
            query = query.where(AssistantRow.graph_id == graph_id)
        if name:
            query = query.where(func.lower(col(AssistantRow.name)).contains(name.lower()))
        table = AssistantRow.__table__  # type: ignore[attr-defined]
        return query.where(*self._contains(table.c.metadata, metadata or {}))

    def search(
        self,
        owner: str,
        *,
        graph_id: str | None = None,
        name: str | None = None,
        metadata: dict[str, Any] | None = None,
        limit: int = 10,
        offset: int = 0,
        sort_by: str | None = None,
        sort_order: str | None = None,
    ) -> tuple[list[Assistant], int]:
        """The caller's assistants and the system's, filtered (``name``: a case-insensitive part
        of the name; ``metadata``: each key equal), one page, and how many match in all."""
        column = getattr(AssistantRow, sort_by if sort_by in SORTABLE else "created_at")
        descending = sort_order != "asc" if sort_by in SORTABLE else True
        with self._session() as session:
            query = self._filtered(select(AssistantRow), owner, graph_id, name, metadata)
            query = query.order_by(
                col(column).desc() if descending else col(column).asc(),
                col(AssistantRow.assistant_id),
            )
            rows = session.exec(query.offset(offset).limit(limit)).all()
            total = session.exec(
                self._filtered(
                    select(func.count()).select_from(AssistantRow), owner, graph_id, name, metadata
                )
            ).one()
            return [Assistant.of(row, row.owner) for row in rows], int(total)

    def count(
        self,
        owner: str,
        *,
        graph_id: str | None = None,
        name: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> int:
        with self._session() as session:
            query = self._filtered(
                select(func.count()).select_from(AssistantRow), owner, graph_id, name, metadata
            )
            return int(session.exec(query).one())
