"""Soak: minutes of mixed traffic against a real server on the embedded model, with faults.

    uv run python benchmarks/soak.py --minutes 10

What runs, all on 127.0.0.1:
- the embedded model (llama.cpp, SmolLM2-135M from its wheel);
- a fault proxy in front of it that answers a share of the LLM requests with HTTP 503, drops the
  connection, or delays (``--fault-rate``), and during one outage window answers them all with 503;
- ``toolloom serve`` pointed at the proxy;
- ``--clients`` clients, each on its own threads, looping over: an agent turn on /v1 (plain and
  with a tool), a streamed /v1 turn, a web-page turn on /ui/chat, a tool-call-mode request.

Afterwards the report: requests and statuses, errors other than the injected ones (target 0),
the server's resident memory at the start and the end, and messages lost (target 0): every user
message a client sent must be in ``GET /threads/{id}/transcript``, failed turns included.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backends.embedded import free_port  # noqa: E402

PROMPTS = [
    "What is 23*19?",
    "서울은 지금 몇 시야?",
    "Tell me one short fact about the sea.",
    "What's the average of 3, 5, 7, 9?",
    "List the files in the workspace.",
    "Hi! How are you?",
    "What time is it in Tokyo?",
    "Calculate 987+654.",
]
CLIENT_TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather in a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
]


class FaultProxy:
    """Forwards to the model; answers a share of POSTs with a fault, and all of them in an outage."""

    def __init__(self, upstream: str, rate: float, seed: int) -> None:
        self.upstream = upstream.rstrip("/")
        self.rate = rate
        self.random = random.Random(seed)  # noqa: S311 - fault schedule, not security
        self.outage_until = 0.0
        self.injected: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def choose(self) -> str | None:
        with self.lock:
            if time.monotonic() < self.outage_until:
                self.injected["outage-503"] += 1
                return "503"
            if self.random.random() >= self.rate:
                return None
            fault = self.random.choice(["503", "drop", "slow"])
            self.injected[fault] += 1
            return fault

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _forward(self, method: str) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length) if length else b""
                fault = proxy.choose() if method == "POST" else None
                if fault == "drop":
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(2)
                    return
                if fault == "503":
                    payload = b'{"error": {"message": "injected outage"}}'
                    self.send_response(503)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if fault == "slow":
                    time.sleep(2.0)
                headers = {"Content-Type": self.headers.get("Content-Type", "application/json")}
                with (
                    httpx.Client(timeout=300) as client,
                    client.stream(
                        method, proxy.upstream + self.path, content=body, headers=headers
                    ) as response,
                ):
                    self.send_response(response.status_code)
                    self.send_header(
                        "Content-Type", response.headers.get("content-type", "application/json")
                    )
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for chunk in response.iter_raw():
                        self.wfile.write(chunk)
                        self.wfile.flush()
                self.close_connection = True

            def do_GET(self) -> None:
                self._forward("GET")

            def do_POST(self) -> None:
                self._forward("POST")

        return Handler


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603
        command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


class Client:
    def __init__(self, base: str, index: int, seed: int) -> None:
        self.base = base
        self.index = index
        self.random = random.Random(seed + index)  # noqa: S311
        self.sent: dict[str, list[str]] = {}  # thread -> user messages sent
        self.statuses: Counter[str] = Counter()
        self.unexpected: list[str] = []
        self.latencies: list[float] = []

    def thread(self) -> str:
        return f"soak-{self.index}-{self.random.randrange(4)}"

    async def turn(self, http: httpx.AsyncClient) -> None:
        kind = self.random.choice(["v1", "v1", "stream", "web", "tool-call"])
        prompt = self.random.choice(PROMPTS)
        thread = self.thread()
        started = time.perf_counter()
        try:
            if kind == "tool-call":
                response = await http.post(
                    "/v1/chat/completions",
                    json={
                        "messages": [{"role": "user", "content": "What's the weather in Seoul?"}],
                        "tools": CLIENT_TOOLS,
                    },
                )
                status = response.status_code
            elif kind == "v1":
                self.sent.setdefault(thread, []).append(prompt)
                response = await http.post(
                    "/v1/chat/completions",
                    json={"messages": [{"role": "user", "content": prompt}]},
                    headers={"X-Thread-Id": thread},
                )
                status = response.status_code
            elif kind == "stream":
                self.sent.setdefault(thread, []).append(prompt)
                status = 200
                async with http.stream(
                    "POST",
                    "/v1/chat/completions",
                    json={"stream": True, "messages": [{"role": "user", "content": prompt}]},
                    headers={"X-Thread-Id": thread},
                ) as response:
                    status = response.status_code
                    async for line in response.aiter_lines():
                        if line.startswith("data: {") and '"error"' in line[:20]:
                            status = int(json.loads(line[6:])["error"]["code"])
            else:
                self.sent.setdefault(thread, []).append(prompt)
                status = 200
                async with http.stream(
                    "POST", "/ui/chat", json={"thread_id": thread, "message": prompt}
                ) as response:
                    status = response.status_code
                    async for line in response.aiter_lines():
                        if line.startswith("data: "):
                            event = json.loads(line[6:])
                            if event["type"] == "error":
                                status = int(event["status"])
        except httpx.HTTPError as exc:
            status = 0
            self.unexpected.append(f"{kind}: {type(exc).__name__}")
        self.latencies.append(time.perf_counter() - started)
        self.statuses[f"{kind} {status}"] += 1
        if status not in (0, 200, 502, 503, 504):
            self.unexpected.append(f"{kind}: HTTP {status}")
        if status >= 500:
            await asyncio.sleep(1.0)  # as a polite client does (the server sends Retry-After)


async def traffic(base: str, clients: list[Client], seconds: float) -> None:
    deadline = time.monotonic() + seconds

    async def loop(client: Client) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=300) as http:
            while time.monotonic() < deadline:
                await client.turn(http)

    await asyncio.gather(*(loop(c) for c in clients))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--fault-rate", type=float, default=0.1)
    parser.add_argument("--outage-seconds", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="toolloom-soak-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLLOOM_")}
    model_port = free_port()
    model = start(
        [sys.executable, "-m", "server.cli", "embedded", "--port", str(model_port)],
        {**env, "TOOLLOOM_EMBEDDED_THREADS": "2"},
        tmp / "model.log",
    )
    server = None
    try:
        wait_for(f"http://127.0.0.1:{model_port}/v1/models", 180)
        proxy = FaultProxy(f"http://127.0.0.1:{model_port}", args.fault_rate, args.seed)
        port = free_port()
        server = start(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
            {
                **env,
                "TOOLLOOM_LLM_BASE_URL": proxy.url + "/v1",
                "TOOLLOOM_LLM_MODEL": "smollm2-135m-instruct",
                "TOOLLOOM_LLM_MAX_TOKENS": "256",
                "TOOLLOOM_DB": str(tmp / "toolloom.db"),
                "TOOLLOOM_WORKSPACE": str(tmp / "workspace"),
                "TOOLLOOM_SANDBOX_DB": str(tmp / "sandbox.db"),
                "TOOLLOOM_LLM_BREAKER_RESET": "10",
            },
            tmp / "server.log",
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/health", 60)
        process = psutil.Process(server.pid)
        rss_start = process.memory_info().rss
        clients = [Client(base, i, args.seed) for i in range(args.clients)]
        seconds = args.minutes * 60

        def outage() -> None:  # one outage window in the middle of the run
            time.sleep(seconds / 2)
            proxy.outage_until = time.monotonic() + args.outage_seconds

        threading.Thread(target=outage, daemon=True).start()
        started = time.monotonic()
        asyncio.run(traffic(base, clients, seconds))
        elapsed = time.monotonic() - started
        rss_end = process.memory_info().rss

        lost = 0
        for client in clients:
            for thread, sent in client.sent.items():
                stored = httpx.get(f"{base}/threads/{thread}/transcript", timeout=30).json()[
                    "messages"
                ]
                kept = [m["content"] for m in stored if m["role"] == "user"]
                if kept != sent:
                    lost += max(0, len(sent) - len(kept)) or 1
                    print(f"thread {thread}: sent {len(sent)}, kept {len(kept)}", file=sys.stderr)
        statuses = sum((c.statuses for c in clients), Counter())
        unexpected = [u for c in clients for u in c.unexpected]
        latencies = sorted(x for c in clients for x in c.latencies)
        report = {
            "minutes": round(elapsed / 60, 2),
            "clients": args.clients,
            "requests": sum(statuses.values()),
            "statuses": dict(sorted(statuses.items())),
            "injected_llm_faults": dict(proxy.injected),
            "unexpected_errors": len(unexpected),
            "unexpected": unexpected[:20],
            "latency_p50_s": round(latencies[len(latencies) // 2], 2) if latencies else None,
            "rss_start_mb": round(rss_start / 2**20, 1),
            "rss_end_mb": round(rss_end / 2**20, 1),
            "messages_sent": sum(len(s) for c in clients for s in c.sent.values()),
            "messages_lost": lost,
            "machine": f"{psutil.cpu_count()} cores, {round(psutil.virtual_memory().total / 2**30)} GiB",
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
        if unexpected or lost:
            sys.exit(1)
    finally:
        for child in (server, model):
            if child is not None and child.poll() is None:
                child.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.wait(timeout=30)


if __name__ == "__main__":
    main()
