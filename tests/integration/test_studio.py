"""LangGraph Studio's server (`langgraph dev`, inmem) opens langgraph.json's graph with the SQLite
checkpointer from checkpointer.path; driven with the official langgraph-sdk client. The model is a
stub on 127.0.0.1; analytics and version checks are off, so nothing leaves the machine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_client

from backends.embedded import free_port
from backends.stub import StubLLM

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("studio")
    with StubLLM(default={"content": "A stub answer."}) as stub:
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("TOOLLOOM_")},
            "LANGGRAPH_CLI_NO_ANALYTICS": "1",
            "LANGGRAPH_NO_VERSION_CHECK": "true",
            "LANGSMITH_TRACING": "false",
            "LANGCHAIN_TRACING_V2": "false",
            "TOOLLOOM_LLM_BASE_URL": stub.base_url,
            "TOOLLOOM_LLM_MODEL": "stub",
            "TOOLLOOM_DB": str(tmp / "studio.db"),
            "TOOLLOOM_WORKSPACE": str(tmp / "ws"),
        }
        bin_dir = Path(sys.executable).parent
        log = (tmp / "langgraph.log").open("wb")
        process = subprocess.Popen(
            [
                str(bin_dir / "langgraph"),
                "dev",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-browser",
                "--no-reload",
                "--config",
                str(ROOT / "langgraph.json"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        try:
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise RuntimeError((tmp / "langgraph.log").read_text()[-3000:])
                try:
                    if httpx.get(f"{url}/ok", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            else:
                raise RuntimeError(
                    "langgraph dev did not start:\n" + (tmp / "langgraph.log").read_text()[-3000:]
                )
            yield url, tmp
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


async def test_studio_runs_the_graph_with_sqlite_checkpoints(studio: tuple[str, Path]) -> None:
    url, tmp = studio
    client = get_client(url=url)
    assistants = await client.assistants.search(graph_id="toolloom")
    assert assistants, "langgraph.json's graph is not registered"
    assistant_id = assistants[0]["assistant_id"]
    drawn = await client.assistants.get_graph(assistant_id)
    nodes = {node["id"] for node in drawn["nodes"]}
    assert {"route", "detect-intent", "call-tool", "reflect", "respond"} <= nodes
    thread = await client.threads.create()
    updates = [
        chunk
        async for chunk in client.runs.stream(
            thread["thread_id"],
            assistant_id,
            input={"messages": [{"role": "user", "content": "What is 23*19?"}]},
            stream_mode="updates",
        )
    ]
    assert any(c.event == "updates" and "call-tool" in (c.data or {}) for c in updates)
    state = await client.threads.get_state(thread["thread_id"])
    assert state["values"]["messages"][-1]["content"] == "23*19 = 437"
    history = await client.threads.get_history(thread["thread_id"])
    assert len(history) >= 4
    assert (tmp / "studio.db").exists() and (tmp / "studio.db").stat().st_size > 0
