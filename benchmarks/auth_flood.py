"""1,000 wrong API keys from one address in a minute, against a real ``toolloom serve`` (issue 26).

The attacker (client address 127.0.0.1) sends 1,000 requests with a different wrong key each,
paced evenly over the flood's duration (60 s by default). Meanwhile other clients (address
127.0.0.2: Linux routes all of 127.0.0.0/8 to the loopback) run agent turns with a valid key on
``/v1/chat/completions`` against the stub model; the same clients ran the same turns before the
flood, on an idle server. Reported: the attacker's statuses (all refused: 401 until the address's
failure limit, then 429 with ``Retry-After`` without the key being looked at), how long the
refusals took, the other clients' p50 and p99 idle and during the flood and their ratio (target:
p50 within 1.2x), and the server's own counts (``toolloom_auth_denials_total``).

Run: uv run python benchmarks/auth_flood.py [--attempts 1000] [--seconds 60] [--clients 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backends.stub import StubLLM
from benchmarks.http_bench import Server, pct

KEY = "tl-flood-benchmark-valid-key-0123456789"
OTHER_ADDRESS = "127.0.0.2"


def turn_body(n: int) -> dict[str, Any]:
    return {"model": "toolloom", "messages": [{"role": "user", "content": f"Say hello {n}"}]}


async def others(url: str, clients: int, until: float) -> tuple[list[float], Counter[int]]:
    """Agent turns from another address with a valid key until ``until``: latencies and statuses."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    transport = httpx.AsyncHTTPTransport(local_address=OTHER_ADDRESS)
    headers = {"Authorization": f"Bearer {KEY}"}
    async with httpx.AsyncClient(base_url=url, transport=transport, timeout=60) as http:

        async def one_client(c: int) -> None:
            n = 0
            while time.monotonic() < until:
                n += 1
                started = time.perf_counter()
                answer = await http.post("/v1/chat/completions", json=turn_body(n), headers=headers)
                latencies.append(time.perf_counter() - started)
                statuses[answer.status_code] += 1

        await asyncio.gather(*(one_client(c) for c in range(clients)))
    return latencies, statuses


async def attacker(url: str, attempts: int, seconds: float) -> dict[str, Any]:
    """``attempts`` wrong keys from 127.0.0.1, evenly over ``seconds``."""
    statuses: list[int] = [0] * attempts
    times: list[float] = [0.0] * attempts
    retry_after: set[str] = set()
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:

        async def attempt(i: int) -> None:
            started = time.perf_counter()
            answer = await http.post(
                "/threads/search", json={}, headers={"Authorization": f"Bearer wrong-key-{i:05d}"}
            )
            times[i] = time.perf_counter() - started
            statuses[i] = answer.status_code
            if answer.status_code == 429:
                retry_after.add(answer.headers.get("retry-after", ""))

        tasks = []
        began = time.monotonic()
        for i in range(attempts):
            await asyncio.sleep(max(0.0, began + i * seconds / attempts - time.monotonic()))
            tasks.append(asyncio.create_task(attempt(i)))
        await asyncio.gather(*tasks)
        took = time.monotonic() - began
    counts = Counter(statuses)
    first_429 = next((i for i, s in enumerate(statuses) if s == 429), None)
    return {
        "attempts": attempts,
        "sent_within_s": round(took, 1),
        "statuses": dict(sorted(counts.items())),
        "accepted": sum(n for s, n in counts.items() if s < 400),
        "first_429_at_attempt": None if first_429 is None else first_429 + 1,
        "401_after_the_first_429": sum(1 for s in statuses[first_429 or attempts :] if s == 401),
        "retry_after_values": sorted(retry_after, key=lambda v: int(v or 0))[:3],
        "refusal_ms_p50": round(pct(times, 50) * 1000, 1),
        "refusal_ms_p99": round(pct(times, 99) * 1000, 1),
    }


def denials(url: str) -> dict[str, float]:
    text = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {KEY}"}, timeout=30).text
    found: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "toolloom_auth_denials_total":
                found[sample.labels["reason"]] = sample.value
    return found


def summary(latencies: list[float], statuses: Counter[int]) -> dict[str, Any]:
    return {
        "turns": len(latencies),
        "statuses": dict(statuses),
        "p50_ms": round(pct(latencies, 50) * 1000, 1),
        "p99_ms": round(pct(latencies, 99) * 1000, 1),
    }


async def main(attempts: int, seconds: float, clients: int) -> dict[str, Any]:
    with StubLLM(default={"content": "Hello."}) as stub, tempfile.TemporaryDirectory() as tmp:
        server = Server(stub, Path(tmp), TOOLLOOM_API_KEYS=f"bench={KEY}").ready()
        try:
            await others(server.url, clients, time.monotonic() + 5)  # warm up
            idle = await others(server.url, clients, time.monotonic() + seconds)
            flood_task = asyncio.create_task(attacker(server.url, attempts, seconds))
            during = await others(server.url, clients, time.monotonic() + seconds)
            flood = await flood_task
            counted = denials(server.url)
        finally:
            server.stop()
    idle_summary, during_summary = summary(*idle), summary(*during)
    return {
        "attacker": flood,
        "other_clients_idle": idle_summary,
        "other_clients_during_flood": during_summary,
        "p50_ratio": round(during_summary["p50_ms"] / idle_summary["p50_ms"], 3),
        "p99_ratio": round(during_summary["p99_ms"] / idle_summary["p99_ms"], 3),
        "server_denials_total": counted,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.attempts, args.seconds, args.clients)), indent=1))
