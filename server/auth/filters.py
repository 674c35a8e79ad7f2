"""Metadata filters, as a LangGraph ``Auth`` handler returns them (``Auth.types.FilterType``).

A handler for a read, update, delete or search returns a dict the resource's ``metadata`` must
match: ``{"owner": "alice"}`` (equality), ``{"owner": {"$eq": "alice"}}``, ``{"tags": {"$contains":
"x"}}`` (a list holding the value, or each of a list of values), and ``$or`` / ``$and`` over lists
of at least two filters, nested at most twice. The semantics are langgraph-runtime-inmem's
(``ops.py:_check_filter_match``): a key the metadata lacks never matches. A malformed filter is
the handler's bug: :class:`FilterError` (the server answers 500, as the reference does).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_NESTING = 2


class FilterError(ValueError):
    """The auth handler returned a filter the server cannot apply."""


def validate(filters: Mapping[str, Any] | None, level: int = 0) -> None:
    """Raise :class:`FilterError` for a filter of the wrong shape (checked before it is used)."""
    if level > MAX_NESTING:
        raise FilterError(
            "Your auth handler returned a filter with too many nested operators. The maximum "
            "depth for nested operators is 2."
        )
    if not filters:
        return
    if not isinstance(filters, Mapping):
        raise FilterError("an auth filter must be a dict")
    for op in ("$or", "$and"):
        if op in filters:
            groups = filters[op]
            if not isinstance(groups, list) or len(groups) < 2:
                raise FilterError(
                    f"Your auth handler returned a filter with an invalid {op} operator. The {op}"
                    f" operator must be a list of at least 2 filter objects."
                )
            for group in groups:
                validate(group, level + 1)
    for key, value in filters.items():
        if key in ("$or", "$and"):
            continue
        if isinstance(value, Mapping) and (
            len(value) != 1 or next(iter(value)) not in ("$eq", "$contains")
        ):
            raise FilterError(f"filter on {key!r}: the operators are $eq and $contains")


def matches(metadata: Mapping[str, Any] | None, filters: Mapping[str, Any] | None) -> bool:
    """Whether ``metadata`` satisfies every condition of ``filters`` (None or {}: yes)."""
    validate(filters)
    return _matches(metadata or {}, filters)


def _matches(metadata: Mapping[str, Any], filters: Mapping[str, Any] | None) -> bool:
    if not filters:
        return True
    if "$or" in filters and not any(_matches(metadata, g) for g in filters["$or"]):
        return False
    if "$and" in filters and not all(_matches(metadata, g) for g in filters["$and"]):
        return False
    for key, value in filters.items():
        if key in ("$or", "$and"):
            continue
        if key not in metadata:
            return False
        if isinstance(value, Mapping):
            op, wanted = next(iter(value.items()))
            if op == "$eq" and metadata[key] != wanted:
                return False
            if op == "$contains":
                held = metadata[key]
                if not isinstance(held, list):
                    return False
                needed = wanted if isinstance(wanted, list) else [wanted]
                if any(item not in held for item in needed):
                    return False
        elif metadata[key] != value:
            return False
    return True
