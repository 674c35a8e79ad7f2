"""Crons across replicas: a one-second cron on N ``toolloom serve`` replicas behind nginx
(deploy/nginx.conf, benchmarks/balancer.py) on one PostgreSQL database, with one replica killed
(SIGKILL) mid-way; every tick must fire exactly once.

What is measured, through the balancer with ``langgraph-sdk`` as the client:

- a cron on one thread (``client.crons.create_for_thread``, schedule ``* * * * * *``: every
  second, croniter's sixth field) runs until ``--ticks`` ticks have fired; replica 2 is killed
  once half of them have;
- each tick's run is read back from the thread's runs (``client.runs.list``), by the tick its
  metadata names (``cron_tick``): **fired** (distinct ticks with a run), **missed** (a second
  between the first and the last fired tick with no run), **doubled** (a tick with two runs or
  more), the runs' final statuses, and the tick rows (``GET /runs/crons/{id}/ticks``: which
  replica fired each tick; none ``skipped`` or ``refused``);
- the delay from a tick's time to its run being stored (p50, p99, max).

Run: uv run python benchmarks/cron_replicas.py [--ticks 200] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import signal
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backends.stub import StubLLM
from benchmarks.balancer import Balancer
from benchmarks.http_bench import Server, pct

SCHEDULE = "* * * * * *"


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def _get(http: httpx.AsyncClient, path: str, **params: Any) -> Any:
    """GET through the balancer, tried again on a 502 (a killed replica) or a dropped
    connection."""
    for attempt in range(20):
        try:
            response = await http.get(path, params=params)
            if response.status_code < 500:
                response.raise_for_status()
                return response.json()
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2 * (attempt + 1))
    raise RuntimeError(f"GET {path} kept failing")


def analyse(runs: list[dict[str, Any]], ticks: list[dict[str, Any]]) -> dict[str, Any]:
    """Fired, missed and doubled ticks from the runs the cron made; who fired them."""
    by_tick: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for run in runs:
        tick = (run.get("metadata") or {}).get("cron_tick")
        if tick:
            by_tick[tick].append(run)
    fired = sorted(by_tick, key=_when)
    missed: list[str] = []
    if fired:
        moment, last = _when(fired[0]), _when(fired[-1])
        while moment <= last:
            if moment.isoformat() not in by_tick:
                missed.append(moment.isoformat())
            moment += timedelta(seconds=1)
    delays = [
        (_when(run["created_at"]) - _when(tick)).total_seconds()
        for tick, found in by_tick.items()
        for run in found
    ]
    statuses = collections.Counter(run["status"] for run in runs)
    replicas = collections.Counter(t["replica"] for t in ticks if t["status"] == "fired")
    return {
        "fired": len(fired),
        "missed": len(missed),
        "missed_ticks": missed[:20],
        "doubled": sum(1 for found in by_tick.values() if len(found) > 1),
        "runs": len(runs),
        "run_statuses": dict(statuses),
        "tick_rows": collections.Counter(t["status"] for t in ticks),
        "skipped_in_rows": sum(int(t.get("skipped") or 0) for t in ticks),
        "fired_by_replica": dict(replicas),
        "store_delay_s": {
            "p50": round(statistics.median(delays), 3) if delays else None,
            "p99": round(pct(delays, 99), 3) if delays else None,
            "max": round(max(delays), 3) if delays else None,
        },
    }


async def run(
    database_url: str,
    ticks: int = 200,
    replicas: int = 3,
    kill: int | None = 2,
    workdir: Path | None = None,
) -> dict[str, Any]:
    """Start the replicas and nginx, run the cron for ``ticks`` ticks, kill replica ``kill``
    (1-based; None: none) half-way, and analyse what fired."""
    from langgraph_sdk import get_client

    with tempfile.TemporaryDirectory() as scratch, StubLLM({"content": "tick"}) as stub:
        root = workdir or Path(scratch)
        servers = [
            Server(
                stub,
                root / f"replica-{i}",
                TOOLLOOM_DATABASE_URL=database_url,
                TOOLLOOM_REPLICA_ID=f"cron-{i}",
                TOOLLOOM_RUN_LEASE="3",
                TOOLLOOM_DB_POOL_TIMEOUT="5",
            )
            for i in range(1, replicas + 1)
        ]
        balancer = None
        killed_at: float | None = None
        try:
            for server in servers:
                server.ready()
            balancer = Balancer([f"127.0.0.1:{s.port}" for s in servers], root / "lb").start()
            client = get_client(url=balancer.url, api_key=None)
            http = httpx.AsyncClient(base_url=balancer.url, timeout=30)
            thread = await client.threads.create(metadata={"bench": "cron_replicas"})
            tid = thread["thread_id"]
            cron = await client.crons.create_for_thread(
                tid,
                "agent",
                schedule=SCHEDULE,
                input={"messages": [{"role": "user", "content": "tick"}]},
            )
            cron_id = cron["cron_id"]
            started = time.monotonic()
            fired = 0
            deadline = started + ticks * 1.5 + 60
            while fired < ticks and time.monotonic() < deadline:
                await asyncio.sleep(1.0)
                rows = await _get(http, f"/runs/crons/{cron_id}/ticks", limit=1000)
                fired = sum(1 for r in rows if r["status"] == "fired")
                if kill and killed_at is None and fired >= ticks // 2:
                    servers[kill - 1].process.send_signal(signal.SIGKILL)
                    killed_at = time.monotonic() - started
            for _ in range(20):  # stop the cron (a replica may 502 while nginx notices)
                try:
                    await client.crons.update(cron_id, enabled=False)
                    break
                except httpx.HTTPError:
                    await asyncio.sleep(0.5)
            await asyncio.sleep(2.0)
            ticks_rows = await _get(http, f"/runs/crons/{cron_id}/ticks", limit=1000)
            runs = await _get(http, f"/threads/{tid}/runs", limit=1000)
            # Only the ticks up to the target: the one or two after it are not measured.
            fired_rows = sorted(
                (r for r in ticks_rows if r["status"] == "fired"), key=lambda r: r["tick_at"]
            )
            cutoff = fired_rows[ticks - 1]["tick_at"] if len(fired_rows) >= ticks else None
            if cutoff is not None:
                ticks_rows = [r for r in ticks_rows if r["tick_at"] <= cutoff]
                runs = [r for r in runs if (r.get("metadata") or {}).get("cron_tick", "") <= cutoff]
            result = analyse(runs, ticks_rows)
            result.update(
                replicas=replicas,
                target_ticks=ticks,
                schedule=SCHEDULE,
                killed_replica=f"cron-{kill}" if kill else None,
                killed_after_s=round(killed_at, 1) if killed_at is not None else None,
                seconds=round(time.monotonic() - started, 1),
                balancer="nginx (deploy/nginx.conf)",
            )
            await http.aclose()
            return result
        finally:
            if balancer is not None:
                balancer.stop()
            for server in servers:
                if server.process.poll() is None:
                    server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        help="an empty PostgreSQL database (default: a throwaway PostgreSQL 15, harness/pg.py)",
    )
    parser.add_argument("--ticks", type=int, default=200)
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--no-kill", action="store_true")
    args = parser.parse_args()
    cluster = None
    url = args.database_url
    if url is None:
        from harness.pg import start_cluster

        cluster = start_cluster()
        url = cluster.fresh_database()
    try:
        result = asyncio.run(run(url, args.ticks, args.replicas, None if args.no_kill else 2))
    finally:
        if cluster is not None:
            cluster.remove()
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
