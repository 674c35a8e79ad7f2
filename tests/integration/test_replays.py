"""Every case of the replay corpus (backends/replays/: vLLM / gpt-oss failures from public
reports) through a real ``toolloom serve`` and the official ``openai`` client: the case's
expectation holds, no control token or tool-call text reaches the user, and nothing ends in an
unhandled 500.

One toolloom process serves the whole module, pointed at one replay server in sequential mode:
each run selects its case as ``POST /replay/reset {"case": id}`` does (toolloom does not forward
the ``X-Replay-Case`` header). Each case is its own backend in a models file (all at the replay
server; the request's ``model`` names the case), so what toolloom learns about one backend (a
history shape it refuses, a tripped circuit) stays with that case, as it would in production.

A case runs in agent mode when its tools are toolloom's own (``"builtin"``: the calls made are
read from the thread) and in tool-call mode when the client brings its tools (the client then
sends its tool results, and that follow-up must be answered too), streamed and not (a stream cut
off mid-way only streamed).

``TOOLLOOM_TEST_REPLAY_CORPUS`` names another directory of cases (an operator's own recorded
failures, in the same format).

With ``TOOLLOOM_TEST_VLLM_URL`` set (a vLLM serving gpt-oss-20b), the same requests also go to a
toolloom pointed at that server and must end in the same outcome (``live`` runs; skipped
otherwise).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import openai
import pytest

from backends.replay import ReplayLLM, load_corpus, request_contains
from nodes.parsers import HARMONY_TOKEN, parse_text_tool_calls
from tests.integration.server_process import ServerProcess

CORPUS = load_corpus(os.environ.get("TOOLLOOM_TEST_REPLAY_CORPUS"))  # default: the shipped one
LIVE_URL = os.environ.get("TOOLLOOM_TEST_VLLM_URL")
LIVE_MODEL = os.environ.get("TOOLLOOM_TEST_VLLM_MODEL", "openai/gpt-oss-20b")

Mode = Literal["agent", "tools"]

# What no user-visible text may hold, whatever the case: Harmony control tokens and headers, and
# the words of a backend's internal error.
NEVER_SHOWN = ("to=functions.", "<|", "HarmonyError", "Traceback")


def mode(case: dict[str, Any]) -> Mode:
    """Agent mode for toolloom's own tools (it runs them; the calls are read from the thread),
    tool-call mode for a client's."""
    return "agent" if case["request"]["tools"] == "builtin" else "tools"


def _replies(value: Any) -> Iterator[dict[str, Any]]:
    """Every reply of a case, the branches of conditions included."""
    if isinstance(value, list):
        for item in value:
            yield from _replies(item)
    elif isinstance(value, dict):
        if "when" in value:
            yield from _replies([value["reply"], value.get("otherwise", {})])
        else:
            yield value


def streams(case: dict[str, Any]) -> tuple[bool, ...]:
    """Streamed and not; only streamed when a reply is a stream cut off mid-way, which has no
    non-streamed form."""
    cut = any("cut_after" in r for r in _replies([*case["replies"], case.get("then", {})]))
    return (True,) if cut else (False, True)


RUNS = [
    pytest.param(case, stream, id=f"{case['id']}-{mode(case)}-{'stream' if stream else 'plain'}")
    for case in CORPUS
    for stream in streams(case)
]


@dataclass
class Outcome:
    """What the client saw."""

    status: int = 200
    text: str = ""
    """Everything shown to the user as text (content, every streamed content delta)."""
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """The calls handed back (tool-call mode) or made (agent mode)."""
    error: dict[str, Any] | None = None
    assistant: Any = None
    """The reply's message as a client appends it to its history (tool-call mode)."""


@dataclass
class Target:
    server: ServerProcess
    replay: ReplayLLM | None

    @property
    def client(self) -> openai.OpenAI:
        return openai.OpenAI(base_url=f"{self.server.url}/v1", api_key="none", max_retries=0)


def _start(tmp: Path, base_url: str, model: str | None = None) -> ServerProcess:
    """A toolloom with one backend per case, each named after its case."""
    tmp.mkdir(parents=True, exist_ok=True)
    models = tmp / "models.json"
    entries = [
        {"name": case["id"], "base_url": base_url, "model": model or case["model"]}
        for case in CORPUS
    ]
    models.write_text(json.dumps(entries), encoding="utf-8")
    return ServerProcess(
        tmp,
        ready_path="/v1/models",
        TOOLLOOM_MODELS=str(models),
        # A confident intent would run the tool without asking the model; these cases are about
        # what the model's replies look like.
        TOOLLOOM_INTENT_MODEL="off",
        TOOLLOOM_LLM_RETRY_BASE_DELAY="0.01",
        TOOLLOOM_LLM_TIMEOUT="20",
    ).start()


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    replay = ReplayLLM(cases=CORPUS).start()
    server = _start(tmp_path_factory.mktemp("replay"), replay.base_url)
    try:
        yield Target(server, replay)
    finally:
        server.stop()
        replay.stop()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    assert LIVE_URL is not None
    server = _start(tmp_path_factory.mktemp("live"), LIVE_URL, LIVE_MODEL)
    try:
        yield Target(server, None)
    finally:
        server.stop()


def _body(case: dict[str, Any], stream: bool) -> dict[str, Any]:
    request = case["request"]
    body: dict[str, Any] = {"model": case["id"], "messages": request["messages"], "stream": stream}
    if mode(case) == "tools":
        body["tools"] = request["tools"]
        if "tool_choice" in request:
            body["tool_choice"] = request["tool_choice"]
    return body


def _agent_calls(target: Target, thread: str) -> list[tuple[str, dict[str, Any]]]:
    state = httpx.get(f"{target.server.url}/threads/{thread}/state", timeout=10)
    assert state.status_code == 200, state.text
    return [
        (call["name"], call["args"])
        for message in state.json()["values"]["messages"]
        if message.get("type") == "ai"
        for call in message.get("tool_calls") or []
    ]


def _complete(
    target: Target, body: dict[str, Any], stream: bool, headers: dict[str, str]
) -> Outcome:
    """One request through the official client, streamed or not, as the user sees it."""
    outcome = Outcome()
    client = target.client.with_options(timeout=60)
    try:
        if stream:
            calls: dict[int, dict[str, str]] = {}
            reasoning = ""
            for chunk in client.chat.completions.create(**body, extra_headers=headers):
                for choice in chunk.choices:
                    outcome.text += choice.delta.content or ""
                    reasoning += getattr(choice.delta, "reasoning_content", None) or ""
                    for part in choice.delta.tool_calls or []:
                        call = calls.setdefault(part.index, {"id": "", "name": "", "arguments": ""})
                        call["id"] = part.id or call["id"]
                        if part.function is not None:
                            call["name"] += part.function.name or ""
                            call["arguments"] += part.function.arguments or ""
            ordered = [c for _, c in sorted(calls.items())]
            outcome.tool_calls = [(c["name"], json.loads(c["arguments"])) for c in ordered]
            outcome.assistant = {  # what a client that streams keeps of the reply
                "role": "assistant",
                "content": outcome.text or None,
                "tool_calls": [
                    {"id": c["id"], "type": "function",
                     "function": {"name": c["name"], "arguments": c["arguments"]}}
                    for c in ordered
                ],
                **({"reasoning_content": reasoning} if reasoning else {}),
            }  # fmt: skip
        else:
            completion = client.chat.completions.create(**body, extra_headers=headers)
            message = completion.choices[0].message
            outcome.text = message.content or ""
            outcome.tool_calls = [
                (c.function.name, json.loads(c.function.arguments))
                for c in message.tool_calls or []
                if c.type == "function"
            ]
            outcome.assistant = message  # appended to the history as it is, as most clients do
    except openai.APIStatusError as exc:
        outcome.status = exc.status_code
        outcome.error = exc.body if isinstance(exc.body, dict) else {"message": str(exc.body)}
    except openai.APIError as exc:  # an error event inside a stream that had started
        assert isinstance(exc.body, dict), exc
        outcome.status = int(exc.body.get("code") or 0)
        outcome.error = exc.body
    return outcome


def run_case(target: Target, case: dict[str, Any], stream: bool) -> Outcome:
    # A thread kept by the server shows the calls made in agent mode; a case whose request
    # carries history runs without one (the server would keep only the newest messages).
    thread = (
        f"replay-{uuid.uuid4().hex[:12]}"
        if mode(case) == "agent" and len(case["request"]["messages"]) == 1
        else None
    )
    outcome = _complete(
        target, _body(case, stream), stream, {"X-Thread-Id": thread} if thread else {}
    )
    if thread and outcome.status == 200:
        outcome.tool_calls = _agent_calls(target, thread)
    return outcome


def follow_up(target: Target, case: dict[str, Any], outcome: Outcome, stream: bool) -> Outcome:
    """Tool-call mode's next request: the reply's message and a result for each of its calls,
    as a client that ran them sends it."""
    message = outcome.assistant
    calls = message["tool_calls"] if isinstance(message, dict) else message.tool_calls
    results = [
        {"role": "tool", "tool_call_id": c["id"] if isinstance(c, dict) else c.id, "content": "ok"}
        for c in calls or []
    ]
    body = _body(case, stream)
    body["messages"] = [*body["messages"], message, *results]
    return _complete(target, body, stream, {})


def _key(call: tuple[str, dict[str, Any]]) -> str:
    return json.dumps(call, sort_keys=True)


def check(case: dict[str, Any], outcome: Outcome) -> None:
    expect = case["expect"]
    assert outcome.status != 500, f"an unhandled 500: {outcome.error}"
    if "error" in expect:
        assert outcome.status == expect["error"], outcome
        assert outcome.error and outcome.error.get("message"), outcome  # a reason, in words
        return
    assert outcome.status == 200, outcome
    if "tool_calls" in expect:
        wanted = [(c["name"], c["arguments"]) for c in expect["tool_calls"]]
        assert sorted(map(_key, outcome.tool_calls)) == sorted(map(_key, wanted)), outcome
    if "answer_contains" in expect:
        assert expect["answer_contains"] in outcome.text, outcome
    check_text(outcome.text, expect.get("no_text", []))


def check_text(text: str, no_text: list[str]) -> None:
    """Nothing shown to the user that is not for the user."""
    for shown in [*NEVER_SHOWN, *no_text]:
        assert shown not in text, f"{shown!r} shown to the user: {text!r}"
    assert not HARMONY_TOKEN.search(text), text
    assert not parse_text_tool_calls(text), f"a tool call shown as text: {text!r}"


def check_backend_requests(case: dict[str, Any], replay: ReplayLLM) -> None:
    """What toolloom sent the backend, where the case says (reasoning carried back)."""
    wanted = case["expect"].get("backend_request")
    if wanted is None:
        return
    sent = [r["body"] for r in replay.records if r["position"] == wanted["index"]]
    assert sent, f"no request {wanted['index']} reached the backend"
    options = wanted.get("contains_any") or [wanted["contains"]]
    assert any(request_contains(sent[0], option) for option in options), sent[0]["messages"]


@pytest.mark.parametrize(("case", "stream"), RUNS)
def test_replayed(replayed: Target, case: dict[str, Any], stream: bool) -> None:
    assert replayed.replay is not None
    replayed.replay.reset(case["id"])
    outcome = run_case(replayed, case, stream)
    check(case, outcome)
    if mode(case) == "tools" and outcome.tool_calls:
        # The client runs the calls and goes on: the reasoning must go back with them, and a
        # history the backend refuses must be sent in a shape it takes.
        second = follow_up(replayed, case, outcome, stream)
        assert second.status == 200 and second.text and not second.tool_calls, second
        check_text(second.text, case["expect"].get("no_text", []))
    check_backend_requests(case, replayed.replay)


@pytest.mark.skipif(
    not LIVE_URL, reason="TOOLLOOM_TEST_VLLM_URL is not set (a vLLM serving gpt-oss-20b)"
)
@pytest.mark.parametrize(("case", "stream"), RUNS)
def test_live(live: Target, case: dict[str, Any], stream: bool) -> None:
    """The same request against a real vLLM with gpt-oss: the same outcome. A case that expects
    a clear 502 (a backend that refuses every shape) cannot be provoked on a healthy server."""
    if "error" in case["expect"]:
        pytest.skip("a healthy vLLM does not refuse every shape of this request")
    check(case, run_case(live, case, stream))
