"""The checkpointer on both backends (a SQLite file and a real PostgreSQL): strict
deserialisation (a checkpoint naming an arbitrary type does not revive it) and pruning to the
newest N checkpoints per thread, a run's checkpoints deleted (a rollback) and a thread copied."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from graph.builder import build_graph
from graph.checkpoints import (
    compile_checkpointed,
    copy_thread_checkpoints,
    delete_run_checkpoints,
    open_checkpointer,
    prune_checkpoints,
    strict_serde,
)
from harness.fakes import ScriptedChatModel
from server.storage.engine import open_checkpoints

REVIVED: list[Any] = []


@dataclass
class Planted:
    """A type a hostile checkpoint names; reviving it runs its constructor."""

    payload: str = ""

    def __post_init__(self) -> None:
        REVIVED.append(self.payload)


def test_strict_serde_keeps_messages_and_refuses_other_types() -> None:
    permissive = JsonPlusSerializer(allowed_msgpack_modules=True)
    state = {"messages": [HumanMessage(content="hi"), AIMessage(content="hello")], "n": 3}
    assert strict_serde().loads_typed(permissive.dumps_typed(state)) == state

    REVIVED.clear()
    planted = permissive.dumps_typed({"x": Planted("boom")})
    assert isinstance(permissive.loads_typed(planted)["x"], Planted)  # the stock default revives it
    assert REVIVED == ["boom", "boom"]
    REVIVED.clear()
    loaded = strict_serde().loads_typed(planted)
    assert REVIVED == []  # never constructed
    assert not isinstance(loaded["x"], Planted)


async def test_the_server_checkpointer_is_strict(database_url: str) -> None:
    async with open_checkpointer(database_url) as saver:
        planted = JsonPlusSerializer(allowed_msgpack_modules=True).dumps_typed(Planted("x"))
        REVIVED.clear()
        value = saver.serde.loads_typed(planted)
        assert REVIVED == [] and not isinstance(value, Planted)


def _blobs(url: str, thread_id: str) -> tuple[int, int]:
    """(blob rows, blob rows some checkpoint of the thread still names) on PostgreSQL."""
    with psycopg.connect(url) as conn:
        total = conn.execute(
            "SELECT count(*) FROM checkpoint_blobs WHERE thread_id = %s", (thread_id,)
        ).fetchone()
        named = conn.execute(
            "SELECT count(*) FROM checkpoint_blobs b WHERE b.thread_id = %s AND EXISTS ("
            " SELECT 1 FROM checkpoints c WHERE c.thread_id = b.thread_id"
            " AND c.checkpoint -> 'channel_versions' ->> b.channel = b.version)",
            (thread_id,),
        ).fetchone()
    assert total is not None and named is not None
    return int(total[0]), int(named[0])


async def test_prune_keeps_the_newest_checkpoints_and_the_thread_goes_on(database_url: str) -> None:
    model = ScriptedChatModel(default="fine")
    async with open_checkpointer(database_url) as saver:
        graph = compile_checkpointed(build_graph(model, []), saver)
        for turn in range(6):
            for thread in ("p", "q"):
                await graph.ainvoke(
                    {"messages": [HumanMessage(f"turn {turn}")]},
                    {"configurable": {"thread_id": thread}},
                )
        assert len([c async for c in saver.alist({"configurable": {"thread_id": "p"}})]) == 6
        if database_url.startswith("postgresql"):
            before, _ = _blobs(database_url, "p")

        assert await prune_checkpoints(saver, "p", 2) == 4
        assert await prune_checkpoints(saver, "p", 2) == 0
        assert len([c async for c in saver.alist({"configurable": {"thread_id": "p"}})]) == 2
        assert len([c async for c in saver.alist({"configurable": {"thread_id": "q"}})]) == 6
        if database_url.startswith("postgresql"):
            after, named = _blobs(database_url, "p")
            assert after == named < before  # only blobs no kept checkpoint names were deleted

        state = await graph.aget_state({"configurable": {"thread_id": "p"}})
        assert [m.content for m in state.values["messages"] if isinstance(m, HumanMessage)] == [
            f"turn {turn}" for turn in range(6)
        ]
        await graph.ainvoke(
            {"messages": [HumanMessage("turn 6")]}, {"configurable": {"thread_id": "p"}}
        )
        state = await graph.aget_state({"configurable": {"thread_id": "p"}})
        assert state.values["messages"][-2].content == "turn 6"
        assert state.values["messages"][-1].content == "fine"


async def test_the_settings_choose_the_saver(tmp_path: Path, postgres_url: str) -> None:
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    from graph.checkpoints import PostgresSaver
    from server.settings import load_settings

    async with open_checkpoints(load_settings(db=tmp_path / "c.db")) as local:
        assert isinstance(local, AsyncSqliteSaver)
    settings = load_settings(database_url=postgres_url, db_checkpoint_pool_size=2)
    async with open_checkpoints(settings) as shared:
        assert isinstance(shared, PostgresSaver)
        assert shared.conn.max_size == 2  # type: ignore[union-attr]


async def test_a_runs_checkpoints_are_deleted_and_the_thread_is_as_before(
    database_url: str,
) -> None:
    """Rollback: what one run wrote goes (checkpoints, writes, its blobs); the thread is back at
    the state before it and goes on from there; other threads and runs are untouched."""
    model = ScriptedChatModel(default="fine")
    async with open_checkpointer(database_url) as saver:
        graph = compile_checkpointed(build_graph(model, []), saver)
        for run, thread in (("r1", "a"), ("r1b", "b"), ("r2", "a")):
            await graph.ainvoke(
                {"messages": [HumanMessage(f"{run} asks")]},
                {"configurable": {"thread_id": thread}, "metadata": {"run_id": run}},
            )
        # A run that was stopped part-way leaves a checkpoint too (exit durability).
        await graph.ainvoke(
            {"messages": [HumanMessage("r3 asks")]},
            {"configurable": {"thread_id": "a"}, "metadata": {"run_id": "r3"}},
            interrupt_after=["route"],
        )
        assert await delete_run_checkpoints(saver, "a", ["r3", "r2"]) == 2
        assert await delete_run_checkpoints(saver, "a", ["r3"]) == 0
        state = await graph.aget_state({"configurable": {"thread_id": "a"}})
        assert [m.content for m in state.values["messages"]] == ["r1 asks", "fine"]
        assert state.next == () and state.metadata["run_id"] == "r1"
        if database_url.startswith("postgresql"):
            total, named = _blobs(database_url, "a")
            assert total == named  # no blob of the deleted checkpoints is left behind
        other = await graph.aget_state({"configurable": {"thread_id": "b"}})
        assert [m.content for m in other.values["messages"]] == ["r1b asks", "fine"]
        await graph.ainvoke(
            {"messages": [HumanMessage("r4 asks")]}, {"configurable": {"thread_id": "a"}}
        )
        state = await graph.aget_state({"configurable": {"thread_id": "a"}})
        assert [m.content for m in state.values["messages"]] == [
            "r1 asks",
            "fine",
            "r4 asks",
            "fine",
        ]


async def test_a_thread_is_copied_with_its_checkpoints(database_url: str) -> None:
    model = ScriptedChatModel(default="fine")
    async with open_checkpointer(database_url) as saver:
        graph = compile_checkpointed(build_graph(model, []), saver)
        for turn in range(2):
            await graph.ainvoke(
                {"messages": [HumanMessage(f"turn {turn}")]}, {"configurable": {"thread_id": "s"}}
            )
        await copy_thread_checkpoints(saver, "s", "c")
        source = await graph.aget_state({"configurable": {"thread_id": "s"}})
        copy = await graph.aget_state({"configurable": {"thread_id": "c"}})
        assert copy.values == source.values
        history = [c async for c in saver.alist({"configurable": {"thread_id": "c"}})]
        assert len(history) == 2
        await graph.ainvoke(
            {"messages": [HumanMessage("only the copy")]}, {"configurable": {"thread_id": "c"}}
        )
        source = await graph.aget_state({"configurable": {"thread_id": "s"}})
        assert len(source.values["messages"]) == 4  # the source did not change


async def test_replicas_starting_together_on_an_empty_database_all_open(postgres_url: str) -> None:
    """Three savers set up one empty database at once (three replicas' first start). LangGraph's
    setup builds indexes CONCURRENTLY, which waits for every open transaction: replicas that
    waited for the setup lock inside a statement deadlocked the one holding it until their
    statement timeout (here 3 s) failed them."""
    import asyncio
    import contextlib
    import time

    from graph.databases import PoolOptions

    options = PoolOptions(statement_timeout=3.0)
    started = time.monotonic()
    async with contextlib.AsyncExitStack() as stack:
        savers = await asyncio.gather(
            *(
                stack.enter_async_context(open_checkpointer(postgres_url, pool=options))
                for _ in range(3)
            )
        )
        assert len(savers) == 3
        config = {"configurable": {"thread_id": "t", "checkpoint_ns": ""}}
        assert await savers[2].aget_tuple(config) is None  # set up and usable
    assert time.monotonic() - started < 20
