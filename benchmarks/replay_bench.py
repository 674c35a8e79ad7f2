"""gpt-oss on vLLM as it fails, replayed (issue 25): what toolloom recovers, and what it costs.

Both parts go through a real ``toolloom serve`` on 127.0.0.1, in tool-call mode
(``/v1/chat/completions`` with the client's tools), with one models-file entry per backend:

(a) **recovery**: ``--requests`` requests (default 1,000; 8 at a time) against the replay server
    failing ``--fail-rate`` of all requests (default 0.3) at random with a transient
    HarmonyError 500 (``python -m backends.replay --fail-rate 0.3``). A request is recovered
    when it ends in HTTP 200 with the expected tool call, within toolloom's retry budget
    (default ``TOOLLOOM_LLM_MAX_RETRIES=2``: 3 attempts for an outage, 5 for a reply the
    backend failed to parse; backoff from 0.5 s, jittered). Target: at least 99%.
(b) **overhead**: every tool-call-mode corpus case that toolloom recovers from the broken reply
    itself (one backend request: no retry, no follow-up request), against the same request to
    a well-behaved stub (backends/stub.py) that answers with the expected calls natively. One
    request at a time, the two interleaved (the order alternating by round), ``--rounds``
    rounds; median milliseconds of each and their ratio. Target: within 1.2x.

Run: python -m benchmarks.replay_bench [--requests 1000] [--fail-rate 0.3] [--rounds 15]
     [--out replay_bench.json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from backends.embedded import free_port
from backends.replay import ReplayLLM, load_corpus
from backends.stub import StubLLM

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
CITIES = ["Seoul", "Tokyo", "Paris", "Berlin", "Lima", "Oslo", "Hanoi", "Madrid"]
CONCURRENCY = 8


class Toolloom:
    """``toolloom serve`` on a free port with a models file (one entry per backend)."""

    def __init__(self, tmp: Path, entries: list[dict[str, Any]]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        models = tmp / "models.json"
        models.write_text(json.dumps(entries), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLLOOM_")}
        env.update(
            TOOLLOOM_MODELS=str(models),
            TOOLLOOM_INTENT_MODEL="off",
            TOOLLOOM_DB=str(tmp / "bench.db"),
            TOOLLOOM_WORKSPACE=str(tmp / "ws"),
            TOOLLOOM_SANDBOX_DB=str(tmp / "sandbox.db"),
            TOOLLOOM_LOG_LEVEL="warning",
        )
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port)],
            env=env,
            stdout=(tmp / "server.log").open("wb"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def ready(self, timeout: float = 300) -> Toolloom:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"toolloom exited with {self.process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                # /health asks every backend: slow with one entry per corpus case
                if httpx.get(self.url + "/v1/models", timeout=2).status_code == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError("toolloom did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)


def _calls(body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    message = body["choices"][0]["message"]
    return [
        (c["function"]["name"], json.loads(c["function"]["arguments"]))
        for c in message.get("tool_calls") or []
    ]


def _key(calls: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return sorted(json.dumps(c, sort_keys=True) for c in calls)


async def recovery(server: Toolloom, failing: ReplayLLM, requests: int) -> dict[str, Any]:
    """Part (a): the share of requests answered with their tool call despite the failures."""
    outcomes: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(requests):
        queue.put_nowait(n)

    async def worker(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            n = queue.get_nowait()
            text = f"What's the weather in {CITIES[n % len(CITIES)]}? ({n})"
            body = {
                "model": "failing",
                "messages": [{"role": "user", "content": text}],
                "tools": [WEATHER],
            }
            started = time.perf_counter()
            response = await http.post("/v1/chat/completions", json=body)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                outcomes["error"] += 1
                errors[f"HTTP {response.status_code}: {response.json()['error']['message']}"] += 1
            elif _calls(response.json()) == [("get_weather", {"city": text})]:
                outcomes["recovered"] += 1
            else:
                outcomes["wrong"] += 1

    async with httpx.AsyncClient(base_url=server.url, timeout=120) as http:
        await asyncio.gather(*(worker(http) for _ in range(CONCURRENCY)))
        metrics = (await http.get("/metrics")).text
    injected = Counter(r["case"] for r in failing.records)
    retries = {
        kind: float(value)
        for kind, value in re.findall(
            r'toolloom_llm_retries_total\{backend="failing",kind="([a-z_]+)"\} ([0-9.e+]+)', metrics
        )
    }
    return {
        "requests": requests,
        "fail_rate": failing.fail_rate,
        "backend_requests": sum(injected.values()),
        "failures_injected": injected.get("fail-rate:failure", 0),
        "recovered": outcomes["recovered"],
        "recovered_share": outcomes["recovered"] / requests,
        "errors": outcomes["error"],
        "wrong_calls": outcomes["wrong"],
        "error_messages": dict(errors.most_common(5)),
        "retries_by_kind": retries,
        "median_ms": round(statistics.median(latencies) * 1000, 1),
        "p90_ms": round(statistics.quantiles(latencies, n=10)[-1] * 1000, 1),
    }


def _case_body(case: dict[str, Any], model: str) -> dict[str, Any]:
    request = case["request"]
    body = {"model": model, "messages": request["messages"], "tools": request["tools"]}
    if "tool_choice" in request:
        body["tool_choice"] = request["tool_choice"]
    return body


def _native(case: dict[str, Any]) -> dict[str, Any]:
    """What a well-behaved backend answers to the case: the expected calls, natively."""
    return {
        "content": None,
        "tool_calls": [
            {"name": c["name"], "arguments": c["arguments"]} for c in case["expect"]["tool_calls"]
        ],
    }


def overhead(server: Toolloom, corpus: ReplayLLM, stub: StubLLM, rounds: int) -> dict[str, Any]:
    """Part (b): median time per request, replayed failure against a clean native reply."""
    cases = [
        c
        for c in corpus.cases
        if isinstance(c["request"]["tools"], list) and "tool_calls" in c["expect"]
    ]
    timed: list[dict[str, Any]] = []
    left_out: dict[str, str] = {}
    with httpx.Client(base_url=server.url, timeout=120) as http:
        for case in cases:  # which cases are recovered from the one reply
            corpus.reset(case["id"])
            response = http.post("/v1/chat/completions", json=_case_body(case, case["id"]))
            sent = [r for r in corpus.records if isinstance(r["position"], int)]
            wanted = [(c["name"], c["arguments"]) for c in case["expect"]["tool_calls"]]
            if response.status_code != 200 or _key(_calls(response.json())) != _key(wanted):
                left_out[case["id"]] = f"not recovered (HTTP {response.status_code})"
            elif len(sent) != 1:
                left_out[case["id"]] = f"{len(sent)} backend requests (retry or follow-up)"
            else:
                timed.append(case)
        times: dict[str, dict[str, list[float]]] = {
            c["id"]: {"replay": [], "stub": []} for c in timed
        }
        for round_ in range(rounds + 1):  # round 0 warms up
            for case in timed:
                order = ("replay", "stub") if round_ % 2 else ("stub", "replay")
                for kind in order:
                    if kind == "replay":
                        corpus.reset(case["id"])
                        body = _case_body(case, case["id"])
                    else:
                        stub.default = _native(case)
                        body = _case_body(case, "clean")
                    started = time.perf_counter()
                    response = http.post("/v1/chat/completions", json=body)
                    elapsed = time.perf_counter() - started
                    assert response.status_code == 200, response.text
                    if round_:
                        times[case["id"]][kind].append(elapsed)
    replay_all = [t for c in times.values() for t in c["replay"]]
    stub_all = [t for c in times.values() for t in c["stub"]]
    per_case = {
        case_id: {
            "replay_ms": round(statistics.median(t["replay"]) * 1000, 2),
            "stub_ms": round(statistics.median(t["stub"]) * 1000, 2),
            "ratio": round(statistics.median(t["replay"]) / statistics.median(t["stub"]), 3),
        }
        for case_id, t in times.items()
    }
    replay_median, stub_median = statistics.median(replay_all), statistics.median(stub_all)
    return {
        "rounds": rounds,
        "cases_timed": len(timed),
        "cases_left_out": left_out,
        "replay_median_ms": round(replay_median * 1000, 2),
        "stub_median_ms": round(stub_median * 1000, 2),
        "ratio": round(replay_median / stub_median, 3),
        "per_case": per_case,
    }


def _machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--fail-rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--out", type=Path, help="write the results here as JSON")
    args = parser.parse_args(argv)
    corpus = load_corpus()
    failing = ReplayLLM(cases=corpus, fail_rate=args.fail_rate, seed=args.seed).start()
    replay = ReplayLLM(cases=corpus).start()
    stub = StubLLM().start()
    entries = [
        {"name": "failing", "base_url": failing.base_url, "model": "openai/gpt-oss-20b"},
        {"name": "clean", "base_url": stub.base_url, "model": "openai/gpt-oss-20b"},
        *(
            {"name": c["id"], "base_url": replay.base_url, "model": c["model"]}
            for c in corpus
            if isinstance(c["request"]["tools"], list)
        ),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        server = Toolloom(Path(tmp), entries).ready()
        try:
            started = time.perf_counter()
            part_a = asyncio.run(recovery(server, failing, args.requests))
            part_a["seconds"] = round(time.perf_counter() - started, 1)
            part_b = overhead(server, replay, stub, args.rounds)
        finally:
            server.stop()
            for backend in (failing, replay, stub):
                backend.stop()
    results = {"machine": _machine(), "recovery": part_a, "overhead": part_b}
    print(
        f"(a) recovery, {part_a['requests']} requests, fail rate {part_a['fail_rate']:.0%}: "
        f"{part_a['recovered']} recovered ({part_a['recovered_share']:.1%}; target >= 99%), "
        f"{part_a['errors']} errors, {part_a['wrong_calls']} wrong calls; "
        f"{part_a['failures_injected']} failures injected in {part_a['backend_requests']} "
        f"backend requests; retries {part_a['retries_by_kind']}; "
        f"median {part_a['median_ms']} ms, p90 {part_a['p90_ms']} ms"
    )
    print(
        f"(b) tool-call mode, {part_b['cases_timed']} corpus cases x {part_b['rounds']} rounds, "
        "interleaved:"
    )
    print(f"    {'case':<48} {'replay ms':>10} {'stub ms':>9} {'ratio':>6}")
    for case_id, row in part_b["per_case"].items():
        print(f"    {case_id:<48} {row['replay_ms']:>10} {row['stub_ms']:>9} {row['ratio']:>6}")
    print(
        f"    {'all (median of every request)':<48} {part_b['replay_median_ms']:>10} "
        f"{part_b['stub_median_ms']:>9} {part_b['ratio']:>6}   (target <= 1.2)"
    )
    for case_id, why in part_b["cases_left_out"].items():
        print(f"    left out: {case_id}: {why}")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
