"""Graph overhead: one in-process turn with one tool call, toolloom's graph against LangChain's
``create_agent`` (the successor of the prebuilt ReAct agent), same stub model over HTTP, same
SQLite saver, measured side by side in one run (turns interleaved, a new thread per turn).

The stub answers the first request of a turn with a calculator call and the second with the
result, so both agents make exactly two model calls and one tool call per turn.

Run: uv run python benchmarks/graph_overhead.py [--turns 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain.agents import create_agent
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from backends.stub import StubLLM
from graph.builder import build_graph
from graph.checkpoints import compile_checkpointed
from server.runtime import llm_from
from server.settings import load_settings
from tools.registry import build_tools


def reply(request: dict[str, Any]) -> dict[str, Any]:
    """A tool call first; then the result, read from the tool message (so toolloom's check passes)."""
    tool_results = [m for m in request["messages"] if m.get("role") == "tool"]
    if not tool_results:
        return {
            "content": None,
            "tool_calls": [{"name": "calculator", "arguments": {"expression": "23*19"}}],
        }
    try:
        key = json.loads(tool_results[-1]["content"]).get("key", "")
    except (ValueError, AttributeError):
        key = tool_results[-1]["content"]
    return {"content": f"The answer is {key}."}


async def run(turns: int) -> dict[str, float]:
    """Median ms per turn for each agent, and their ratio."""
    with tempfile.TemporaryDirectory() as tmp, StubLLM(default=reply) as stub:
        settings = load_settings(llm_base_url=stub.base_url, llm_model="stub", llm_max_retries=0)
        llm = llm_from(settings)
        async with (
            AsyncSqliteSaver.from_conn_string(str(Path(tmp) / "a.db")) as saver_a,
            AsyncSqliteSaver.from_conn_string(str(Path(tmp) / "b.db")) as saver_b,
        ):
            # Each as it runs in production: toolloom's server checkpoints once per run.
            toolloom = compile_checkpointed(build_graph(llm, build_tools()), saver_a)
            # The same 16 tools offered to the model by both: the same request, the same work.
            agent = create_agent(llm, build_tools(), checkpointer=saver_b)
            times: dict[str, list[float]] = {"toolloom": [], "create_agent": []}
            calls: dict[str, int] = {"toolloom": 0, "create_agent": 0}
            for turn in range(turns + 10):
                for name, graph in (("toolloom", toolloom), ("create_agent", agent)):
                    before = len(stub.requests)
                    started = time.perf_counter()
                    state = await graph.ainvoke(
                        {"messages": [HumanMessage(content="What is 23*19?")]},
                        {"configurable": {"thread_id": f"{name}-{turn}"}},
                    )
                    elapsed = time.perf_counter() - started
                    assert "437" in str(state["messages"][-1].content), state["messages"][-1]
                    if turn >= 10:  # warm-up excluded
                        times[name].append(elapsed)
                        calls[name] += len(stub.requests) - before
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "toolloom_ms": round(medians["toolloom"] * 1000, 1),
        "create_agent_ms": round(medians["create_agent"] * 1000, 1),
        "ratio": round(medians["toolloom"] / medians["create_agent"], 2),
        "model_calls_per_turn": calls["toolloom"] / turns,
    }


async def main(turns: int) -> None:
    result = await run(turns)
    print(f"    toolloom: median {result['toolloom_ms']:6.1f} ms per turn over {turns} turns")
    print(f"create_agent: median {result['create_agent_ms']:6.1f} ms per turn over {turns} turns")
    print(f"ratio toolloom / create_agent: {result['ratio']:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    asyncio.run(main(parser.parse_args().turns))
