"""An auth handler's metadata filter: in Python for one resource, in SQL for a search, on SQLite
and PostgreSQL; both agree with langgraph-runtime-inmem's semantics."""

from __future__ import annotations

from typing import Any

import pytest

from server.auth.filters import FilterError, matches
from server.storage.store import Store

THREADS: dict[str, dict[str, Any]] = {
    "a1": {"owner": "alice", "project": "p1", "tags": ["x", "y"], "n": 1},
    "a2": {"owner": "alice", "project": "p2", "tags": ["y"], "n": 2},
    "b1": {"owner": "bob", "project": "p1", "tags": "x", "n": None},
    "c1": {"team": "red"},
}

CASES: list[tuple[dict[str, Any], set[str]]] = [
    ({"owner": "alice"}, {"a1", "a2"}),
    ({"owner": {"$eq": "alice"}, "project": "p1"}, {"a1"}),
    ({"tags": {"$contains": "x"}}, {"a1"}),  # b1's tags is not a list
    ({"tags": {"$contains": ["x", "y"]}}, {"a1"}),
    ({"tags": {"$contains": "y"}}, {"a1", "a2"}),
    ({"$or": [{"owner": "bob"}, {"team": "red"}]}, {"b1", "c1"}),
    ({"$and": [{"owner": "alice"}, {"n": 2}]}, {"a2"}),
    ({"n": None}, {"b1"}),
    ({"missing": "x"}, set()),
    ({}, {"a1", "a2", "b1", "c1"}),
]


@pytest.mark.parametrize(("filters", "expected"), CASES)
def test_python_matches(filters: dict[str, Any], expected: set[str]) -> None:
    assert {name for name, meta in THREADS.items() if matches(meta, filters)} == expected


def test_malformed_filters_are_the_handlers_error() -> None:
    for bad in ({"$or": [{"a": 1}]}, {"k": {"$gt": 1}}, {"$or": "x"}):
        with pytest.raises(FilterError):
            matches({}, bad)


def test_the_search_applies_the_same_filters(database_url: str) -> None:
    store = Store(database_url)
    try:
        for name, metadata in THREADS.items():
            store.threads.create_thread(name, "owner", metadata)
        for filters, expected in CASES:
            found, total = store.threads.search_threads("owner", filters=filters, limit=100)
            assert {t.id for t in found} == expected, filters
            assert total == store.threads.count_threads("owner", filters=filters) == len(expected)
    finally:
        store.close()
