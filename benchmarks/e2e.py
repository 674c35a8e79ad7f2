"""End to end on the embedded default: what a user of a laptop meets (``toolloom bench --e2e``).

A warm ``toolloom serve`` on the embedded model (SmolLM2-135M, llama.cpp, CPU) gets a fixed set of
hand-written requests (benchmarks/e2e_requests.json: tool and chat, eight languages, none taken
from the intent model's training phrasings). Each is sent to ``/v1/chat/completions`` streamed,
on a new thread, and measured:

- wall time and time to the first content token;
- model calls and prompt tokens, from the server's own counters (``/metrics``:
  ``toolloom_llm_request_duration_seconds_count`` and ``toolloom_llm_tokens_total{kind="prompt"}``
  before and after), so the numbers are the server's, whatever its version (llama.cpp's server
  reports no usage in a stream: where a streamed request made model calls but counted no tokens,
  the same request is sent once more, not streamed, on a new thread, for the count);
- for chat, the same question sent once directly to the embedded model (no system prompt, no
  tools): the bare call toolloom's chat is compared with;
- whether the right tool ran (or none), from the thread's transcript.

Run alone: ``python -m benchmarks.e2e [--url URL]`` (``--url`` measures a server that is already
running, e.g. an older version, instead of starting one from this checkout).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from backends.embedded import free_port

REQUESTS = Path(__file__).with_name("e2e_requests.json")
_METRIC = re.compile(r"^(\w+)(\{[^}]*\})?\s+([0-9.eE+-]+)$")


def load_requests() -> list[dict[str, Any]]:
    requests: list[dict[str, Any]] = json.loads(REQUESTS.read_text(encoding="utf-8"))["requests"]
    return requests


def counters(text: str) -> tuple[float, float]:
    """(model calls, prompt tokens) so far, from a Prometheus text page."""
    calls = tokens = 0.0
    for line in text.splitlines():
        match = _METRIC.match(line.strip())
        if not match:
            continue
        name, labels, value = match.group(1), match.group(2) or "", float(match.group(3))
        if name == "toolloom_llm_request_duration_seconds_count":
            calls += value
        elif name == "toolloom_llm_tokens_total" and 'kind="prompt"' in labels:
            tokens += value
    return calls, tokens


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


async def stream_timing(
    http: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str]
) -> tuple[float, float | None, str]:
    """(wall seconds, seconds to the first content token, the text) of one streamed completion."""
    started = time.perf_counter()
    first: float | None = None
    text = ""
    async with http.stream("POST", url, json=body, headers=headers) as response:
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {(await response.aread())[:300]!r}")
        async for line in response.aiter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            chunk = json.loads(line[6:])
            for choice in chunk.get("choices") or []:
                piece = (choice.get("delta") or {}).get("content") or ""
                if piece and first is None:
                    first = time.perf_counter() - started
                text += piece
    return time.perf_counter() - started, first, text


async def one(
    http: httpx.AsyncClient, server: str, request: dict[str, Any], bare_url: str | None, model: str
) -> dict[str, Any]:
    thread = f"e2e-{uuid.uuid4().hex[:12]}"
    before = counters((await http.get(f"{server}/metrics")).text)
    wall, first, text = await stream_timing(
        http,
        f"{server}/v1/chat/completions",
        {"stream": True, "messages": [{"role": "user", "content": request["text"]}]},
        {"X-Thread-Id": thread},
    )
    after = counters((await http.get(f"{server}/metrics")).text)
    transcript = await http.get(f"{server}/threads/{thread}/transcript")
    if transcript.status_code == 404:  # a version before the Agent Server API: GET /threads/{id}
        transcript = await http.get(f"{server}/threads/{thread}")
    stored = transcript.json()
    tools = [m.get("name") for m in stored.get("messages", []) if m.get("role") == "tool"]
    prompt_tokens = after[1] - before[1]
    if after[0] > before[0] and prompt_tokens == 0:
        # llama.cpp's server reports no usage in a stream: the same request once more, not
        # streamed, on a new thread, for the server's own token count.
        counted = counters((await http.get(f"{server}/metrics")).text)
        response = await http.post(
            f"{server}/v1/chat/completions",
            json={"messages": [{"role": "user", "content": request["text"]}]},
            headers={"X-Thread-Id": f"{thread}-count"},
        )
        response.raise_for_status()
        prompt_tokens = counters((await http.get(f"{server}/metrics")).text)[1] - counted[1]
    row: dict[str, Any] = {
        **request,
        "wall_s": round(wall, 3),
        "first_token_s": round(first, 3) if first is not None else None,
        "model_calls": round(after[0] - before[0]),
        "prompt_tokens": round(prompt_tokens),
        "tools_run": tools,
        "right": tools == ([request["tool"]] if request["tool"] else []),
        "answer": text[:200],
    }
    if request["tool"] is None and bare_url is not None:
        bare_wall, bare_first, _ = await stream_timing(
            http,
            f"{bare_url}/chat/completions",
            {
                "model": model,
                "stream": True,
                "max_tokens": 256,
                "messages": [{"role": "user", "content": request["text"]}],
            },
            {},
        )
        row["bare_wall_s"] = round(bare_wall, 3)
        row["bare_first_token_s"] = round(bare_first, 3) if bare_first is not None else None
    return row


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def of(kind: str) -> dict[str, Any]:
        chosen = [r for r in rows if (r["tool"] is not None) == (kind == "tool")]
        walls = [r["wall_s"] for r in chosen]
        firsts = [r["first_token_s"] for r in chosen if r["first_token_s"] is not None]
        found: dict[str, Any] = {
            "requests": len(chosen),
            "wall_p50_s": round(statistics.median(walls), 3),
            "wall_p95_s": round(pct(walls, 95), 3),
            "first_token_p50_s": round(statistics.median(firsts), 3) if firsts else None,
            "model_calls_per_request": round(statistics.mean(r["model_calls"] for r in chosen), 2),
            "prompt_tokens_per_request": round(
                statistics.mean(r["prompt_tokens"] for r in chosen), 1
            ),
            "right": f"{sum(r['right'] for r in chosen)}/{len(chosen)}",
        }
        bare = [r["bare_wall_s"] for r in chosen if "bare_wall_s" in r]
        if bare:
            found["bare_wall_p50_s"] = round(statistics.median(bare), 3)
            ratios = [r["wall_s"] / r["bare_wall_s"] for r in chosen if "bare_wall_s" in r]
            found["ratio_to_bare_p50"] = round(statistics.median(ratios), 2)
            found["ratio_of_p50s"] = round(found["wall_p50_s"] / found["bare_wall_p50_s"], 2)
        return found

    languages = sorted({r["lang"] for r in rows})
    return {"tool": of("tool"), "chat": of("chat"), "languages": languages}


async def measure(server: str, bare_url: str | None, model: str, warmup: int = 3) -> dict[str, Any]:
    requests = load_requests()
    async with httpx.AsyncClient(timeout=600) as http:
        for request in requests[:warmup]:  # the model's weights and prompt cache warm
            await one(http, server, request, None, model)
        rows = [await one(http, server, request, bare_url, model) for request in requests]
    return {"summary": summarise(rows), "rows": rows}


class EmbeddedToolloom:
    """``toolloom serve`` on the embedded default, in a temporary folder: from this checkout, or
    from ``checkout`` (another version's tree with its own ``.venv``)."""

    def __init__(self, tmp: Path, checkout: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        workspace = tmp / "workspace"
        workspace.mkdir()
        (workspace / "notes.txt").write_text("Buy milk. Call Ana at 5.\n", encoding="utf-8")
        (workspace / "plan.md").write_text("# Plan\n- ship it\n", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLLOOM_")}
        env.update(
            TOOLLOOM_DB=str(tmp / "e2e.db"),
            TOOLLOOM_WORKSPACE=str(workspace),
            TOOLLOOM_SANDBOX_DB=str(tmp / "sandbox.db"),
            TOOLLOOM_LOG_LEVEL="warning",
        )
        python = str(checkout / ".venv" / "bin" / "python") if checkout else sys.executable
        self.process = subprocess.Popen(  # noqa: S603
            [python, "-m", "server.cli", "serve", "--port", str(self.port)],
            env=env,
            cwd=checkout,
            stdout=(tmp / "server.log").open("wb"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def ready(self, timeout: float = 300) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("toolloom serve exited while starting")
            with contextlib.suppress(httpx.HTTPError):
                response = httpx.get(f"{self.url}/health", timeout=3)
                if response.status_code == 200:
                    health: dict[str, Any] = response.json()
                    return health
            time.sleep(0.5)
        raise RuntimeError("toolloom serve did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        if self.process.poll() is None:
            self.process.kill()


async def run(url: str | None = None, checkout: Path | None = None) -> dict[str, Any]:
    """Measure a running server at ``url``, or start one from this checkout (or ``checkout``)."""
    if url is not None:
        async with httpx.AsyncClient(timeout=5) as http:
            llm = (await http.get(f"{url}/health")).json().get("llm") or {}
        return await measure(url, llm.get("base_url"), llm.get("model") or "")
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedToolloom(Path(tmp), checkout)
        try:
            llm = (await asyncio.to_thread(server.ready)).get("llm") or {}
            return await measure(server.url, llm.get("base_url"), llm.get("model") or "")
        finally:
            server.stop()


def report(result: dict[str, Any]) -> str:
    s = result["summary"]
    lines = []
    for kind in ("tool", "chat"):
        k = s[kind]
        line = (
            f"{kind}: {k['requests']} requests, wall p50 {k['wall_p50_s']} s / p95 "
            f"{k['wall_p95_s']} s, first token p50 {k['first_token_p50_s']} s, "
            f"{k['model_calls_per_request']} model calls and {k['prompt_tokens_per_request']} "
            f"prompt tokens per request, right {k['right']}"
        )
        if "bare_wall_p50_s" in k:
            line += (
                f"; bare call p50 {k['bare_wall_p50_s']} s, chat / bare: "
                f"{k['ratio_to_bare_p50']} (median of per-question ratios), "
                f"{k['ratio_of_p50s']} (ratio of p50s)"
            )
        lines.append(line)
    lines.append(f"languages: {', '.join(s['languages'])}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running toolloom to measure instead of starting one")
    parser.add_argument(
        "--checkout",
        type=Path,
        help="start the server from another version's tree (with its own .venv), e.g. the seed's",
    )
    parser.add_argument("--output", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    result = asyncio.run(run(args.url, args.checkout))
    print(report(result))
    if args.output:
        args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
