"""A LangGraph auth filter (``{"owner": "alice"}``, ``{"k": {"$eq": v}}``, ``{"tags": {"$contains":
x}}``, ``$or`` / ``$and``) as a SQL condition on a JSON metadata column, on SQLite and on
PostgreSQL, so a search applies it before paging (``server/auth/filters.py`` is the same test in
Python, for one resource)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, cast, exists, false, func, literal, or_, select, true
from sqlalchemy.dialects.postgresql import JSONB


def filter_clause(column: Any, filters: Mapping[str, Any] | None, *, postgres: bool) -> Any:
    """The condition ``metadata`` (a JSON text column) must meet; TRUE for no filter."""
    if not filters:
        return true()
    parts = []
    for key, value in filters.items():
        if key == "$or":
            parts.append(or_(*(filter_clause(column, g, postgres=postgres) for g in value)))
        elif key == "$and":
            parts.append(and_(*(filter_clause(column, g, postgres=postgres) for g in value)))
        elif isinstance(value, Mapping) and next(iter(value), None) == "$contains":
            wanted = value["$contains"]
            items = wanted if isinstance(wanted, list) else [wanted]
            parts.append(_contains(column, key, items, postgres))
        elif isinstance(value, Mapping) and next(iter(value), None) == "$eq":
            parts.append(_equals(column, key, value["$eq"], postgres))
        else:
            parts.append(_equals(column, key, value, postgres))
    return and_(*parts)


def _equals(column: Any, key: str, value: Any, postgres: bool) -> Any:
    if postgres:
        return cast(column, JSONB).contains({key: value})
    path = "$." + json.dumps(key)
    if value is None:
        return func.json_type(column, path) == "null"
    return func.json_extract(column, path) == func.json_extract(
        json.dumps(value, separators=(",", ":")), "$"
    )


def _contains(column: Any, key: str, items: list[Any], postgres: bool) -> Any:
    if postgres:
        document = cast(column, JSONB)
        return (func.jsonb_typeof(document[key]) == "array") & document.contains({key: items})
    path = "$." + json.dumps(key)
    if any(isinstance(item, dict | list) for item in items):
        return false()  # objects inside lists: not matched on SQLite
    conditions = [func.json_type(column, path) == "array"]
    for item in items:
        each = func.json_each(column, path).table_valued("value", "type").alias()
        conditions.append(
            exists(
                select(literal(1))
                .select_from(each)
                .where(each.c.value == func.json_extract(json.dumps(item), "$"))
            )
        )
    return and_(*conditions)
