"""The store under concurrent writers (found by the 20-requests-on-one-thread test: a get-then-
insert race gave 500s)."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import pytest

from server.store import Store, ThreadNotFound


def test_concurrent_claims_of_a_new_thread_agree(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            threads = list(pool.map(lambda _: store.claim_thread("new", "alice"), range(64)))
        assert {t.id for t in threads} == {"new"}
        assert len(store.list_threads("alice")) == 1
        with pytest.raises(ThreadNotFound):
            store.claim_thread("new", "bob")
    finally:
        store.close()


def test_concurrent_usage_counts_exactly(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    try:

        def add(_: int) -> None:
            store.add_usage(
                "alice", error=False, prompt_tokens=3, completion_tokens=2, tool_calls=1
            )

        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(add, range(100)))
        [row] = store.usage("alice")
        assert (row.requests, row.prompt_tokens, row.completion_tokens, row.tool_calls) == (
            100,
            300,
            200,
            100,
        )
    finally:
        store.close()
