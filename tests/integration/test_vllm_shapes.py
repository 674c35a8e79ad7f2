"""The reply shapes gpt-oss really sends through vLLM, replayed by a stub server on 127.0.0.1 and
read by the real ChatOpenAI client: each must end in the right tool calls, or in bounded retries
and a clear error. Each case names the vLLM / harmony issue the shape comes from."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver

from backends.stub import StubLLM
from graph.builder import build_graph
from graph.context import Context
from server.api_error import ApiError
from server.road.run import as_api_error
from server.runtime import llm_from
from server.settings import load_settings
from tools.registry import build_tools

CALC = {"name": "calculator", "arguments": {"expression": "23*19"}}


@pytest.fixture
def stub() -> Iterator[StubLLM]:
    with StubLLM(default={"content": "Done."}) as server:
        yield server


async def run(
    stub: StubLLM,
    text: str = "Compute twenty-three times nineteen",
    *,
    stream: bool = False,
    context: Context | None = None,
    thread: str = "t",
    retries: int = 0,
) -> dict[str, Any]:
    llm = llm_from(
        load_settings(llm_max_retries=retries, llm_model="openai/gpt-oss-20b"),
        base_url=stub.base_url,
    )
    # The intent model off: a confident intent would run the tool without asking the model, and
    # these cases are about what the model's replies look like.
    graph = build_graph(llm, build_tools(), intent=None).compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": thread}}
    run_input = {"messages": [HumanMessage(content=text)]}
    if stream:  # stream_mode="messages" makes ChatOpenAI stream: the stub sends deltas
        async for _ in graph.astream(run_input, config, context=context, stream_mode="messages"):
            pass
        return (await graph.aget_state(config)).values
    return await graph.ainvoke(run_input, config, context=context)


def calls(state: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (c["name"], c["args"])
        for m in state["messages"]
        if isinstance(m, AIMessage)
        for c in m.tool_calls
    ]


def results(state: dict[str, Any]) -> list[ToolMessage]:
    return [m for m in state["messages"] if isinstance(m, ToolMessage)]


async def test_native_tool_calls(stub: StubLLM) -> None:
    stub.script = [{"content": None, "tool_calls": [CALC]}, {"content": "It is 437."}]
    state = await run(stub)
    assert calls(state) == [("calculator", {"expression": "23*19"})]
    assert list(state["call_stages"].values()) == ["native"]
    assert state["messages"][-1].content == "It is 437."


async def test_native_tool_calls_streamed_as_split_deltas(stub: StubLLM) -> None:
    """vllm-project/vllm #22578, #23567: tool-call deltas split across many chunks."""
    stub.script = [{"content": None, "tool_calls": [CALC]}, {"content": "It is 437."}]
    state = await run(stub, stream=True)
    assert calls(state) == [("calculator", {"expression": "23*19"})]
    assert stub.requests[0]["stream"] is True
    assert "437" in state["messages"][-1].content


async def test_tool_call_json_left_in_content(stub: StubLLM) -> None:
    """vllm-project/vllm #22337: the call's JSON ends up in content with tool_calls: []."""
    stub.script = [{"content": json.dumps(CALC), "tool_calls": []}, {"content": "437 it is."}]
    state = await run(stub)
    assert calls(state) == [("calculator", {"expression": "23*19"})]
    assert list(state["call_stages"].values()) == ["text"]


@pytest.mark.parametrize(
    "content",
    [
        '<|channel|>commentary to=functions.calculator <|constrain|>json<|message|>{"expression":"23*19"}<|call|>',
        '<|channel|>commentary to=functions.calculator json<|message|>{"expression":"23*19"}<|call|>',
        'assistant to=functions.calculator<|channel|>commentary <|constrain|>json<|message|>{"expression":"23*19"}<|call|>',
    ],
    ids=["constrain", "no-constrain", "to-in-role"],
)
async def test_harmony_tokens_in_content(stub: StubLLM, content: str) -> None:
    """vllm-project/vllm #25560, #22515; openai/harmony #38: Harmony headers leak into content."""
    stub.script = [{"content": content}, {"content": "The answer is 437."}]
    state = await run(stub)
    assert calls(state) == [("calculator", {"expression": "23*19"})]
    assert "<|" not in state["messages"][-1].content


async def test_content_and_reasoning_both_null(stub: StubLLM) -> None:
    """vllm-project/vllm #41902: content and reasoning both null. A clear request still gets its tool;
    the answer is built from the tool result."""
    stub.script = [{"content": None}, {"content": None}]
    state = await run(stub, "What is 23*19?")
    assert calls(state) == [("calculator", {"expression": "23*19"})]
    assert state["messages"][-1].content == "23*19 = 437"


async def test_null_reply_to_a_plain_question_gets_a_clear_message(stub: StubLLM) -> None:
    stub.script = [
        {"content": None},
        {"content": json.dumps({"tool": "none", "arguments": {}})},
        {"content": None},
    ]
    state = await run(stub, "Tell me about the sea")
    assert not calls(state)
    assert "could not produce an answer" in state["messages"][-1].content


HARMONY_500 = {
    "status": 500,
    "body": {
        "object": "error",
        "type": "InternalServerError",
        "code": 500,
        "message": "HarmonyError: unexpected tokens remaining in message header: "
        'Some("to=functions.calculator")',
    },
}


HISTORY_500 = {
    "status": 500,
    "body": {
        "object": "error",
        "type": "InternalServerError",
        "code": 500,
        "message": "HarmonyError: No call message found for chatcmpl-tool-1",
    },
}


async def test_harmony_output_error_on_a_first_turn_is_retried(stub: StubLLM) -> None:
    """Issue 25's regression: vLLM fails to parse one sampled reply (HTTP 500 HarmonyError) and
    answers the same request a moment later. A first turn has no tool history to reshape: the
    request is sent again as it was, and the call goes through."""
    stub.script = [HARMONY_500, {"content": None, "tool_calls": [CALC]}, {"content": "It is 437."}]
    state = await run(stub, retries=2)
    assert calls(state) == [("calculator", {"expression": "23*19"})]
    assert state["messages"][-1].content == "It is 437."
    assert stub.requests[0]["messages"] == stub.requests[1]["messages"]  # the same shape again


async def test_harmony_output_error_after_a_tool_turn_keeps_the_shape(stub: StubLLM) -> None:
    stub.script = [{"content": None, "tool_calls": [CALC]}, HARMONY_500, {"content": "It is 437."}]
    state = await run(stub, retries=2)
    assert state["messages"][-1].content == "It is 437."
    assert len(stub.requests) == 3  # the call, the failed parse, the same request again
    assert stub.requests[2]["messages"][-1]["role"] == "tool"


async def test_harmony_history_error_is_sent_again_as_text(stub: StubLLM) -> None:
    """vllm-project/vllm #24076: a history vLLM cannot render fails on every retry of the same
    shape, so it is not retried as it is: the tool turns go as text, then a probe decides
    whether the backend refuses tool messages for good."""
    stub.script = [{"content": None, "tool_calls": [CALC]}, HISTORY_500, {"content": "It is 437."}]
    state = await run(stub, retries=2)
    assert state["messages"][-1].content == "It is 437."
    # The call, the refused history, the same history as text, then the probe: a well-formed
    # tool history, which vLLM takes, so later requests keep sending tool messages.
    assert len(stub.requests) == 4
    assert stub.requests[2]["messages"][-1]["role"] != "tool"
    assert stub.requests[3]["messages"][-1]["tool_call_id"] == "call_probe"


async def test_persistent_harmony_error_becomes_a_clear_502(stub: StubLLM) -> None:
    stub.default = HARMONY_500
    with pytest.raises(Exception) as raised:
        await run(stub, retries=2)
    error = as_api_error(raised.value)
    assert isinstance(error, ApiError) and error.status == 502
    assert "unexpected tokens remaining in message header" in error.message  # the backend's reason
    # bounded by the retry policy, not a loop: a reply that fails to parse gets two more
    # attempts than an outage (2 retries: 3 attempts, 5 for a parse failure)
    assert len(stub.requests) == 5


@pytest.mark.parametrize("key", ["reasoning_content", "reasoning"])
async def test_reasoning_round_trip(stub: StubLLM, key: str) -> None:
    """vllm-project/vllm #44216: reasoning in reasoning_content (older) or reasoning (newer).
    gpt-oss needs it back on the next request of a tool-calling turn; ChatOpenAI drops it."""
    stub.script = [
        {"content": None, key: "The user wants 23*19; use the calculator.", "tool_calls": [CALC]},
        {"content": "It is 437.", key: "Report the result."},
    ]
    state = await run(stub)
    assert state["messages"][-1].content == "It is 437."
    ai = next(m for m in state["messages"] if isinstance(m, AIMessage) and m.tool_calls)
    assert ai.additional_kwargs["reasoning_content"] == "The user wants 23*19; use the calculator."
    second = stub.requests[1]["messages"]
    assistant = next(m for m in second if m["role"] == "assistant")
    assert assistant["reasoning"] == "The user wants 23*19; use the calculator."
    assert assistant["tool_calls"][0]["function"]["name"] == "calculator"


async def test_reasoning_round_trip_when_streamed(stub: StubLLM) -> None:
    stub.script = [
        {"content": None, "reasoning_content": "Need the calculator.", "tool_calls": [CALC]},
        {"content": "It is 437."},
    ]
    await run(stub, stream=True)
    assistant = next(m for m in stub.requests[1]["messages"] if m["role"] == "assistant")
    assert assistant["reasoning_content"] == "Need the calculator."


WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


async def test_tool_choice_required_ignored(stub: StubLLM) -> None:
    """vllm-project/vllm #22578: tool_choice other than auto is ignored; a plain answer comes back.
    detect-intent then asks for exactly the required tool with a constrained request."""
    stub.script = [
        {"content": "It is probably sunny."},
        {"content": json.dumps({"tool": "get_weather", "arguments": {"city": "Seoul"}})},
    ]
    context = Context(client_tools=[WEATHER], tool_choice="required")
    state = await run(stub, "Weather in Seoul?", context=context)
    assert calls(state) == [("get_weather", {"city": "Seoul"})]
    assert stub.requests[0]["tool_choice"] == "required"
    assert stub.requests[1]["response_format"]["type"] == "json_schema"
    assert not results(state)  # tool-call mode: nothing ran


async def test_one_call_per_turn_still_finishes_a_multi_step_task(stub: StubLLM) -> None:
    """Parallel calls score 0% on BFCL through vLLM's parser: one call per turn. reflect sends the
    model back to route after each result until it answers."""
    stub.script = [
        {
            "content": None,
            "tool_calls": [{"name": "calculator", "arguments": {"expression": "23*19"}}],
        },
        {
            "content": None,
            "tool_calls": [{"name": "time_now", "arguments": {"timezone": "Asia/Seoul"}}],
        },
        {"content": "23*19 is 437, and the time in Seoul is shown above."},
    ]
    state = await run(stub, "Multiply 23 by 19, then tell me the time in Seoul")
    assert [name for name, _ in calls(state)] == ["calculator", "time_now"]
    assert all(m.status == "success" for m in results(state))
    # The model's closing line leaves out the time, so respond answers from both results instead.
    time_result = json.loads(str(results(state)[1].content))
    assert (
        "437" in state["messages"][-1].content
        and time_result["time"] in state["messages"][-1].content
    )


async def test_tool_call_mode_gets_every_call_at_once(stub: StubLLM) -> None:
    """One call per turn (BFCL parallel: 0% through vLLM): in tool-call mode the reply must carry
    every call the request needs, so toolloom asks for the calls the backend left out."""
    stub.script = [
        {"content": None, "tool_calls": [{"name": "get_weather", "arguments": {"city": "Seoul"}}]},
        {
            "content": json.dumps(
                {
                    "calls": [
                        {"tool": "get_weather", "arguments": {"city": "Tokyo"}},
                        {"tool": "get_weather", "arguments": {"city": "Seoul"}},
                        {"tool": "get_weather", "arguments": {"city": "Paris"}},
                    ]
                }
            )
        },
    ]
    state = await run(
        stub, "What's the weather in Seoul and Tokyo?", context=Context(client_tools=[WEATHER])
    )
    # Seoul again is a duplicate and Paris is not in the request: only Tokyo is added
    assert calls(state) == [("get_weather", {"city": "Seoul"}), ("get_weather", {"city": "Tokyo"})]
    assert sorted(state["call_stages"].values()) == ["native", "structured"]
    assert stub.requests[1]["response_format"]["type"] == "json_schema"


async def test_single_item_request_asks_nothing_more(stub: StubLLM) -> None:
    stub.script = [
        {"content": None, "tool_calls": [{"name": "get_weather", "arguments": {"city": "Seoul"}}]}
    ]
    state = await run(stub, "What's the weather in Seoul?", context=Context(client_tools=[WEATHER]))
    assert calls(state) == [("get_weather", {"city": "Seoul"})]
    assert len(stub.requests) == 1


async def test_parallel_tool_calls_false_never_adds(stub: StubLLM) -> None:
    stub.script = [
        {"content": None, "tool_calls": [{"name": "get_weather", "arguments": {"city": "Seoul"}}]}
    ]
    context = Context(client_tools=[WEATHER], parallel_tool_calls=False)
    state = await run(stub, "Weather in Seoul and Tokyo?", context=context)
    assert calls(state) == [("get_weather", {"city": "Seoul"})]
    assert len(stub.requests) == 1
