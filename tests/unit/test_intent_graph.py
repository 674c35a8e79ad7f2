"""The learned intent model in the graph: calls without a model call, plain chat without tool
schemas, narrowed choices, and the answer written from a result that answers by itself."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool, tool
from langgraph.checkpoint.memory import InMemorySaver

from backends.backend import BACKEND_KEY, Backend
from backends.resilience import RetryPolicy
from graph.builder import build_graph
from graph.context import Context
from harness.fakes import ScriptedChatModel
from nodes.decision import RANKED_TOOLS
from tools.registry import build_tools
from tools.specs import ToolSpec


class Recorder:
    """Answers every model call with ``reply`` and keeps what each call was sent."""

    def __init__(self, reply: str = "Hello! How can I help?") -> None:
        self.reply = reply
        self.calls: list[dict[str, Any]] = []

    def __call__(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> str:
        self.calls.append({"messages": messages, "kwargs": kwargs})
        return self.reply

    def tools_offered(self, index: int) -> list[str]:
        return [t["function"]["name"] for t in self.calls[index]["kwargs"].get("tools", [])]


async def turn(
    text: str,
    recorder: Recorder,
    *,
    answer_from_results: bool = True,
    context: Context | None = None,
    extra: list[BaseTool] | None = None,
) -> dict[str, Any]:
    backend = Backend(
        ScriptedChatModel(default=recorder),
        RetryPolicy(attempts=1, breaker=None),
        answer_from_results=answer_from_results,
    )
    tools = [*build_tools(), *(extra or [])]
    graph = build_graph(backend, tools).compile(checkpointer=InMemorySaver())
    state: dict[str, Any] = await graph.ainvoke(
        {"messages": [HumanMessage(content=text)]},
        {"configurable": {"thread_id": "t"}},
        context=context,
    )
    return state


def calls_of(state: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
    return [
        (call["name"], call["args"], state["call_stages"][call["id"]])
        for m in state["messages"]
        if isinstance(m, AIMessage)
        for call in m.tool_calls
    ]


async def test_a_confident_call_needs_no_model_call_at_all() -> None:
    """The issue's own example: the intent model picks the calculator, the extractor reads
    "7 fois 8", and the answer is written from the result: zero model calls."""
    recorder = Recorder()
    state = await turn("Combien font 7 fois 8 ?", recorder)
    assert calls_of(state) == [("calculator", {"expression": "7 * 8"}, "intent")]
    assert "56" in state["messages"][-1].content
    assert state["messages"][-1].response_metadata[BACKEND_KEY] == "tool results"
    assert recorder.calls == []


async def test_a_capable_backend_still_phrases_the_answer() -> None:
    recorder = Recorder("Seven times eight is 56.")
    state = await turn("Combien font 7 fois 8 ?", recorder, answer_from_results=False)
    assert state["messages"][-1].content == "Seven times eight is 56."
    assert state["messages"][-1].response_metadata[BACKEND_KEY] == "llm"  # the backend's name
    (call,) = recorder.calls  # one call: respond; none for route
    assert "tools" not in call["kwargs"]


async def test_two_tools_in_one_request_get_both_calls() -> None:
    state = await turn("What time is it in Seoul, and what is 3*4?", Recorder())
    assert sorted((name, args) for name, args, _ in calls_of(state)) == [
        ("calculator", {"expression": "3*4"}),
        ("time_now", {"timezone": "Asia/Seoul"}),
    ]
    assert {stage for _, _, stage in calls_of(state)} == {"intent"}
    tools = [m.name for m in state["messages"] if isinstance(m, ToolMessage)]
    assert sorted(tools) == ["calculator", "time_now"]


async def test_plain_chat_is_one_model_call_without_tool_schemas() -> None:
    recorder = Recorder("Hi! I am fine, thanks.")
    state = await turn("Hi there, how are you doing today?", recorder)
    assert calls_of(state) == []
    assert state["messages"][-1].content == "Hi! I am fine, thanks."
    (call,) = recorder.calls
    assert "tools" not in call["kwargs"]
    system = call["messages"][0].content
    assert "calculator" not in system and "You can call these tools" not in system


async def test_a_tool_with_a_missing_argument_is_filled_by_its_schema_alone() -> None:
    """ "Save a file called notes.txt" names the tool and the path but not the content: the model
    is shown the few likely tools, file_write first, and asked to fill file_write's schema only;
    it cannot invent the content (the grounding check refuses words the user did not write)."""
    recorder = Recorder(
        '{"tool": "file_write", "arguments": {"path": "notes.txt", "content": "x"}}'
    )
    await turn("Save a file called notes.txt", recorder)
    route = recorder.calls[0]
    assert recorder.tools_offered(0)[0] == "file_write"
    assert len(recorder.tools_offered(0)) <= RANKED_TOOLS
    structured = [c for c in recorder.calls if "response_format" in c["kwargs"]]
    assert structured, "stage 2 was asked"
    # a reply budget sized to one schema and the user's words, not the backend's 256
    assert structured[0]["kwargs"]["max_tokens"] < 120
    schema = structured[0]["kwargs"]["response_format"]
    text = str(schema)
    assert "file_write" in text and "calculator" not in text
    assert route is not structured[0]


async def test_tool_call_mode_with_tools_it_does_not_know_offers_them_all() -> None:
    weather = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    recorder = Recorder("I do not know.")
    await turn("What is 23*19?", recorder, context=Context(client_tools=[weather]))
    assert recorder.tools_offered(0) == ["get_weather"]


async def test_the_builtins_as_client_tools_get_the_intent_model_too() -> None:
    tools = [ToolSpec.from_tool(t).openai for t in build_tools()]
    recorder = Recorder()
    state = await turn("What is 23*19?", recorder, context=Context(client_tools=tools))
    assert state["messages"][-1].tool_calls[0]["args"] == {"expression": "23*19"}
    assert recorder.calls == []  # decided without the model, handed to the client


async def test_a_second_tool_with_nothing_to_read_is_not_called() -> None:
    """ "And what is 2+2?" reads as calculator and, weakly, time_now: both from the same words,
    and time_now finds nothing there. One part, one call."""
    state = await turn("And what is 2+2?", Recorder())
    assert [(name, args) for name, args, _ in calls_of(state)] == [
        ("calculator", {"expression": "2+2"})
    ]


@tool
def ticket_status(ticket_id: str) -> str:
    """Look up the status of a support ticket in the helpdesk."""
    return f"{ticket_id}: open"


ticket_status.metadata = {"source": "python"}  # as the toolbox marks a TOOLLOOM_TOOL_MODULES tool


async def test_an_operator_tool_the_request_names_is_shown_to_the_model() -> None:
    """The intent model never learned the operator's own tools: its "no built-in" is not plain
    chat when the request shares words with one of them; the model is shown that tool."""
    recorder = Recorder("It is open.")
    await turn("What's the status of support ticket T-42?", recorder, extra=[ticket_status])
    assert "ticket_status" in recorder.tools_offered(0)


async def test_plain_chat_stays_plain_beside_operator_tools() -> None:
    recorder = Recorder("Hi!")
    await turn("Hi there, how are you doing today?", recorder, extra=[ticket_status])
    (call,) = recorder.calls
    assert "tools" not in call["kwargs"]


async def test_unsure_on_a_small_model_asks_which_tool_in_the_users_language() -> None:
    """The intent model is unsure and the backend is a small local one (it would pick at chance):
    a short question naming the likeliest tools, in the user's language, with no model call."""
    for text, opening in (
        ("zeig mal das mit den Kunden", "Meinen Sie "),
        ("lo de los pedidos, porfa", "¿Quieres "),
    ):
        recorder = Recorder()
        state = await turn(text, recorder)
        answer = state["messages"][-1]
        assert answer.content.startswith(opening) and answer.content.rstrip().endswith("?")
        assert answer.response_metadata[BACKEND_KEY] == "toolloom" and recorder.calls == []
        assert not calls_of(state)


async def test_unsure_with_no_likely_tool_is_chat_not_a_question_about_tools() -> None:
    """The intent model abstains, but no tool is nearly as likely as none: the small model
    answers as in plain chat (no tool schemas), it is not asked which tool it means."""
    recorder = Recorder("The sea covers about 71% of the Earth.")
    state = await turn("Tell me one short fact about the sea.", recorder)
    (call,) = recorder.calls
    assert "tools" not in call["kwargs"]
    assert state["messages"][-1].content == "The sea covers about 71% of the Earth."
    assert not calls_of(state)


async def test_unsure_on_a_capable_backend_still_asks_the_model() -> None:
    recorder = Recorder("Which numbers do you mean?")
    state = await turn("die Zahlen von gestern bitte", recorder, answer_from_results=False)
    assert recorder.calls and state["messages"][-1].content == "Which numbers do you mean?"
