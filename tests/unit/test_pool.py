"""Several backends (backends/pool.py): the fallback decision, the chains, a step sent on to the
next backend, and a graph whose run picks its backend by name (scripted models, no network)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import openai
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver

from backends.backend import BACKEND_KEY, Backend
from backends.failures import CircuitOpen, StreamCutOff
from backends.pool import BackendPool, UnknownModel, falls_back
from backends.resilience import CircuitBreaker, RetryPolicy
from backends.telemetry import LLM_FALLBACKS
from graph.builder import build_graph
from graph.context import Context
from harness.fakes import ScriptedChatModel, tool_call
from server.road.usage import RunUsage
from tools.registry import build_tools

REQUEST = httpx.Request("POST", "http://llm/v1/chat/completions")


def status_error(status: int, text: str = "x", headers: dict[str, str] | None = None) -> Exception:
    response = httpx.Response(status, request=REQUEST, headers=headers or {})
    return openai.APIStatusError(text, response=response, body=None)


@pytest.mark.parametrize(
    ("error", "sent_on"),
    [
        (openai.APIConnectionError(request=REQUEST), True),  # refused, dropped
        (openai.APITimeoutError(request=REQUEST), True),
        (status_error(503), True),
        (status_error(502), True),
        (status_error(500), True),
        (status_error(429, headers={"Retry-After": "3600"}), True),  # beyond the retry's wait
        (StreamCutOff(), True),
        (CircuitOpen(12.0, "gpu"), True),
        (status_error(400), False),  # the request's fault: every backend would refuse it
        (status_error(422), False),
        (status_error(404), False),
        # vLLM failed to parse its own sampled reply, on every retry: another backend may answer
        (status_error(500, "HarmonyError: unexpected tokens"), True),
        # a history vLLM cannot render: the request's shape, not the backend's health
        (status_error(500, "HarmonyError: No call message found for c1"), False),
        (json.JSONDecodeError("bad", "x", 0), False),  # an unreadable reply
        (ValueError("a bug"), False),
    ],
)
def test_the_fallback_decision(error: Exception, sent_on: bool) -> None:
    assert falls_back(error) is sent_on


def backend(name: str, *script: Any, default: Any = "") -> Backend:
    model = ScriptedChatModel(script=list(script), default=default)
    policy = RetryPolicy(attempts=1, breaker=CircuitBreaker(failures=100, name=name))
    return Backend(model, policy, name=name)


def scripted(b: Backend) -> ScriptedChatModel:
    assert isinstance(b.llm, ScriptedChatModel)
    return b.llm


def test_chains_names_and_unknown_models() -> None:
    pool = BackendPool(
        [backend("gpu"), backend("big"), backend("hosted"), backend("embedded")],
        default="gpu",
        fallbacks={"gpu": ["big", "embedded"], "big": ["hosted"], "hosted": ["embedded"]},
    )
    # depth first, each backend once
    assert [b.name for b in pool.chain()] == ["gpu", "big", "hosted", "embedded"]
    assert [b.name for b in pool.chain("big")] == ["big", "hosted", "embedded"]
    assert [b.name for b in pool.chain("embedded")] == ["embedded"]
    assert pool.names() == ["gpu", "big", "hosted", "embedded"]
    assert pool.resolve(None) == pool.resolve("") == "gpu"
    with pytest.raises(UnknownModel) as error:
        pool.resolve("gpt-4")
    assert error.value.valid == ["gpu", "big", "hosted", "embedded"]
    assert "unknown model 'gpt-4'; valid models: gpu, big, hosted, embedded" in str(error.value)
    with pytest.raises(ValueError, match="falls back to unknown"):
        BackendPool([backend("a")], fallbacks={"a": ["b"]})
    with pytest.raises(ValueError, match="two backends"):
        BackendPool([backend("a"), backend("a")])


async def test_a_failing_step_goes_to_the_next_backend() -> None:
    down = openai.APIConnectionError(request=REQUEST)
    gpu, spare = backend("gpu", down), backend("spare", "from the spare")
    pool = BackendPool([gpu, spare], fallbacks={"gpu": ["spare"]})
    before = LLM_FALLBACKS.labels("gpu", "spare", "connection")._value.get()
    reply = await pool.routed().chat([HumanMessage(content="hi")])
    assert reply.content == "from the spare"
    assert reply.response_metadata[BACKEND_KEY] == "spare"
    assert len(scripted(gpu).calls) == 1 and len(scripted(spare).calls) == 1
    # the same request went on: same messages
    assert scripted(spare).calls[0]["messages"] == scripted(gpu).calls[0]["messages"]
    assert LLM_FALLBACKS.labels("gpu", "spare", "connection")._value.get() == before + 1

    # the structured call too
    scripted(gpu).script = [down]
    scripted(spare).script = ['{"ok": true}']
    assert await pool.routed().json_object([HumanMessage(content="x")], {}) == {"ok": True}


async def test_a_request_the_backend_refuses_is_not_sent_on() -> None:
    gpu, spare = backend("gpu", status_error(400)), backend("spare", "never")
    pool = BackendPool([gpu, spare], fallbacks={"gpu": ["spare"]})
    with pytest.raises(openai.APIStatusError):
        await pool.routed().chat([HumanMessage(content="hi")])
    assert scripted(spare).calls == []


async def test_every_backend_down_raises_the_last_failure() -> None:
    gpu = backend("gpu", openai.APIConnectionError(request=REQUEST))
    spare = backend("spare", openai.APITimeoutError(request=REQUEST))
    pool = BackendPool([gpu, spare], fallbacks={"gpu": ["spare"]})
    with pytest.raises(openai.APITimeoutError):
        await pool.routed().chat([HumanMessage(content="hi")])


async def test_an_open_circuit_moves_on_without_calling_the_backend() -> None:
    down = openai.APIConnectionError(request=REQUEST)
    gpu = Backend(
        ScriptedChatModel(script=[down]),
        RetryPolicy(attempts=1, breaker=CircuitBreaker(failures=1, name="gpu-circuit")),
        name="gpu-circuit",
    )
    spare = backend("spare", default="spare answers")
    pool = BackendPool([gpu, spare], fallbacks={"gpu-circuit": ["spare"]})
    await pool.routed().chat([HumanMessage(content="one")])  # opens the circuit
    assert gpu.policy.breaker is not None and gpu.policy.breaker.state == "open"
    reply = await pool.routed().chat([HumanMessage(content="two")])
    assert reply.content == "spare answers"
    assert len(scripted(gpu).calls) == 1  # the open circuit refused without a call


async def test_the_run_picks_its_backend_and_records_who_answered() -> None:
    """Context.model chooses the chain; every model call and the final answer say which backend
    answered (response_metadata, and the run's RunUsage for the transcript and the header)."""
    down = openai.APIConnectionError(request=REQUEST)
    gpu = backend("gpu", default="gpu says hello")
    spare = backend("spare", default="spare says hello")
    pool = BackendPool([gpu, spare], fallbacks={"gpu": ["spare"]})
    # The intent model is off: these turns must reach route and detect-intent's model calls.
    graph = build_graph(pool, build_tools(), intent=None).compile(checkpointer=InMemorySaver())

    async def ask(text: str, model: str | None, thread: str) -> tuple[Any, RunUsage]:
        usage = RunUsage()
        config: Any = {"configurable": {"thread_id": thread}, "callbacks": [usage]}
        state = await graph.ainvoke(
            {"messages": [HumanMessage(content=text)]}, config, context=Context(model=model)
        )
        return state, usage

    state, usage = await ask("Hello", "spare", "t1")
    assert state["messages"][-1].content == "spare says hello"
    assert state["messages"][-1].response_metadata[BACKEND_KEY] == "spare"  # route's draft
    # route only: no pattern fits "Hello", and no tool shares a word with it, so detect-intent
    # does not ask the structured question
    assert scripted(gpu).calls == [] and usage.models == ["spare"]

    state, usage = await ask("Hello", None, "t2")  # the default
    assert state["messages"][-1].content == "gpu says hello" and usage.models == ["gpu"]

    # the GPU box fails one step: route's first call answered on gpu (a tool call), the second
    # route call falls back to spare, and the next step (respond) starts at gpu again
    scripted(gpu).script = [
        AIMessage(content="", tool_calls=[tool_call("calculator", {"expression": "23*19"})]),
        down,
    ]
    state, usage = await ask("What is 23*19?", None, "t3")
    assert usage.models == ["gpu", "spare", "gpu"]
    assert state["messages"][1].response_metadata[BACKEND_KEY] == "gpu"  # the tool-call message
    final = state["messages"][-1]
    # neither model's words covered 437: the answer was written from the tool result, by no model
    assert final.content == "23*19 = 437"
    assert final.response_metadata[BACKEND_KEY] == "tool results"
