"""The five nodes and every edge between them, with a scripted model (no network)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx
import openai
import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import BaseTool
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from openai.types.chat import ChatCompletion

from backends.backend import Backend
from backends.resilience import RetryPolicy
from graph.builder import build_graph
from graph.context import Context, ToolSource
from harness.fakes import ScriptedChatModel, tool_call
from intent.model import IntentModel
from nodes.prompts import FALLBACK_NO_ANSWER
from tools.external.guard import GuardedTool, schema_validator
from tools.registry import build_tools
from tools.specs import ToolSpec
from tools.toolbox import Toolbox


class ByKind:
    """Replies chosen by what the node asked for: route (tools bound), structured
    (response_format), or respond (neither). Each list is consumed in order."""

    def __init__(
        self,
        route: list[Any] | None = None,
        structured: list[Any] | None = None,
        respond: list[Any] | None = None,
    ) -> None:
        self.queues = {
            "route": route or [],
            "structured": structured or [],
            "respond": respond or [],
        }
        self.seen: list[tuple[str, list[BaseMessage], dict[str, Any]]] = []

    def __call__(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> AIMessage | str:
        kind = (
            "structured"
            if "response_format" in kwargs
            else "route"
            if "tools" in kwargs
            else "respond"
        )
        self.seen.append((kind, messages, kwargs))
        queue = self.queues[kind]
        reply = queue.pop(0) if queue else ""
        if isinstance(reply, Exception):
            raise reply
        return reply

    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.seen]


def model_for(script: ByKind) -> ScriptedChatModel:
    return ScriptedChatModel(default=script)


async def run(
    script: ByKind,
    text: str,
    *,
    context: Context | None = None,
    checkpointer: BaseCheckpointSaver | None = None,
    thread: str = "t",
    backend: Backend | None = None,
    tools: Sequence[BaseTool] | ToolSource | None = None,
    intent: IntentModel | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """One turn through the graph. The intent model is off unless given: these tests drive the
    other stages (native, text, structured, patterns); tests/unit/test_intent_graph.py drives it."""
    graph = build_graph(
        backend or model_for(script), build_tools() if tools is None else tools, intent=intent
    ).compile(checkpointer=checkpointer or InMemorySaver())
    config = {"configurable": {"thread_id": thread}}
    visited: list[str] = []
    async for update in graph.astream(
        {"messages": [HumanMessage(content=text)]}, config, context=context, stream_mode="updates"
    ):
        visited.extend(update)
    state = (await graph.aget_state(config)).values
    return state, visited


def bad_request(message: str = "validation error") -> openai.BadRequestError:
    request = httpx.Request("POST", "http://backend/v1/chat/completions")
    return openai.BadRequestError(message, response=httpx.Response(400, request=request), body=None)


def tool_messages(state: dict[str, Any]) -> list[ToolMessage]:
    return [m for m in state["messages"] if isinstance(m, ToolMessage)]


def test_exactly_the_five_nodes_and_approve() -> None:
    graph = build_graph(ScriptedChatModel(), build_tools())
    assert set(graph.nodes) == {
        "route", "detect-intent", "call-tool", "reflect", "respond", "approve"}  # fmt: skip


async def test_native_call_then_model_answers(checkpointer: BaseCheckpointSaver) -> None:
    script = ByKind(
        route=[
            AIMessage(content="", tool_calls=[tool_call("calculator", {"expression": "23*19"})]),
            "23 times 19 is 437.",
        ]
    )
    state, visited = await run(script, "What is 23*19?", checkpointer=checkpointer)
    # After the tool ran, a reply with no call in it goes straight to respond.
    assert visited == ["route", "call-tool", "reflect", "route", "respond"]
    assert tool_messages(state)[0].status == "success"
    assert state["call_stages"] == {"call_1": "native"}
    assert state["messages"][-1].content == "23 times 19 is 437."
    assert script.kinds() == ["route", "route"]  # the draft was good: no extra answer call


async def test_harmony_text_becomes_a_call() -> None:
    harmony = '<|channel|>commentary to=functions.calculator <|constrain|>json<|message|>{"expression":"23*19"}<|call|>'
    script = ByKind(route=[harmony, "It is 437."])
    state, visited = await run(script, "What is 23*19?")
    assert visited[:3] == ["route", "detect-intent", "call-tool"]
    assert list(state["call_stages"].values()) == ["text"]
    assert "437" in state["messages"][-1].content


async def test_pattern_call_and_fallback_when_the_model_gets_it_wrong() -> None:
    script = ByKind(route=["23*19 is 87."], respond=["23*19 is 87, I am sure."])
    state, visited = await run(script, "What is 23*19?")
    assert visited == ["route", "detect-intent", "call-tool", "reflect", "respond"]
    assert list(state["call_stages"].values()) == ["pattern"]
    assert state["messages"][-1].content == "23*19 = 437"
    assert "structured" not in script.kinds()  # a clear pattern skips the model's guess


async def test_korean_time_request_calls_time_now_in_seoul() -> None:
    script = ByKind(route=["모르겠어요"], respond=[""])
    state, _ = await run(script, "서울은 지금 몇 시야?")
    ai = next(m for m in state["messages"] if isinstance(m, AIMessage) and m.tool_calls)
    assert ai.tool_calls[0]["name"] == "time_now"
    assert ai.tool_calls[0]["args"] == {"timezone": "Asia/Seoul"}
    assert "현재 시각" in state["messages"][-1].content


async def test_structured_stage_with_schema_fallback() -> None:
    """json_schema refused, and refused again by the probe (a trivial schema): the mode is
    dropped for good and json_object serves the request."""
    script = ByKind(
        route=["I cannot tell."],
        structured=[
            bad_request("response_format json_schema unsupported"),
            bad_request("response_format json_schema unsupported"),  # the probe
            json.dumps({"tool": "time_now", "arguments": {"timezone": "Tokyo"}}),
        ],
        respond=["Sure."],
    )
    backend = Backend(model_for(script), RetryPolicy(attempts=1, breaker=None))
    state, visited = await run(script, "Which hour is it in Tokyo right now", backend=backend)
    assert visited[:3] == ["route", "detect-intent", "call-tool"]
    assert list(state["call_stages"].values()) == ["structured"]
    formats = [kw["response_format"]["type"] for kind, _, kw in script.seen if kind == "structured"]
    assert formats == ["json_schema", "json_schema", "json_object"]
    assert "Asia/Tokyo" in tool_messages(state)[0].content
    assert backend.quirks.structured == {"json_schema": False, "json_object": True}


async def test_a_refused_schema_that_the_probe_accepts_does_not_switch_the_mode() -> None:
    """A request's own schema refused (a client's tool the backend cannot compile): this request
    falls back to the next mode, but json_schema stays the mode for everyone else."""
    script = ByKind(
        route=["I cannot tell.", "Still no idea."],
        structured=[
            bad_request("response_format: schema could not be compiled"),
            '{"ok": true}',  # the probe passes: the mode works
            json.dumps({"tool": "time_now", "arguments": {"timezone": "Tokyo"}}),
            json.dumps({"tool": "time_now", "arguments": {"timezone": "Seoul"}}),
        ],
    )
    backend = Backend(model_for(script), RetryPolicy(attempts=1, breaker=None))
    await run(script, "Which hour is it in Tokyo right now", backend=backend)
    assert backend.quirks.structured == {"json_schema": True, "json_object": True}
    await run(script, "Which hour is it in Seoul right now", backend=backend, thread="u")
    formats = [kw["response_format"]["type"] for kind, _, kw in script.seen if kind == "structured"]
    assert formats == ["json_schema", "json_schema", "json_object", "json_schema"]


@pytest.mark.parametrize(
    "structured_reply",
    [
        json.dumps(
            {"tool": "time_now", "arguments": {"timezone": "Paris"}}
        ),  # not in the user's words
        json.dumps({"tool": "weather", "arguments": {"city": "Tokyo"}}),  # unknown tool
        json.dumps({"tool": "calculator", "arguments": {"expression": 5}}),  # fails the schema
        '{"tool": "time_now", "arguments": {"timezone": "Tok',  # truncated
        json.dumps({"tool": "none", "arguments": {}}),
    ],
)
async def test_structured_stage_rejects_bad_picks(structured_reply: str) -> None:
    script = ByKind(route=["Hmm."], structured=[structured_reply])
    state, visited = await run(script, "Which hour is it in Tokyo right now")
    assert visited == ["route", "detect-intent", "respond"]
    assert not tool_messages(state)
    assert state["messages"][-1].content == "Hmm."


@pytest.mark.parametrize(
    "route_reply",
    [
        '{"name": "weather", "arguments": {"city": "Seoul"}}',  # unknown tool
        '{"name": "calculator", "arguments": {"expr": "1+1"}}',  # argument fails the schema
        '{"name": "calculator", "arguments": {"expression": "1+',  # truncated JSON
    ],
)
async def test_malformed_text_calls_are_not_run(route_reply: str) -> None:
    script = ByKind(
        route=[route_reply],
        structured=[json.dumps({"tool": "none", "arguments": {}})],
        respond=["I can only help with what my tools do."],
    )
    state, visited = await run(script, "Tell me something nice")
    assert "call-tool" not in visited
    assert not tool_messages(state)
    assert state["messages"][-1].content == "I can only help with what my tools do."


async def test_native_call_with_bad_arguments_goes_to_detect_intent() -> None:
    bad = AIMessage(content="", tool_calls=[tool_call("calculator", {"expr": "2+2"})])
    script = ByKind(
        route=[bad],
        structured=[json.dumps({"tool": "none", "arguments": {}})],
        respond=["No idea."],
    )
    _, visited = await run(script, "Something vague")
    assert visited[:2] == ["route", "detect-intent"]
    assert "call-tool" not in visited


async def test_failed_call_goes_back_to_route_with_feedback() -> None:
    script = ByKind(
        route=[
            AIMessage(
                content="", tool_calls=[tool_call("calculator", {"expression": "23*/19"}, "c1")]
            ),
            AIMessage(
                content="", tool_calls=[tool_call("calculator", {"expression": "23*19"}, "c2")]
            ),
            "The product is 437.",
        ]
    )
    state, visited = await run(script, "multiply twenty-three by nineteen")
    assert visited.count("route") == 3
    first, second = tool_messages(state)
    assert first.status == "error" and second.status == "success"
    second_prompt = [m for kind, m, _ in script.seen if kind == "route"][1]
    assert isinstance(second_prompt[0], SystemMessage)
    assert "failed" in str(second_prompt[0].content) and "calculator" in str(
        second_prompt[0].content
    )
    assert state["messages"][-1].content == "The product is 437."


async def test_steps_are_bounded() -> None:
    calls = [
        AIMessage(
            content="", tool_calls=[tool_call("calculator", {"expression": f"{i}+1"}, f"c{i}")]
        )
        for i in range(20)
    ]
    script = ByKind(route=calls, respond=["done"])
    state, visited = await run(script, "count forever", context=Context(max_steps=3))
    assert visited.count("route") <= 4
    assert len(tool_messages(state)) == 3
    assert "limit of 3 steps" in state["messages"][-1].content


async def test_tool_calls_per_run_are_bounded() -> None:
    many = AIMessage(
        content="",
        tool_calls=[tool_call("calculator", {"expression": f"{i}+1"}, f"c{i}") for i in range(5)],
    )
    script = ByKind(route=[many], respond=["ok"])
    state, _ = await run(script, "do five sums", context=Context(max_tool_calls=2))
    results = tool_messages(state)
    assert [m.status for m in results] == ["success", "success", "error", "error", "error"]
    assert "limit of 2 tool calls" in str(results[-1].content)


async def test_no_tool_needed_uses_the_draft() -> None:
    script = ByKind(
        route=["Hi! How can I help?"], structured=[json.dumps({"tool": "none", "arguments": {}})]
    )
    state, visited = await run(script, "Hello there")
    assert visited == ["route", "detect-intent", "respond"]
    assert state["messages"][-1].content == "Hi! How can I help?"


async def test_empty_answers_get_a_clear_message() -> None:
    script = ByKind(
        route=[""], structured=[json.dumps({"tool": "none", "arguments": {}})], respond=[""]
    )
    state, _ = await run(script, "Hello there")
    assert state["messages"][-1].content == FALLBACK_NO_ANSWER


async def test_tool_call_mode_returns_calls_without_running_them() -> None:
    weather = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather in a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
    script = ByKind(
        route=[AIMessage(content="", tool_calls=[tool_call("get_weather", {"city": "Seoul"})])]
    )
    state, visited = await run(script, "Weather in Seoul?", context=Context(client_tools=[weather]))
    assert visited == ["route"]
    assert state["messages"][-1].tool_calls[0]["name"] == "get_weather"
    assert not tool_messages(state)
    bound = script.seen[0][2]["tools"]
    assert [t["function"]["name"] for t in bound] == ["get_weather"]


async def test_tool_call_mode_recovers_a_text_call() -> None:
    weather = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    script = ByKind(
        route=['<tool_call>{"name": "get_weather", "arguments": {"city": "Seoul"}}</tool_call>']
    )
    state, visited = await run(script, "Weather in Seoul?", context=Context(client_tools=[weather]))
    assert visited == ["route", "detect-intent"]
    assert list(state["call_stages"].values()) == ["text"]


async def test_history_is_flattened_when_the_backend_refuses_tool_messages() -> None:
    def refuse_tool_history(messages: list[BaseMessage], kwargs: dict[str, Any]) -> AIMessage | str:
        if any(isinstance(m, ToolMessage) for m in messages):
            raise bad_request("messages: Input should be a valid string")
        return "The answer is 437." if "tools" in kwargs else "ok"

    model = ScriptedChatModel(
        script=[
            AIMessage(content="", tool_calls=[tool_call("calculator", {"expression": "23*19"})])
        ],
        default=refuse_tool_history,
    )
    backend = Backend(model, RetryPolicy(attempts=1, breaker=None))
    graph = build_graph(backend, build_tools(), intent=None).compile(checkpointer=InMemorySaver())
    state = await graph.ainvoke(
        {"messages": [HumanMessage(content="What is 23*19?")]}, {"configurable": {"thread_id": "f"}}
    )
    assert state["messages"][-1].content == "The answer is 437."
    sent = [call["messages"] for call in model.calls]
    # route's second call: refused with tool messages, sent again as text; then the probe, a
    # well-formed tool history, is refused too: the backend itself refuses tool messages.
    assert any(isinstance(m, ToolMessage) for m in sent[1])
    assert not any(isinstance(m, ToolMessage) for m in sent[2])
    assert any("[result of calculator]" in str(m.content) for m in sent[2])
    assert [m.content for m in sent[3] if isinstance(m, ToolMessage)] == ["2"]  # the probe
    assert backend.quirks.history == "text"
    calls_before = len(model.calls)
    model.script.append(
        AIMessage(content="", tool_calls=[tool_call("calculator", {"expression": "2*3"}, "c2")])
    )
    await graph.ainvoke(
        {"messages": [HumanMessage(content="What is 2*3?")]}, {"configurable": {"thread_id": "f"}}
    )
    later = [call["messages"] for call in model.calls[calls_before:]]
    assert not any(isinstance(m, ToolMessage) for messages in later for m in messages)


async def test_a_malformed_client_history_does_not_change_the_format_for_others() -> None:
    """One client sends a tool result for a call that was never made: the backend refuses it,
    that request is served as text, the probe (a well-formed history) passes, and the next
    client's well-formed history goes out as OpenAI tool messages."""

    def strict(messages: list[BaseMessage], kwargs: dict[str, Any]) -> AIMessage | str:
        made = {c["id"] for m in messages if isinstance(m, AIMessage) for c in m.tool_calls}
        if any(isinstance(m, ToolMessage) and m.tool_call_id not in made for m in messages):
            raise bad_request("messages: tool_call_id does not match any tool call")
        return "ok"

    model = ScriptedChatModel(default=strict)
    backend = Backend(model, RetryPolicy(attempts=1, breaker=None))
    orphan = [
        HumanMessage(content="What is 23*19?"),
        AIMessage(content="", tool_calls=[tool_call("calculator", {"expression": "23*19"}, "a")]),
        ToolMessage(content="437", tool_call_id="not-a"),
    ]
    assert (await backend.chat(orphan)).content == "ok"
    assert backend.quirks.history == "native"
    good_call = tool_call("calculator", {"expression": "2*3"}, "b")
    good = [
        HumanMessage(content="What is 2*3?"),
        AIMessage(content="", tool_calls=[good_call]),
        ToolMessage(content="6", tool_call_id="b"),
    ]
    before = len(model.calls)
    assert (await backend.chat(good)).content == "ok"
    (sent,) = [call["messages"] for call in model.calls[before:]]
    assert [m.tool_call_id for m in sent if isinstance(m, ToolMessage)] == ["b"]


async def test_thread_continues_and_counters_reset(checkpointer: BaseCheckpointSaver) -> None:
    script = ByKind(route=["x", "y"], respond=["", ""])
    graph = build_graph(model_for(script), build_tools(), intent=None).compile(
        checkpointer=checkpointer
    )
    config = {"configurable": {"thread_id": "multi"}}
    await graph.ainvoke({"messages": [HumanMessage(content="What is 2+2?")]}, config)
    state = await graph.ainvoke({"messages": [HumanMessage(content="And 3*3?")]}, config)
    contents = [
        m.content for m in state["messages"] if isinstance(m, AIMessage) and not m.tool_calls
    ]
    assert contents == ["2+2 = 4", "3*3 = 9"]
    assert state["steps"] == 1 and state["tool_calls_used"] == 1
    second_route_prompt = [m for kind, m, _ in script.seen if kind == "route"][1]
    assert any(getattr(m, "content", "") == "What is 2+2?" for m in second_route_prompt)


async def test_clear_request_outranks_a_text_call_to_another_tool() -> None:
    """SmolLM2 once answered "GET http://127.0.0.1:PORT/api/status" with a calculator call."""
    wrong = '{"name": "calculator", "arguments": {"expression": "127.0+0.1"}}'
    script = ByKind(route=[wrong], respond=[""])
    state, _ = await run(script, "What is the time in Tokyo?")
    assert list(state["call_stages"].values()) == ["pattern"]
    assert tool_messages(state)[0].name == "time_now"


async def test_text_call_that_agrees_with_the_pattern_keeps_its_stage() -> None:
    script = ByKind(
        route=['{"name": "calculator", "arguments": {"expression": "23*19"}}', "It is 437."]
    )
    state, _ = await run(script, "What is 23*19?")
    assert list(state["call_stages"].values()) == ["text"]


def builtin_as_client_tools() -> list[dict[str, Any]]:
    return [ToolSpec.from_tool(t).openai for t in build_tools()]


async def test_patterns_apply_to_client_tools_that_are_the_builtins() -> None:
    """A client that sends toolloom's own tools (as GET /tools lists them) gets stage 3 too."""
    script = ByKind(route=["I think it is a lot."], structured=["{}"])
    context = Context(client_tools=builtin_as_client_tools())
    state, visited = await run(script, "What is 23*19?", context=context)
    assert visited == ["route", "detect-intent"]
    (call,) = state["messages"][-1].tool_calls
    assert call["name"] == "calculator" and list(state["call_stages"].values()) == ["pattern"]
    assert "structured" not in script.kinds()  # the pattern fired: stage 2 was not asked


async def test_patterns_do_not_apply_to_a_client_tool_with_a_builtin_name_but_other_schema() -> (
    None
):
    other = {
        "type": "function",
        "function": {
            "name": "calculator",
            "parameters": {"type": "object", "properties": {"a": {"type": "number"}}},
        },
    }
    script = ByKind(route=["I think it is a lot."], structured=["{}"])
    state, _ = await run(script, "What is 23*19?", context=Context(client_tools=[other]))
    assert not getattr(state["messages"][-1], "tool_calls", None)
    assert "pattern" not in state.get("call_stages", {}).values()


async def test_a_structured_reply_cut_at_the_token_limit_means_no_call() -> None:
    """ChatOpenAI raises LengthFinishReasonError when a response_format reply hits max_tokens;
    that is a small model rambling, not a failed request."""
    reply = {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "finish_reason": "length",
                "message": {"role": "assistant", "content": '{"tool": "calc'},
            }
        ],
    }
    cut = openai.LengthFinishReasonError(completion=ChatCompletion.model_validate(reply))
    script = ByKind(route=["Hmm, let me think."], structured=[cut], respond=["Hello!"])
    state, visited = await run(script, "Tell me something nice")
    assert visited[-1] == "respond"
    assert state["messages"][-1].content == "Hmm, let me think."


async def test_concurrent_requests_both_switch_to_the_flat_history() -> None:
    """Two requests in flight when the backend refuses tool messages: the second must be sent
    again flattened too, although the first already switched the backend's shape (the soak's
    two users got a 502 from this race)."""
    import asyncio

    from langchain_core.outputs import ChatGeneration, ChatResult

    arrived: list[int] = []
    both = asyncio.Event()

    class Refusing(ScriptedChatModel):
        async def _agenerate(
            self, messages: list[BaseMessage], *args: Any, **kwargs: Any
        ) -> ChatResult:
            if any(isinstance(m, ToolMessage) for m in messages):
                arrived.append(1)
                if len(arrived) >= 2:
                    both.set()
                await asyncio.wait_for(both.wait(), 5)
                raise bad_request("messages: Input should be a valid string")
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content="ok"))])

    backend = Backend(Refusing(), RetryPolicy(attempts=1, breaker=None))
    call = tool_call("calculator", {"expression": "23*19"})
    history = [
        HumanMessage(content="What is 23*19?"),
        AIMessage(content="", tool_calls=[call]),
        ToolMessage(content="437", tool_call_id=call["id"]),
    ]
    replies = await asyncio.gather(backend.chat(history), backend.chat(history))
    assert [r.content for r in replies] == ["ok", "ok"]
    assert backend.quirks.history == "text"


# --- tools from outside: what the nodes see -------------------------------------------------------

TICKET_SCHEMA = {
    "type": "object",
    "properties": {"ticket": {"type": "string", "description": "A ticket id such as T-17"}},
    "required": ["ticket"],
}


def ticket_tool() -> GuardedTool:
    """A tool shaped as an MCP server's tool is once the toolbox has wrapped it."""

    async def lookup(arguments: dict[str, Any]) -> str:
        return f"ticket {arguments['ticket']}: open, assigned to Mina"

    return GuardedTool(
        name="ticket_lookup",
        description="Look up a support ticket by its id.",
        args_schema=TICKET_SCHEMA,
        runner=lookup,
        validator=schema_validator(TICKET_SCHEMA),
        # readOnlyHint: a lookup changes nothing, so no grounding is needed to run it
        metadata={
            "source": "mcp",
            "server": "tickets",
            "original_name": "ticket_lookup",
            "effect": None,
            "read_only": True,
        },
    )


class LiveTools:
    """A tool source whose list changes (as a toolbox's does when an MCP server comes up)."""

    def __init__(self, tools: list[BaseTool]) -> None:
        self.version = 0
        self._tools = tools

    @property
    def tools(self) -> list[BaseTool]:
        return list(self._tools)

    def add(self, tool: BaseTool) -> None:
        self._tools.append(tool)
        self.version += 1


def offered(kwargs: dict[str, Any]) -> set[str]:
    return {t["function"]["name"] for t in kwargs.get("tools") or []}


async def test_a_tool_that_joins_the_source_reaches_the_next_run_of_the_same_graph() -> None:
    source = LiveTools(build_tools())
    calls = [tool_call("ticket_lookup", {"ticket": "T-17"})]
    script = ByKind(
        route=["No such tool.", AIMessage(content="", tool_calls=calls), "T-17 is open."]
    )
    graph = build_graph(model_for(script), source, intent=None).compile(
        checkpointer=InMemorySaver()
    )
    config = {"configurable": {"thread_id": "t"}}
    await graph.ainvoke({"messages": [HumanMessage(content="Look up ticket T-17")]}, config)
    assert "ticket_lookup" not in offered(script.seen[0][2])

    source.add(ticket_tool())  # the server came up: no rebuild, no recompile
    state = await graph.ainvoke({"messages": [HumanMessage(content="And now, T-17?")]}, config)
    routes = [kwargs for kind, _, kwargs in script.seen if kind == "route"]
    assert "ticket_lookup" in offered(routes[-2])
    result = tool_messages(state)[-1]
    assert (result.name, result.status) == ("ticket_lookup", "success")
    assert result.content == "ticket T-17: open, assigned to Mina"


async def test_an_mcp_tool_written_into_the_text_is_found_by_stage_1() -> None:
    script = ByKind(
        route=['{"name": "ticket_lookup", "arguments": {"ticket": "T-17"}}', "T-17 is open."]
    )
    state, _ = await run(script, "Look up ticket T-17", tools=[*build_tools(), ticket_tool()])
    assert list(state["call_stages"].values()) == ["text"]
    assert tool_messages(state)[0].content == "ticket T-17: open, assigned to Mina"


async def test_an_mcp_tool_is_offered_to_and_picked_by_the_structured_request() -> None:
    pick = json.dumps({"tool": "ticket_lookup", "arguments": {"ticket": "T-17"}})
    script = ByKind(route=["Let me think.", "T-17 is open."], structured=[pick])
    state, _ = await run(script, "Look up ticket T-17", tools=[*build_tools(), ticket_tool()])
    assert list(state["call_stages"].values()) == ["structured"]
    schema = next(kw for kind, _, kw in script.seen if kind == "structured")["response_format"]
    assert "ticket_lookup" in json.dumps(schema)
    assert tool_messages(state)[0].content == "ticket T-17: open, assigned to Mina"


async def test_a_switched_off_builtin_is_neither_offered_nor_a_pattern_target() -> None:
    toolbox = Toolbox(build_tools(), [], disabled=["calculator"])
    script = ByKind(
        route=["I think it is a lot."], structured=['{"tool": "none", "arguments": {}}']
    )
    state, _ = await run(script, "What is 23*19?", tools=toolbox)
    assert "calculator" not in offered(script.seen[0][2]) and not tool_messages(state)

    # Tool-call mode: a client sending toolloom's tools (calculator included) gets no pattern call.
    script = ByKind(
        route=["I think it is a lot."], structured=['{"tool": "none", "arguments": {}}']
    )
    context = Context(client_tools=builtin_as_client_tools())
    state, _ = await run(script, "What is 23*19?", tools=toolbox, context=context)
    assert "pattern" not in state.get("call_stages", {}).values()
    assert not getattr(state["messages"][-1], "tool_calls", None)
