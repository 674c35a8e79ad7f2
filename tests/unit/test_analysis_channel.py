"""gpt-oss writes some tool calls on its analysis channel, and vLLM hands them over as reasoning
(``reasoning_content`` / ``reasoning``), not as ``tool_calls`` (issue 25; vllm-project/vllm
#35907, #25514). Such a call is used as a call, validated against the offered tools, and never
shown to the user; reasoning that only talks about a tool stays reasoning. The replies here are
the corpus's own (backends/replays/), read by the real client class, streamed and not."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk

from backends.client import ToolloomChatOpenAI
from backends.replay import load_corpus
from graph.context import Context
from nodes.detect_intent import analysis_calls, text_calls
from nodes.parsers import parse_bare_arguments, strip_harmony, without_calls
from tests.unit.test_graph import ByKind, run
from tools.specs import ToolSpec, resolve_tool, tool_name

CASES = {case["id"]: case for case in load_corpus()}
WEATHER = ToolSpec.from_openai(CASES["vllm-35907-call-on-analysis-channel"]["request"]["tools"][0])
SEARCH = ToolSpec.from_openai(CASES["vllm-25514-call-streamed-as-reasoning"]["request"]["tools"][0])
TIME = ToolSpec(
    "get_time",
    "Get the time in a timezone",
    {"type": "object", "properties": {"timezone": {"type": "string"}}, "required": ["timezone"]},
)
PLACE = ToolSpec(
    "find_place",
    "Find a place",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)

CLIENT = ToolloomChatOpenAI(base_url="http://127.0.0.1:9/v1", api_key="none", model="m")


def non_streamed(case_id: str) -> AIMessage:
    """The case's first reply as the client reads a non-streamed completion."""
    reply = CASES[case_id]["replies"][0]
    body = {
        "id": "c",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {"index": 0, "message": reply["message"], "finish_reason": reply["finish_reason"]}
        ],
    }
    message = CLIENT._create_chat_result(body).generations[0].message
    assert isinstance(message, AIMessage)
    return message


def streamed(case_id: str) -> AIMessage:
    """The case's first reply (vLLM's own chunks) as the client reads the stream, merged."""
    merged: ChatGenerationChunk | None = None
    for chunk in CASES[case_id]["replies"][0]["chunks"]:
        generation = CLIENT._convert_chunk_to_generation_chunk(
            copy.deepcopy(chunk), AIMessageChunk, {}
        )
        if generation is not None:
            merged = generation if merged is None else merged + generation
    assert merged is not None
    return AIMessage(**merged.message.model_dump(exclude={"type", "tool_call_chunks"}))


def test_a_call_on_the_analysis_channel_not_streamed() -> None:
    """vllm #35907: reasoning "... Call get_weather.{"city":"Berlin"}", tool_calls []."""
    reply = non_streamed("vllm-35907-call-on-analysis-channel")
    assert reply.tool_calls == [] and not reply.content
    reasoning = reply.additional_kwargs["reasoning_content"]
    found, rest = analysis_calls(reasoning, [WEATHER, TIME])
    assert found == [("get_weather", {"city": "Berlin"}, "analysis")]
    assert rest == "User asks weather in Berlin. Call get_weather."  # the call is not reasoning


def test_a_call_on_the_analysis_channel_streamed() -> None:
    """vllm #25514: the call's body streamed as reasoning deltas ('{"', 'query', '":"', ...)."""
    reply = streamed("vllm-25514-call-streamed-as-reasoning")
    reasoning = reply.additional_kwargs["reasoning_content"]
    assert reasoning.endswith('{"query":"how to rotate API keys"}')  # the deltas, joined
    found, rest = analysis_calls(reasoning, [SEARCH])
    assert found == [("search", {"query": "how to rotate API keys"}, "analysis")]
    assert rest == "We need to use the tool."


def test_the_harmony_call_form_on_the_analysis_channel() -> None:
    reasoning = (
        "Need the weather.<|start|>assistant<|channel|>analysis to=functions.get_weather "
        '<|constrain|>json<|message|>{"city":"Oslo"}<|call|>'
    )
    found, rest = analysis_calls(reasoning, [WEATHER, TIME])
    assert found == [("get_weather", {"city": "Oslo"}, "analysis")]
    assert rest == "Need the weather."


@pytest.mark.parametrize(
    "reasoning",
    [
        # thinking about a tool is not calling it
        "The user wants the weather in Berlin. I could call get_weather, but they asked for a joke.",
        # an example of arguments inside the thought, not where a call's body is left
        'Maybe get_weather with {"city": "Berlin"} later; first answer the question.',
        # at the end, but with a space before it: written, not a call body whose header went
        'Arguments would be {"city": "Berlin"}',
        # arguments that do not fit the tool's schema
        'Call get_weather.{"town":"Berlin"}',
        # fits two offered tools and the reasoning names neither
        'We need the tool.{"city":"Berlin"}',
    ],
)
def test_reasoning_about_a_tool_is_not_a_call(reasoning: str) -> None:
    found, rest = analysis_calls(reasoning, [WEATHER, PLACE, TIME])
    assert found == []
    assert rest == reasoning


def test_bare_arguments_need_the_tool_to_be_certain() -> None:
    """Bare arguments name no tool: the only tool on offer, or the one the reply names."""
    (bare,) = parse_bare_arguments('{"city": "Berlin"}')
    assert resolve_tool(bare.name, bare.arguments, [WEATHER]) == WEATHER
    assert resolve_tool(bare.name, bare.arguments, [WEATHER, PLACE]) is None
    assert resolve_tool(bare.name, bare.arguments, [WEATHER, PLACE], "Use get_weather.") == WEATHER
    assert resolve_tool(bare.name, {"city": "Berlin", "x": 1}, [WEATHER]) is None  # undeclared key


def test_stripped_tokens_in_content() -> None:
    """strands #1949: the call's body glued into content; runpod #262: content is the body."""
    shell = ToolSpec.from_openai(CASES["strands-1949-call-token-not-stop"]["request"]["tools"][0])
    content = CASES["strands-1949-call-token-not-stop"]["replies"][0]["content"]
    assert text_calls(content, [shell]) == [
        ("shell", {"cmd": ["bash", "lc", "ls -R /tmp/workspace/skills/fruit-weather"]}, "text")
    ]
    weather = ToolSpec.from_openai(CASES["runpod-262-raw-json-in-content"]["request"]["tools"][0])
    assert text_calls('{"location": "San Francisco"}', [weather]) == [
        ("get_weather", {"location": "San Francisco"}, "text")
    ]
    # decoded Harmony: "...assistantcommentary to=functions.calculator json{...}" (llamafarm #753)
    calc = ToolSpec(
        "calculator",
        "",
        {
            "type": "object",
            "properties": {"expression": {"type": "string"}},
            "required": ["expression"],
        },
    )
    decoded = CASES["llamafarm-753-commentary-markers-stripped"]["replies"][0]["content"]
    assert text_calls(decoded, [calc]) == [("calculator", {"expression": "23*19"}, "text")]


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("get_weather<|channel|>commentary", "get_weather"),  # vllm #32587
        ("assistant<|channel|>analysis", ""),  # ollama #11704: a role, not a name
        ("functions.get_weather", "functions.get_weather"),  # match_tool takes the prefix off
        ("get_weather", "get_weather"),
    ],
)
def test_tool_names_without_harmony(name: str, cleaned: str) -> None:
    assert tool_name(name) == cleaned


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        # oobabooga #7374: the tokens decoded away, the channel names left in the text
        (CASES["oobabooga-7374-channel-markers-stripped"]["replies"][0]["content"],
         "Hello! 👋 How can I help you today?"),
        ("We have the result.assistantfinal23*19 = 437.", "23*19 = 437."),
        # vllm #47062: a final channel without its <|message|>
        ("<|channel|>analysis<|message|>The calculator returned 437.<|end|><|start|>assistant"
         "<|channel|>final 23*19 = 437.", "23*19 = 437."),
        ("<|channel|>analysis<|message|>Thinking.<|end|>", ""),  # reasoning only: no answer
        ("analysisThe user greets us.", ""),
        ("The analysis of the assistant's final answer is fine.", "The analysis of the assistant's final answer is fine."),
    ],
)  # fmt: skip
def test_strip_harmony_keeps_only_the_final_channel(text: str, answer: str) -> None:
    assert strip_harmony(text) == answer


def test_arguments_echoed_beside_a_native_call_are_not_text() -> None:
    """vllm #25560: the arguments in content as well as in tool_calls."""
    assert without_calls('{"city":"Hanoi"}', [{"city": "Hanoi"}]) == ""
    assert without_calls('Checking. {"city": "Hanoi"}', [{"city": "Hanoi"}]) == "Checking."
    assert without_calls('Keep {"other": 1}', [{"city": "Hanoi"}]) == 'Keep {"other": 1}'


@pytest.mark.parametrize(
    ("case_id", "read", "spec", "call", "left"),
    [
        ("vllm-35907-call-on-analysis-channel", non_streamed, WEATHER, {"city": "Berlin"},
         "User asks weather in Berlin. Call get_weather."),
        ("vllm-25514-call-streamed-as-reasoning", streamed, SEARCH,
         {"query": "how to rotate API keys"}, "We need to use the tool."),
    ],
    ids=["not-streamed", "streamed"],
)  # fmt: skip
async def test_the_graph_hands_an_analysis_call_back_as_a_call(
    case_id: str, read: Any, spec: ToolSpec, call: dict[str, Any], left: str
) -> None:
    """Tool-call mode: the reply goes back to the client as a call, with nothing to read."""
    script = ByKind(route=[read(case_id)])
    context = Context(client_tools=[spec.openai], tool_choice="auto")
    user = CASES[case_id]["request"]["messages"][0]["content"]
    state, visited = await run(script, user, context=context)
    assert visited == ["route"] and script.kinds() == ["route"]  # no other model call
    final = state["messages"][-1]
    assert isinstance(final, AIMessage)
    assert [(c["name"], c["args"]) for c in final.tool_calls] == [(spec.name, call)]
    assert list(state["call_stages"].values()) == ["analysis"]
    assert final.content == ""
    # the reasoning goes back to the model without the call written into it
    assert final.additional_kwargs["reasoning_content"] == left


async def test_the_graph_leaves_reasoning_about_a_tool_alone() -> None:
    reply = AIMessage(
        content="Which city do you mean?",
        additional_kwargs={
            "reasoning_content": "The user wants weather; get_weather needs a city."
        },
    )
    script = ByKind(route=[reply], structured=['{"tool": "none", "arguments": {}}'])
    context = Context(client_tools=[WEATHER.openai], tool_choice="auto")
    state, _ = await run(script, "What's the weather?", context=context)
    final = state["messages"][-1]
    assert isinstance(final, AIMessage) and not final.tool_calls
    assert final.content == "Which city do you mean?"
