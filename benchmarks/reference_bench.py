"""toolloom against the reference server, side by side: the same graph, the same stub model, the
same client (``langgraph-sdk``'s ``runs.wait``).

The reference is ``langgraph dev`` (``langgraph-api`` on its in-memory runtime) serving this
repository's graph as ``langgraph.json`` registers it (``server/studio.py``, with its SQLite
checkpointer on a file of its own; ``--reference-checkpointer memory`` drops it for the runtime's
in-memory saver, as the conformance tests do). toolloom is ``toolloom serve`` on its SQLite
file. Both call one zero-latency stub model (``backends/stub.py``) for the same turn: "What is
23*19?", one tool call.

1. **Sequential**: one client, one run at a time on a thread of its own: the p50 of a run.
2. **Concurrent**: ``clients`` clients, each on its own thread, each sending ``runs.wait`` after
   ``runs.wait`` for ``seconds``: runs per second and the p50 of a run. Rounds are interleaved
   (toolloom, reference, reference, toolloom, ...), so a busy stretch of the machine falls on
   both; the medians of the rounds are reported, with their ratio.

Run: uv run python -m benchmarks.reference_bench [--clients 8] [--seconds 10] [--rounds 4]
(``toolloom bench --only reference`` runs the same).
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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
from langgraph_sdk import get_client

from backends.embedded import free_port
from backends.stub import StubLLM
from benchmarks.graph_overhead import reply as tool_reply
from benchmarks.http_bench import Server, pct

ROOT = Path(__file__).resolve().parents[1]
QUESTION = {"messages": [{"role": "user", "content": "What is 23*19?"}]}
QUIET = {
    "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    "LANGGRAPH_NO_VERSION_CHECK": "true",
    "LANGSMITH_TRACING": "false",
    "LANGCHAIN_TRACING_V2": "false",
}


@dataclass(frozen=True)
class Reference:
    url: str
    pid: int


@contextlib.contextmanager
def langgraph_dev(
    stub: StubLLM, workdir: Path, checkpointer: str = "sqlite"
) -> Iterator[Reference]:
    """``langgraph dev`` on this repository's ``langgraph.json`` (graphs and checkpointer made
    absolute; ``checkpointer="memory"``: without the custom one), the model at the stub; yields
    its URL and process id. Nothing leaves the machine (analytics, version checks and tracing are off)."""
    config = json.loads((ROOT / "langgraph.json").read_text())
    config["dependencies"] = [str(ROOT)]
    config["graphs"] = {
        name: str(ROOT / spec.removeprefix("./")) for name, spec in config["graphs"].items()
    }
    if checkpointer == "memory":
        config.pop("checkpointer", None)
    elif "checkpointer" in config:
        path = config["checkpointer"]["path"]
        config["checkpointer"]["path"] = str(ROOT / path.removeprefix("./"))
    workdir.mkdir(parents=True, exist_ok=True)
    config_path = workdir / "langgraph.json"
    config_path.write_text(json.dumps(config))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TOOLLOOM_")},
        **QUIET,
        "TOOLLOOM_LLM_BASE_URL": stub.base_url,
        "TOOLLOOM_LLM_MODEL": "stub",
        "TOOLLOOM_DB": str(workdir / "studio.db"),
        "TOOLLOOM_WORKSPACE": str(workdir / "ws"),
        "TOOLLOOM_SANDBOX_DB": str(workdir / "sandbox.db"),
        "TOOLLOOM_LOG_LEVEL": "warning",
    }
    port = free_port()
    log_path = workdir / "langgraph.log"
    command = [str(Path(sys.executable).parent / "langgraph"), "dev", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--no-browser", "--no-reload", "--config", str(config_path)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                raise RuntimeError("langgraph dev exited:\n" + log_path.read_text()[-3000:])
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/ok", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("langgraph dev did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(0.5)
        yield Reference(url, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


class Target:
    """One server as the SDK sees it: its URL, the assistant to run, its threads, and its
    process (whose CPU time, children included, is read around each round)."""

    def __init__(self, name: str, url: str, assistant: str, pid: int) -> None:
        self.name = name
        self.client = get_client(url=url, timeout=120)
        self.assistant = assistant
        self.threads: list[str] = []
        self.process = psutil.Process(pid)

    def cpu_seconds(self) -> float:
        total = 0.0
        for process in [self.process, *self.process.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
        return total

    async def run(self, thread_id: str) -> float:
        started = time.perf_counter()
        values: Any = await self.client.runs.wait(thread_id, self.assistant, input=QUESTION)
        elapsed = time.perf_counter() - started
        answer = (values or {}).get("messages", [{}])[-1].get("content", "")
        if "437" not in str(answer):
            raise RuntimeError(f"{self.name}: unexpected answer {values!r:.300}")
        return elapsed

    async def thread(self) -> str:
        return str((await self.client.threads.create())["thread_id"])


async def sequential(target: Target, runs: int) -> list[float]:
    """``runs`` runs one after another, each on a new thread."""
    return [await target.run(await target.thread()) for _ in range(runs)]


async def concurrent(target: Target, clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` clients on their own threads, ``runs.wait`` after ``runs.wait``."""
    while len(target.threads) < clients:
        target.threads.append(await target.thread())
    latencies: list[float] = []
    cpu = target.cpu_seconds()
    deadline = time.monotonic() + seconds

    async def client(thread_id: str) -> None:
        while time.monotonic() < deadline:
            latencies.append(await target.run(thread_id))

    started = time.monotonic()
    await asyncio.gather(*(client(t) for t in target.threads[:clients]))
    elapsed = time.monotonic() - started
    cpu = target.cpu_seconds() - cpu
    return {
        "server_cpu_ms_per_run": cpu / max(1, len(latencies)) * 1000,
        "runs": len(latencies),
        "runs_per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": pct(latencies, 99) * 1000,
    }


async def compare(
    targets: list[Target], clients: int, seconds: float, rounds: int, sequential_runs: int
) -> dict[str, Any]:
    """Warm both up, then the sequential runs and the concurrent rounds, interleaved."""
    for target in targets:
        await sequential(target, 5)
        await concurrent(target, clients, min(2.0, seconds))
    single: dict[str, list[float]] = {t.name: [] for t in targets}
    for index in range(sequential_runs):
        for target in targets if index % 2 == 0 else targets[::-1]:
            single[target.name] += await sequential(target, 1)
    found: dict[str, list[dict[str, Any]]] = {t.name: [] for t in targets}
    for index in range(rounds):
        for target in targets if index % 2 == 0 else targets[::-1]:
            found[target.name].append(await concurrent(target, clients, seconds))
    result: dict[str, Any] = {"clients": clients, "seconds": seconds, "rounds": rounds}
    for target in targets:
        runs = found[target.name]
        result[target.name] = {
            "sequential_p50_ms": round(statistics.median(single[target.name]) * 1000, 1),
            "runs_per_second": round(statistics.median(r["runs_per_second"] for r in runs), 1),
            "rounds_runs_per_second": [round(r["runs_per_second"], 1) for r in runs],
            "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 1),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 1),
            "server_cpu_ms_per_run": round(
                statistics.median(r["server_cpu_ms_per_run"] for r in runs), 1
            ),
        }
    ours, theirs = result[targets[0].name], result[targets[1].name]
    result["ratio"] = round(ours["runs_per_second"] / theirs["runs_per_second"], 2)
    result["sequential_ratio"] = round(ours["sequential_p50_ms"] / theirs["sequential_p50_ms"], 2)
    return result


async def run(
    clients: int = 8,
    seconds: float = 10,
    rounds: int = 4,
    sequential_runs: int = 20,
    checkpointer: str = "sqlite",
) -> dict[str, Any]:
    """Start both servers on one stub and compare them (see the module docstring)."""
    with tempfile.TemporaryDirectory() as tmp, StubLLM() as stub:
        stub.default = tool_reply
        server = Server(stub, Path(tmp) / "toolloom")
        try:
            with langgraph_dev(stub, Path(tmp) / "reference", checkpointer) as reference:
                server.ready()
                targets = [
                    Target("toolloom", server.url, "agent", server.process.pid),
                    Target("langgraph_dev", reference.url, "toolloom", reference.pid),
                ]
                result = await compare(targets, clients, seconds, rounds, sequential_runs)
        finally:
            server.stop()
    result["reference_checkpointer"] = checkpointer
    return result


def report(result: dict[str, Any]) -> str:
    ours, theirs = result["toolloom"], result["langgraph_dev"]
    return (
        f"R. against langgraph dev (checkpointer: {result['reference_checkpointer']}), "
        f"langgraph-sdk runs.wait, {result['clients']} clients on {result['clients']} threads, "
        f"{result['rounds']} interleaved rounds of {result['seconds']:.0f} s: toolloom "
        f"{ours['runs_per_second']} runs/s (p50 {ours['p50_ms']} ms, "
        f"{ours['server_cpu_ms_per_run']} ms of server CPU a run), langgraph dev "
        f"{theirs['runs_per_second']} runs/s (p50 {theirs['p50_ms']} ms, "
        f"{theirs['server_cpu_ms_per_run']} ms): {result['ratio']}x; "
        f"one run at a time: {ours['sequential_p50_ms']} ms against "
        f"{theirs['sequential_p50_ms']} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--sequential", type=int, default=20)
    parser.add_argument("--reference-checkpointer", choices=["sqlite", "memory"], default="sqlite")
    args = parser.parse_args()
    result = asyncio.run(
        run(args.clients, args.seconds, args.rounds, args.sequential, args.reference_checkpointer)
    )
    print(json.dumps(result, indent=2))
    print(report(result))


if __name__ == "__main__":
    main()
