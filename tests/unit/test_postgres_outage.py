"""PostgreSQL stopped and started again under a running store, checkpointer and coordinator:
while it is away every call raises DatabaseUnavailable (the API's 503) within the pool timeout;
once it is back the same objects work again, without reopening, and nothing stored is lost."""

from __future__ import annotations

import asyncio
import time
import types

import pytest
from langchain_core.messages import HumanMessage

from graph.builder import build_graph
from graph.checkpoints import compile_checkpointed, open_checkpointer
from graph.databases import DatabaseUnavailable, PoolOptions
from harness.fakes import ScriptedChatModel
from harness.pg import PostgresCluster
from server.auth.api_keys import Principal
from server.storage.coordination import DatabaseCoordinator
from server.storage.store import Store

OPTIONS = PoolOptions(pool_timeout=1.0, connect_timeout=2)


async def _until_back(call, limit: float = 15.0) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while True:
        try:
            await call()
            return time.monotonic() - started
        except DatabaseUnavailable:
            assert time.monotonic() - started < limit, "still unavailable"
            await asyncio.sleep(0.1)


async def test_postgres_down_and_back(postgres_cluster: PostgresCluster, postgres_url: str) -> None:
    store = Store(postgres_url, pool=OPTIONS)
    coordinator = DatabaseCoordinator(store, lease=5)
    config = {"configurable": {"thread_id": "t"}}
    try:
        async with open_checkpointer(postgres_url, pool=OPTIONS) as saver:
            graph = compile_checkpointed(build_graph(ScriptedChatModel(default="ok"), []), saver)
            store.threads.claim_thread("t", "")
            await graph.ainvoke({"messages": [HumanMessage("before")]}, config)

            postgres_cluster.stop()
            try:
                started = time.monotonic()
                with pytest.raises(DatabaseUnavailable, match="database is unavailable"):
                    store.threads.claim_thread("t", "")
                with pytest.raises(DatabaseUnavailable):
                    store.db.ping()
                with pytest.raises(DatabaseUnavailable):
                    async with coordinator.hold_thread("t", 1):
                        pass
                with pytest.raises(DatabaseUnavailable):
                    await graph.ainvoke({"messages": [HumanMessage("during")]}, config)
                with pytest.raises(DatabaseUnavailable):
                    await saver.aget_tuple(config)
                assert time.monotonic() - started < 5  # each within the 1 s pool timeout
            finally:
                postgres_cluster.start()

            async def store_call() -> None:
                store.threads.claim_thread("t", "")

            async def graph_call() -> None:
                await graph.ainvoke({"messages": [HumanMessage("after")]}, config)

            assert await _until_back(store_call) < 2
            await _until_back(graph_call)
            async with coordinator.hold_thread("t", 1):
                pass
            state = await graph.aget_state(config)
            assert [m.content for m in state.values["messages"]] == ["before", "ok", "after", "ok"]
            assert store.threads.get_thread("t", "").id == "t"
    finally:
        store.close()


def test_database_unavailable_is_a_503_in_each_surfaces_shape() -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from server import api_error as errors

    app = FastAPI()
    errors.install(app)

    @app.get("/v1/thing")
    @app.get("/thing")
    async def thing() -> None:
        raise DatabaseUnavailable("the database is unavailable (connection refused, 10.0.0.5)")

    with TestClient(app) as client:
        v1 = client.get("/v1/thing")
        assert v1.status_code == 503 and v1.headers["retry-after"] == "2"
        assert v1.json() == {
            "error": {
                "message": "the database is unavailable; try again shortly",
                "type": "service_unavailable",
                "param": None,
                "code": "database_unavailable",
            }
        }
        plain = client.get("/thing")
        assert plain.status_code == 503
        assert plain.json() == {"detail": "the database is unavailable; try again shortly"}


def test_keys_read_before_an_outage_stay_known_while_it_lasts() -> None:
    """With the database away the key ring keeps the keys it read last (so /health stays up and a
    valid key reaches the route's 503); a ring that never read them raises."""
    from server.auth.api_keys import KeyRing
    from server.storage.key_store import hash_key

    class Flaky:
        down = False

        def active_key_hashes(self) -> dict[str, str]:
            if self.down:
                raise DatabaseUnavailable("the database is unavailable (connection refused)")
            return {hash_key("stored-key"): "alice"}

    keys = Flaky()
    store = types.SimpleNamespace(keys=keys)
    ring = KeyRing((), store)  # type: ignore[arg-type]
    assert ring.authenticate("stored-key") == Principal("alice")
    keys.down = True
    ring._loaded_at -= 10  # the cache has expired: the next call reads the database again
    assert ring.required
    assert ring.authenticate("stored-key") == Principal("alice")
    assert ring.authenticate("other") is None
    with pytest.raises(DatabaseUnavailable):
        KeyRing((), store).required  # type: ignore[arg-type]  # noqa: B018
