"""Growth: does a turn cost the same at message 10 and at message 10,000?

One thread, one tool call per turn ("What is i+1?" -> calculator), against a zero-latency stub
OpenAI-compatible server on 127.0.0.1, through the real runtime (checkpoints, transcript store,
the run path of server/road/run.py) on a SQLite file, or on PostgreSQL with ``--database-url``.
Prints the median per-turn time around turns 10, 100, 1,000 (and 5,000 with --turns 5000),
their ratio to turn 10, and the database bytes per stored message. The turn-10 median is the
in-process cost of one turn on that storage.

Run: uv run python benchmarks/growth.py [--turns 1000] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_core.messages import HumanMessage

from backends.stub import StubLLM
from server.auth.api_keys import ANONYMOUS
from server.road.request import RunRequest, prepare
from server.runtime import open_runtime
from server.settings import load_settings

CHECKPOINTS = (10, 100, 1000, 5000)


def db_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def pg_bytes(url: str) -> int:
    """The PostgreSQL database's size on disk."""
    import psycopg

    from graph.databases import libpq_url

    with psycopg.connect(libpq_url(url)) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


async def run(turns: int, database_url: str | None = None) -> dict[str, object]:
    """Per-turn medians at the checkpoints, their ratio to turn 10, and bytes per message."""
    with tempfile.TemporaryDirectory() as tmp, StubLLM(default={"content": "ok"}) as stub:
        db = Path(tmp) / "growth.db"
        settings = load_settings(
            llm_base_url=stub.base_url,
            llm_model="stub",
            db=db,
            workspace=Path(tmp) / "ws",
            database_url=database_url,
        )
        size_before = pg_bytes(database_url) if database_url else 0
        thread = f"growth-{uuid.uuid4().hex[:8]}"  # a database that holds other runs is fine
        async with open_runtime(settings) as runtime:
            timings: list[float] = []
            for turn in range(1, turns + 11):
                started = time.perf_counter()
                given = [HumanMessage(content=f"What is {turn}+1?")]
                run = await prepare(runtime, RunRequest(ANONYMOUS, thread, messages=given))
                await run.invoke(given)
                timings.append(time.perf_counter() - started)
            messages = runtime.store.threads.get_thread(thread, ANONYMOUS.name).message_count
        size = pg_bytes(database_url) - size_before if database_url else db_bytes(db)
    # The median of the 20 turns around each checkpoint (the run goes 10 turns past the last
    # one), so one slow turn (a WAL checkpoint, a noisy neighbour on a VM) does not decide it.
    at_turn = {}
    for at in (c for c in CHECKPOINTS if c <= turns):
        window = timings[max(0, at - 10) : at + 10]
        at_turn[at] = statistics.median(window)
    base = at_turn[10]
    return {
        "database": "postgresql" if database_url else "sqlite",
        "turns": turns,
        "stored_messages": messages,
        "db_bytes": size,
        "bytes_per_message": size / messages,
        "median_ms": {at: round(v * 1000, 1) for at, v in at_turn.items()},
        "ratio_to_turn_10": {at: round(v / base, 2) for at, v in at_turn.items()},
    }


async def main(turns: int, database_url: str | None) -> None:
    result = await run(turns, database_url)
    print(
        f"turns={turns} stored_messages={result['stored_messages']} db_bytes={result['db_bytes']} "
        f"bytes_per_message={result['bytes_per_message']:.0f}"
    )
    for at, median in result["median_ms"].items():  # type: ignore[attr-defined]
        ratio = result["ratio_to_turn_10"][at]  # type: ignore[index]
        print(f"turn {at:>5}: median {median:7.1f} ms  ratio to turn 10: {ratio:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    asyncio.run(main(args.turns, args.database_url))
