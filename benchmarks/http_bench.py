"""HTTP benchmarks against a real ``toolloom serve`` on 127.0.0.1 and a zero-latency stub model:

1. **HTTP overhead**: a full ``/v1/chat/completions`` turn (one tool call, two model calls) minus
   the stub's own time for those calls (measured inside the stub); the same turn as a stored run
   of the Agent Server API (``POST /threads/{id}/runs/wait``), and the ratio of the two.
2. **Concurrency**: N clients on N threads for S seconds: turns per second, p50 and p99, errors,
   and messages lost (every user message sent must be in ``GET /threads/{id}/transcript``).
3. **Streaming**: time to the first content token through toolloom (``/v1`` stream and the web
   page's ``/ui/chat``) minus the stub's time to its first content token.
4. **Memory**: the server's resident memory at rest and after the concurrency run.

:func:`scaled` runs the concurrency benchmark alone against N replicas on one PostgreSQL
database, behind the shipped nginx config when N > 1 (benchmarks/balancer.py).

Run: uv run python benchmarks/http_bench.py [--clients 64] [--seconds 60] [--turns 200]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backends.embedded import free_port
from backends.stub import StubLLM
from benchmarks.graph_overhead import reply as tool_reply


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


class Server:
    """``toolloom serve`` on a free port with the stub as its model; ``env`` adds settings (a
    PostgreSQL URL, a replica id, MCP servers). Call :meth:`ready` before use."""

    def __init__(self, stub: StubLLM, tmp: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        tmp.mkdir(parents=True, exist_ok=True)
        environment = {k: v for k, v in os.environ.items() if not k.startswith("TOOLLOOM_")}
        environment.update(
            TOOLLOOM_LLM_BASE_URL=stub.base_url,
            TOOLLOOM_LLM_MODEL="stub",
            TOOLLOOM_DB=str(tmp / "bench.db"),
            TOOLLOOM_WORKSPACE=str(tmp / "ws"),
            TOOLLOOM_SANDBOX_DB=str(tmp / "sandbox.db"),
            TOOLLOOM_LOG_LEVEL="warning",
            TOOLLOOM_THREAD_BUSY_WAIT="600",
            **env,
        )
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port)],
            env=environment,
            stdout=(tmp / "server.log").open("wb"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def ready(self, timeout: float = 180) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def rss_mb(self) -> float:
        return round(psutil.Process(self.process.pid).memory_info().rss / 2**20, 1)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)


async def overhead(server: Server, stub: StubLLM, turns: int) -> dict[str, float]:
    """Turn time minus the stub's handling time of the turn's model calls, per turn: through
    ``/v1/chat/completions``, and through the Agent Server API's ``POST /threads/{id}/runs/wait``
    (a stored run: the pending row, the worker's claim, the status; the same graph turn),
    interleaved, each on a new thread."""
    stub.default = tool_reply
    extra: dict[str, list[float]] = {"v1": [], "runs_wait": []}
    totals: dict[str, list[float]] = {"v1": [], "runs_wait": []}
    question = {"messages": [{"role": "user", "content": "What is 23*19?"}]}
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        for turn in range(turns + 20):
            for surface in ("v1", "runs_wait"):
                before = len(stub.handled)
                started = time.perf_counter()
                if surface == "v1":
                    response = await http.post(
                        "/v1/chat/completions",
                        json=question,
                        headers={"X-Thread-Id": f"overhead-{turn}"},
                    )
                    answer = response.json()["choices"][0]["message"]["content"]
                else:
                    response = await http.post(
                        f"/threads/{uuid.uuid4()}/runs/wait",
                        json={
                            "assistant_id": "agent",
                            "input": question,
                            "if_not_exists": "create",
                        },
                    )
                    answer = response.json()["messages"][-1]["content"]
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, response.text
                assert "437" in answer
                if turn >= 20:
                    totals[surface].append(elapsed)
                    extra[surface].append(elapsed - sum(stub.handled[before:]))
    v1 = statistics.median(extra["v1"])
    runs_wait = statistics.median(extra["runs_wait"])
    return {
        "turn_p50_ms": round(statistics.median(totals["v1"]) * 1000, 1),
        "overhead_p50_ms": round(v1 * 1000, 1),
        "overhead_p99_ms": round(pct(extra["v1"], 99) * 1000, 1),
        "runs_wait_turn_p50_ms": round(statistics.median(totals["runs_wait"]) * 1000, 1),
        "runs_wait_overhead_p50_ms": round(runs_wait * 1000, 1),
        "runs_wait_overhead_p99_ms": round(pct(extra["runs_wait"], 99) * 1000, 1),
        "runs_wait_ratio_to_v1": round(runs_wait / v1, 2),
        "turns": turns,
    }


async def concurrency(
    url: str, stub: StubLLM, clients: int, seconds: float, tag: str = "load"
) -> dict[str, Any]:
    """``clients`` clients, each on its own thread ``{tag}-{i}``, for ``seconds`` against ``url``."""
    stub.default = tool_reply
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors: list[str] = []
    sent: dict[str, int] = {}

    async def client(index: int, http: httpx.AsyncClient) -> None:
        thread = f"{tag}-{index}"
        sent[thread] = 0
        while time.monotonic() < deadline:
            sent[thread] += 1
            started = time.perf_counter()
            try:
                response = await http.post(
                    "/v1/chat/completions",
                    json={"messages": [{"role": "user", "content": "What is 23*19?"}]},
                    headers={"X-Thread-Id": thread},
                )
                if response.status_code != 200:
                    errors.append(f"HTTP {response.status_code}: {response.text[:120]}")
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
            latencies.append(time.perf_counter() - started)

    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4)
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=url, timeout=600, limits=limits) as http:
        await asyncio.gather(*(client(i, http) for i in range(clients)))
        elapsed = time.monotonic() - started
        lost = 0
        for thread, count in sent.items():
            stored = (
                await http.get(f"/threads/{thread}/transcript", params={"limit": 5000})
            ).json()
            users = sum(1 for m in stored["messages"] if m["role"] == "user")
            lost += max(0, count - users)
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "turns": len(latencies),
        "turns_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(pct(latencies, 99) * 1000, 1),
        "errors": len(errors),
        "error_kinds": dict(Counter(errors).most_common(5)),
        "messages_lost": lost,
    }


async def streaming(server: Server, stub: StubLLM, turns: int) -> dict[str, float]:
    """Time to the first content token, minus the stub's time to its first content token."""
    stub.default = {"content": "Here is a plain answer with several words in it."}
    results: dict[str, list[float]] = {"v1": [], "web": []}
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        for turn in range(turns + 10):
            for surface in ("v1", "web"):
                before = len(stub.first_content)
                started = time.perf_counter()
                first = None
                if surface == "v1":
                    request = http.stream(
                        "POST",
                        "/v1/chat/completions",
                        json={"stream": True, "messages": [{"role": "user", "content": "Hello"}]},
                        headers={"X-Thread-Id": f"ttft-v1-{turn}"},
                    )
                else:
                    request = http.stream(
                        "POST",
                        "/ui/chat",
                        json={"thread_id": f"ttft-web-{turn}", "message": "Hello"},
                    )
                async with request as response:
                    async for line in response.aiter_lines():
                        if first is None and line.startswith("data: {"):
                            data = json.loads(line[6:])
                            text = (
                                data.get("text")
                                if surface == "web"
                                else ((data.get("choices") or [{}])[0].get("delta") or {}).get(
                                    "content"
                                )
                            )
                            if text:
                                first = time.perf_counter() - started
                stub_first = stub.first_content[before] if len(stub.first_content) > before else 0.0
                if turn >= 10 and first is not None:
                    results[surface].append(first - stub_first)
    return {
        "v1_extra_ms": round(statistics.median(results["v1"]) * 1000, 1),
        "web_extra_ms": round(statistics.median(results["web"]) * 1000, 1),
    }


async def run(clients: int = 64, seconds: float = 60, turns: int = 200) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, StubLLM() as stub:
        server = Server(stub, Path(tmp)).ready()
        try:
            await asyncio.sleep(1)
            rest = server.rss_mb()
            result: dict[str, Any] = {"rss_at_rest_mb": rest}
            result["http"] = await overhead(server, stub, turns)
            result["streaming"] = await streaming(server, stub, max(20, turns // 4))
            result["concurrency"] = await concurrency(server.url, stub, clients, seconds)
            result["rss_after_load_mb"] = server.rss_mb()
        finally:
            server.stop()
    return result


async def scaled(
    database_url: str, replicas: int, clients: int = 64, seconds: float = 60
) -> dict[str, Any]:
    """The concurrency benchmark against ``replicas`` servers on one PostgreSQL database (behind
    nginx with deploy/nginx.conf when more than one). Threads are named afresh for each call, so
    runs on a database that already holds some do not mix."""
    from benchmarks.balancer import Balancer

    tag = f"load-{replicas}r-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as tmp, StubLLM() as stub:
        servers = [
            Server(
                stub,
                Path(tmp) / f"replica-{i}",
                TOOLLOOM_DATABASE_URL=database_url,
                TOOLLOOM_REPLICA_ID=f"bench-{i}",
            )
            for i in range(1, replicas + 1)
        ]
        balancer = None
        try:
            for server in servers:
                server.ready()
            url = servers[0].url
            if replicas > 1:
                balancer = Balancer([f"127.0.0.1:{s.port}" for s in servers], Path(tmp) / "lb")
                url = balancer.start().url
            await asyncio.sleep(1)
            result = await concurrency(url, stub, clients, seconds, tag)
            result["replicas"] = replicas
            result["balancer"] = "nginx (deploy/nginx.conf)" if balancer else None
            result["rss_after_load_mb"] = round(sum(s.rss_mb() for s in servers), 1)
            return result
        finally:
            if balancer is not None:
                balancer.stop()
            for server in servers:
                server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.clients, args.seconds, args.turns)), indent=2))


if __name__ == "__main__":
    main()
