"""End to end over real HTTP, on the real embedded model (SmolLM2-135M via llama.cpp)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

from tests.integration.server_process import ServerProcess


def tool_calls(output: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for m in output["messages"] if m["type"] == "ai" for c in m.get("tool_calls") or []]


def test_health_reports_the_embedded_model(server: ServerProcess) -> None:
    response = httpx.get(f"{server.url}/health", timeout=10)
    assert response.status_code == 200
    llm = response.json()["llm"]
    assert llm["ok"] is True and llm["backend"] == "embedded"
    assert llm["base_url"].startswith("http://127.0.0.1:")


def test_arithmetic_answer_keeps_the_tool_result(server: ServerProcess) -> None:
    output = server.invoke("What is 23*19?", "calc")
    assert [c["name"] for c in tool_calls(output)] == ["calculator"]
    tool_messages = [m for m in output["messages"] if m["type"] == "tool"]
    assert tool_messages and tool_messages[0]["name"] == "calculator"
    assert json.loads(tool_messages[0]["content"])["result"] == "437"
    assert "437" in output["messages"][-1]["content"]


def test_time_in_seoul_in_english_and_korean(server: ServerProcess) -> None:
    for text, thread in [
        ("What time is it in Seoul?", "time-en"),
        ("서울은 지금 몇 시야?", "time-ko"),
    ]:
        output = server.invoke(text, thread)
        calls = tool_calls(output)
        assert [(c["name"], c["args"]) for c in calls] == [("time_now", {"timezone": "Asia/Seoul"})]
        result = json.loads(next(m for m in output["messages"] if m["type"] == "tool")["content"])
        assert result["iso"].endswith("+09:00")
        assert result["time"] in output["messages"][-1]["content"]


def test_a_structured_request_for_a_long_argument_does_not_take_the_model_down(
    server: ServerProcess,
) -> None:
    """Naming the table but not the SQL makes stage 2 ask SmolLM2 to fill database_execute,
    whose ``sql`` may be 20000 characters long: sent as is, llama.cpp built a grammar so deep that
    its server died of a stack overflow and every later request failed with 503."""
    response = httpx.post(
        f"{server.url}/v1/chat/completions",
        json={"model": "toolloom", "messages": [{"role": "user", "content": "añade una fila a inventory con el nombre Amara"}]},
        timeout=300,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    health = httpx.get(f"{server.url}/health", timeout=10).json()
    assert health["llm"]["ok"] is True
    output = server.invoke("Hello! Who are you?", "after-structured")
    assert output["messages"][-1]["type"] == "ai" and output["messages"][-1]["content"].strip()


def test_small_talk_gets_an_answer_without_tools(server: ServerProcess) -> None:
    output = server.invoke("Hello! Who are you?", "hello")
    assert output["messages"][-1]["type"] == "ai"
    assert output["messages"][-1]["content"].strip()
    assert not any(m["type"] == "tool" for m in output["messages"])


def test_stream_events_reach_the_final_answer(server: ServerProcess) -> None:
    body = {"input": {"messages": [{"type": "human", "content": "What is 6*7?"}]}}
    events = []
    with httpx.stream(
        "POST",
        f"{server.url}/agent/stream_events",
        json=body,
        headers={"X-Thread-Id": "events"},
        timeout=180,
    ) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
    kinds = {e.get("event") for e in events}
    assert {"on_chain_start", "on_chat_model_stream", "on_tool_start"} & kinds
    assert any("6*7 = 42" in json.dumps(e) for e in events if e.get("event") == "on_chain_end")


def _thread_rows(db: Path, thread: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM checkpoints WHERE thread_id = ?", (thread,)
            ).fetchone()[0]
        )


def test_conversation_survives_a_restart(tmp_path: Path) -> None:
    first = ServerProcess(tmp_path).start()
    try:
        first.invoke("What is 23*19?", "story")
        output = first.invoke("Now add 3 to 437", "story")
        assert "440" in output["messages"][-1]["content"]
    finally:
        first.stop()
    assert _thread_rows(first.db, "story") > 0

    second = ServerProcess(tmp_path, db=first.db).start()
    try:
        output = second.invoke("And what is 2+2?", "story")
    finally:
        second.stop()
    humans = [m["content"] for m in output["messages"] if m["type"] == "human"]
    assert humans == ["What is 23*19?", "Now add 3 to 437", "And what is 2+2?"]
    assert "4" in output["messages"][-1]["content"]
    assert [c["name"] for c in tool_calls(output)] == ["calculator"] * 3


def test_chat_command_prints_answer_and_tool_calls(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLLOOM_")}
    env["TOOLLOOM_DB"] = str(tmp_path / "chat.db")
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "chat", "What is 6*7?", "--thread", "cli"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert '[tool] calculator({"expression": "6*7"})' in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "6*7 = 42"
    assert "ready at http://127.0.0.1:" in result.stderr


def test_broken_model_file_fails_fast_with_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"this is not a gguf file" * 100)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLLOOM_")}
    env.update(TOOLLOOM_EMBEDDED_MODEL=str(broken), TOOLLOOM_DB=str(tmp_path / "x.db"))
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "chat", "hi"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    assert "embedded model server exited" in result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 60


def test_embedded_model_dies_with_a_killed_server(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path).start()
    assert server.process is not None
    children = psutil.Process(server.process.pid).children(recursive=True)
    llama = [c for c in children if "llama_cpp.server" in " ".join(c.cmdline())]
    assert len(llama) == 1
    server.stop(signal.SIGKILL)
    _gone, alive = psutil.wait_procs(llama, timeout=15)
    assert not alive, "the embedded model outlived the server"


def test_an_embedded_model_that_dies_is_started_again(tmp_path: Path) -> None:
    """A crash of llama.cpp (the child killed here) costs the requests in flight, not the server:
    it is started again on the same port and the next request is answered."""
    server = ServerProcess(tmp_path).start()
    try:
        assert server.process is not None

        def llama() -> list[psutil.Process]:
            assert server.process is not None
            children = psutil.Process(server.process.pid).children(recursive=True)
            return [c for c in children if "llama_cpp.server" in " ".join(c.cmdline())]

        (first,) = llama()
        first.kill()
        psutil.wait_procs([first], timeout=15)
        deadline = time.monotonic() + 120
        while True:
            found = [p for p in llama() if p.pid != first.pid]
            health = httpx.get(f"{server.url}/health", timeout=10).json()
            if found and health["llm"]["ok"]:
                break
            assert time.monotonic() < deadline, f"not started again: {health}"
            time.sleep(0.5)
        assert "embedded model: the server died" in server.log_path.read_text(errors="replace")
        output = server.invoke("Hello! Who are you?", "after-crash")  # answered by the model
        assert output["messages"][-1]["type"] == "ai" and output["messages"][-1]["content"].strip()
    finally:
        server.stop()
