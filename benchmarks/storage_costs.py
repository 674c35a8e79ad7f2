"""Storage costs: one store transaction, one thread hold, one checkpoint, on SQLite and PostgreSQL.

Medians (and p90) over many repetitions, single caller, on this machine:
- store: ``claim_thread``, ``start_run`` (with the user's message), ``finish_run`` (two new
  messages), ``add_usage``, and opening an already-migrated store;
- coordination: ``hold_thread`` acquire + release with nobody else waiting (in-process locks on
  SQLite, row leases on PostgreSQL), and the hand-over time from one replica to a waiting other;
- checkpoints: ``aget_tuple`` and ``aput`` of a 20-message state, and ``prune_checkpoints``;
- all of it at once: ``--clients`` tasks on their own threads, ``--turns`` turns each, through
  hold, claim, start_run, a graph turn on a fake model, finish_run and prune (turns a second,
  errors, messages lost).

PostgreSQL is a throwaway Debian PostgreSQL 15 cluster (harness/pg.py, fsync off) unless
``--database-url`` names one.

Run: uv run python benchmarks/storage_costs.py [--repeat 200] [--clients 64 --turns 10]
     [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.base import empty_checkpoint
from langgraph.checkpoint.base.id import uuid6

from graph.checkpoints import open_checkpointer, prune_checkpoints
from server.storage.coordination import DatabaseCoordinator, make_coordinator
from server.storage.store import Store


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p90_ms": round(ordered[int(len(ordered) * 0.9)] * 1000, 3),
    }


def _time_sync(call: Callable[[int], Any], repeat: int) -> dict[str, float]:
    samples = []
    for index in range(repeat):
        started = time.perf_counter()
        call(index)
        samples.append(time.perf_counter() - started)
    return _stats(samples)


async def _time_async(call: Callable[[int], Awaitable[Any]], repeat: int) -> dict[str, float]:
    samples = []
    for index in range(repeat):
        started = time.perf_counter()
        await call(index)
        samples.append(time.perf_counter() - started)
    return _stats(samples)


async def measure(target: str, repeat: int) -> dict[str, Any]:
    store = Store(target)
    result: dict[str, Any] = {"backend": store.db.dialect}
    try:
        result["open_migrated_store"] = _time_sync(lambda _: Store(target).close(), 10)
        result["claim_thread"] = _time_sync(
            lambda i: store.threads.claim_thread(f"t{i}", "k"), repeat
        )
        runs: list[int] = []
        result["start_run"] = _time_sync(
            lambda i: runs.append(
                store.runs.start_run(f"t{i}", [HumanMessage("hello", id=f"u{i}")])
            ),
            repeat,
        )
        result["finish_run"] = _time_sync(
            lambda i: store.runs.finish_run(
                runs[i],
                f"t{i}",
                [
                    HumanMessage("hello", id=f"u{i}"),
                    AIMessage("hi", id=f"a{i}"),
                    AIMessage("there", id=f"b{i}"),
                ],
            ),
            repeat,
        )
        result["add_usage"] = _time_sync(
            lambda _: store.usage.add_usage(
                "k", error=False, prompt_tokens=10, completion_tokens=5, tool_calls=1
            ),
            repeat,
        )

        coordinator = make_coordinator(store, lease=30)

        async def hold(index: int) -> None:
            async with coordinator.hold_thread(f"h{index % 10}", 5):
                pass

        result["hold_thread_acquire_release"] = await _time_async(hold, repeat)
        if store.shared:
            other_store = Store(target)
            other = DatabaseCoordinator(other_store, lease=30)
            handovers: list[float] = []
            for _ in range(min(repeat, 50)):
                entered = asyncio.Event()
                released_at = 0.0

                async def holder(entered: asyncio.Event = entered) -> None:
                    nonlocal released_at
                    async with coordinator.hold_thread("handover", 5):
                        entered.set()
                        await asyncio.sleep(0.05)
                        released_at = time.perf_counter()

                task = asyncio.create_task(holder())
                await entered.wait()
                async with other.hold_thread("handover", 5):
                    handovers.append(time.perf_counter() - released_at)
                await task
            other_store.close()
            result["hold_thread_handover_between_replicas"] = _stats(handovers)

        async with open_checkpointer(target) as saver:
            state = [HumanMessage(f"message {i} " * 20, id=str(i)) for i in range(20)]
            config: Any = {"configurable": {"thread_id": "cp", "checkpoint_ns": ""}}

            async def put(index: int) -> None:
                nonlocal config
                checkpoint = empty_checkpoint()
                checkpoint["id"] = str(uuid6(clock_seq=index))
                checkpoint["channel_values"] = {"messages": state, "step": index}
                checkpoint["channel_versions"] = {"messages": index + 1, "step": index + 1}
                config = await saver.aput(
                    config,
                    checkpoint,
                    {"source": "loop", "step": index},
                    {"messages": index + 1, "step": index + 1},
                )

            result["checkpoint_aput"] = await _time_async(put, repeat)
            result["checkpoint_aget_tuple"] = await _time_async(
                lambda _: saver.aget_tuple({"configurable": {"thread_id": "cp"}}), repeat
            )

            async def prune(_: int) -> None:
                await put(0)
                await prune_checkpoints(saver, "cp", 10)

            result["prune_after_one_new_checkpoint"] = await _time_async(prune, min(repeat, 50))
    finally:
        store.close()
    return result


async def concurrent_turns(target: str, clients: int, turns: int) -> dict[str, Any]:
    """``clients`` tasks, each on its own thread, run ``turns`` turns through the whole storage
    path (hold the thread, claim, start_run, a graph turn on a fake model, finish_run, prune) at
    once: turns a second, errors, and whether every message reached the transcript."""
    from graph.builder import build_graph
    from graph.checkpoints import compile_checkpointed
    from harness.fakes import ScriptedChatModel
    from server.storage.coordination import open_coordinator

    store = Store(target)
    errors = 0
    try:
        async with (
            open_checkpointer(target) as saver,
            open_coordinator(store, lease=30) as coordinator,
        ):
            graph = compile_checkpointed(build_graph(ScriptedChatModel(default="ok"), []), saver)

            async def client(index: int) -> None:
                nonlocal errors
                thread = f"c{index}"
                await asyncio.to_thread(store.threads.claim_thread, thread, "")
                for turn in range(turns):
                    try:
                        async with coordinator.hold_thread(thread, 30):
                            given = [HumanMessage(f"turn {turn}", id=f"{thread}-{turn}")]
                            run = await asyncio.to_thread(store.runs.start_run, thread, given)
                            state = await graph.ainvoke(
                                {"messages": given}, {"configurable": {"thread_id": thread}}
                            )
                            await asyncio.to_thread(
                                store.runs.finish_run, run, thread, state["messages"]
                            )
                            await prune_checkpoints(saver, thread, 10)
                    except Exception:
                        errors += 1

            started = time.perf_counter()
            await asyncio.gather(*(client(index) for index in range(clients)))
            elapsed = time.perf_counter() - started
        _, messages = store.leases.counts()
    finally:
        store.close()
    return {
        "clients": clients,
        "turns_per_second": round(clients * turns / elapsed, 1),
        "errors": errors,
        "messages_lost": clients * turns * 2 - messages,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--turns", type=int, default=10, help="turns per client")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(measure(f"sqlite:///{Path(tmp) / 'bench.db'}", args.repeat))
        result["concurrent_turns"] = asyncio.run(
            concurrent_turns(f"sqlite:///{Path(tmp) / 'load.db'}", args.clients, args.turns)
        )
        results.append(result)
    cluster = None
    url = args.database_url
    if url is None:
        from harness.pg import start_cluster

        cluster = start_cluster()
        url = cluster.fresh_database()
    try:
        result = asyncio.run(measure(url, args.repeat))
        if cluster is not None:
            url = cluster.fresh_database()
        result["concurrent_turns"] = asyncio.run(concurrent_turns(url, args.clients, args.turns))
        results.append(result)
    finally:
        if cluster is not None:
            cluster.remove()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
