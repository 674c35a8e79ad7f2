"""Webhooks under failure: N runs with a ``webhook`` to a receiver on 127.0.0.1 that fails 30% of
deliveries at random (503), against a real ``toolloom serve`` (the stub model), which is killed
(SIGKILL) and started again on the same database once about half the deliveries are in.

Measured: runs whose result was delivered (at least once), deliveries repeated (the same run
twice: a retry after the receiver had taken it), signatures that check out
(``X-Toolloom-Signature``, HMAC-SHA256 of ``timestamp.body``), attempts per delivery (from
``GET .../webhooks``), the time from a run's end to its delivery; and, on a second server that
does not allow private addresses, the runs and crons with a loopback or private webhook that it
refused (422) and the deliveries the receiver got from it (must be 0).

Run: uv run python benchmarks/webhook_bench.py [--runs 100] [--failure 0.3]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import hmac
import json
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backends.stub import StubLLM
from benchmarks.http_bench import Server, pct

SECRET = "bench-webhook-secret"  # noqa: S105 - a throwaway key for the benchmark


class Receiver:
    """Takes webhook deliveries on 127.0.0.1, failing ``failure`` of them at random; checks each
    taken one's signature."""

    def __init__(self, failure: float, seed: int = 27) -> None:
        self.failure = failure
        self.random = random.Random(seed)  # noqa: S311 - which deliveries fail, not a secret
        self.taken: list[dict[str, Any]] = []
        self.refused = 0
        self.bad_signatures = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    fail = receiver.random.random() < receiver.failure
                    if fail:
                        receiver.refused += 1
                if fail:
                    self.send_response(503)
                    self.end_headers()
                    return
                stamp = self.headers.get("X-Toolloom-Timestamp", "")
                mac = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256)
                valid = self.headers.get("X-Toolloom-Signature") == "sha256=" + mac.hexdigest()
                with receiver.lock:
                    receiver.bad_signatures += 0 if valid else 1
                    receiver.taken.append({"at": time.time(), **json.loads(body)})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def runs(self) -> set[str]:
        with self.lock:
            return {t["run_id"] for t in self.taken}


def _server(stub: StubLLM, tmp: Path, **env: str) -> Server:
    return Server(
        stub,
        tmp,
        TOOLLOOM_WEBHOOK_SECRET=SECRET,
        TOOLLOOM_WEBHOOK_BACKOFF="0.5",
        TOOLLOOM_WEBHOOK_ATTEMPTS="15",
        **env,
    ).ready()


def delivered_runs(receiver: Receiver, wanted: set[str], timeout: float) -> set[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not wanted <= receiver.runs():
        time.sleep(0.25)
    return wanted & receiver.runs()


def private_refusals(stub: StubLLM, tmp: Path, receiver: Receiver) -> dict[str, Any]:
    """A server with private addresses not allowed: every loopback or private webhook refused."""
    before = len(receiver.taken)
    server = _server(stub, tmp)
    urls = [
        receiver.url,
        receiver.url.replace("127.0.0.1", "localhost"),
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://[::1]:8080/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://2130706433/hook",
    ]
    statuses: collections.Counter[int] = collections.Counter()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            tid = http.post("/threads", json={}).json()["thread_id"]
            for url in urls:
                for path, body in (
                    (f"/threads/{tid}/runs", {"assistant_id": "agent", "webhook": url,
                                              "input": {"messages": []}}),
                    ("/runs/crons", {"assistant_id": "agent", "schedule": "* * * * *",
                                     "webhook": url}),
                ):  # fmt: skip
                    statuses[http.post(path, json=body).status_code] += 1
            runs = http.get(f"/threads/{tid}/runs").json()
            crons = http.post("/runs/crons/count", json={}).json()
    finally:
        server.stop()
    time.sleep(1)
    return {
        "attempted": sum(statuses.values()),
        "statuses": dict(statuses),
        "runs_stored": len(runs),
        "crons_stored": crons,
        "deliveries_received": len(receiver.taken) - before,
    }


def run(runs: int = 100, failure: float = 0.3) -> dict[str, Any]:
    receiver = Receiver(failure)
    with tempfile.TemporaryDirectory() as scratch, StubLLM({"content": "done"}) as stub:
        tmp = Path(scratch)
        env = {"TOOLLOOM_NET_ALLOW_PRIVATE": "true"}
        server = _server(stub, tmp / "server", **env)
        made: dict[str, str] = {}
        restarted_after = None
        try:
            with httpx.Client(base_url=server.url, timeout=60) as http:
                tid = http.post("/threads", json={}).json()["thread_id"]
                started = time.monotonic()
                for index in range(runs):
                    body = {
                        "assistant_id": "agent",
                        "webhook": receiver.url,
                        "input": {"messages": [{"role": "user", "content": f"run {index}"}]},
                    }
                    made[http.post(f"/threads/{tid}/runs", json=body).json()["run_id"]] = tid
            # Kill the server once about half the results are in: what is stored is sent after.
            deadline = time.monotonic() + 120
            while len(receiver.runs() & set(made)) < runs // 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            server.process.send_signal(signal.SIGKILL)
            server.process.wait()
            restarted_after = len(receiver.runs() & set(made))
            server = _server(stub, tmp / "server", **env)
            got = delivered_runs(receiver, set(made), timeout=300)
            elapsed = time.monotonic() - started
            with httpx.Client(base_url=server.url, timeout=60) as http:
                attempts = []
                ended: dict[str, datetime] = {}
                statuses: collections.Counter[str] = collections.Counter()
                for run_id, thread in made.items():
                    found = http.get(f"/threads/{thread}/runs/{run_id}").json()
                    statuses[found["status"]] += 1
                    ended[run_id] = datetime.fromisoformat(found["updated_at"])
                    for delivery in http.get(f"/threads/{thread}/runs/{run_id}/webhooks").json():
                        attempts.append(delivery["attempts"])
        finally:
            server.stop()
        first_taken: dict[str, float] = {}
        for taken in receiver.taken:
            first_taken.setdefault(taken["run_id"], taken["at"])
        latency = [first_taken[r] - ended[r].timestamp() for r in got if r in first_taken]
        repeats = collections.Counter(t["run_id"] for t in receiver.taken)
        refusals = private_refusals(stub, tmp / "strict", receiver)
    return {
        "runs": runs,
        "receiver_failure_rate": failure,
        "delivered": len(got),
        "undelivered": runs - len(got),
        "repeated_deliveries": sum(n - 1 for n in repeats.values() if n > 1),
        "bad_signatures": receiver.bad_signatures,
        "receiver_refused_attempts": receiver.refused,
        "run_statuses": dict(statuses),
        "attempts_per_delivery": {
            "mean": round(statistics.mean(attempts), 2) if attempts else None,
            "max": max(attempts) if attempts else None,
            "histogram": dict(sorted(collections.Counter(attempts).items())),
        },
        "run_end_to_delivery_s": {
            "p50": round(statistics.median(latency), 2) if latency else None,
            "p99": round(pct(latency, 99), 2) if latency else None,
        },
        "server_killed_after_deliveries": restarted_after,
        "seconds": round(elapsed, 1),
        "private_addresses_not_allowed": refusals,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--failure", type=float, default=0.3)
    args = parser.parse_args()
    print(json.dumps(run(args.runs, args.failure), indent=2, default=str))


if __name__ == "__main__":
    main()
