"""The replay server (backends/replay.py): the corpus of real vLLM / gpt-oss failure replies loads
and validates, and the server serves it over 127.0.0.1 as an OpenAI-compatible backend, read by
the official openai client (and httpx where the raw SSE bytes matter)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from backends.replay import (
    CATEGORIES,
    DEFAULT_CORPUS,
    CorpusError,
    ReplayLLM,
    load_corpus,
    request_contains,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = load_corpus()
BY_ID = {case["id"]: case for case in CORPUS}
WEATHER = BY_ID["vllm-50690-unexpected-token-200002-500"]["request"]["tools"]


def body(case_id: str, *, stream: bool | None = None, **extra: Any) -> dict[str, Any]:
    """The case's own request as a chat completions body (builtin tools left out)."""
    request = BY_ID[case_id]["request"]
    payload: dict[str, Any] = {"model": "openai/gpt-oss-20b", "messages": request["messages"]}
    if isinstance(request["tools"], list):
        payload["tools"] = request["tools"]
    payload["stream"] = request["stream"] if stream is None else stream
    return {**payload, **extra}


def sse_bytes(chunks: list[Any], done: bool = True) -> bytes:
    """What vLLM writes for these chunks: compact JSON after ``data: ``, then ``[DONE]``."""
    lines = [
        b"data: "
        + (
            c if isinstance(c, str) else json.dumps(c, ensure_ascii=False, separators=(",", ":"))
        ).encode()
        + b"\n\n"
        for c in chunks
    ]
    return b"".join(lines) + (b"data: [DONE]\n\n" if done else b"")


@pytest.fixture
def server() -> Iterator[ReplayLLM]:
    with ReplayLLM(CORPUS) as replay:
        yield replay


@pytest.fixture
def http(server: ReplayLLM) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.root_url, timeout=5) as client:
        yield client


def client_for(server: ReplayLLM, case_id: str | None = None, **headers: str) -> openai.OpenAI:
    if case_id is not None:
        headers["X-Replay-Case"] = case_id
    return openai.OpenAI(
        base_url=server.base_url, api_key="replay", max_retries=0, default_headers=headers
    )


# --- the corpus -------------------------------------------------------------------------------


def test_shipped_corpus_is_valid_and_covers_every_failure_kind() -> None:
    assert len(CORPUS) >= 34
    assert len(BY_ID) == len(CORPUS)  # ids are unique
    assert {case["category"] for case in CORPUS} == CATEGORIES
    tied = [c for c in CORPUS if c["source"]["url"].startswith("https://github.com/")]
    assert len(tied) >= 30
    categories = Counter(case["category"] for case in CORPUS)
    assert categories["harmony_500_transient"] >= 3 and categories["stream_deltas"] >= 3
    for case in CORPUS:  # file name and id agree
        assert (DEFAULT_CORPUS / f"{case['id']}.json").is_file()


def test_a_broken_case_is_named_in_the_error(tmp_path: Path) -> None:
    good = DEFAULT_CORPUS / "vllm-22515-unexpected-token-12606-500.json"
    shutil.copy(good, tmp_path / good.name)
    assert [c["id"] for c in load_corpus(tmp_path)] == ["vllm-22515-unexpected-token-12606-500"]

    broken = json.loads(good.read_text())
    broken["id"] = "broken-case"
    broken["category"] = "mystery"
    (tmp_path / "broken-case.json").write_text(json.dumps(broken))
    with pytest.raises(CorpusError, match=r"broken-case\.json: category 'mystery'"):
        load_corpus(tmp_path)

    broken["category"] = "other"
    del broken["source"]["url"]
    (tmp_path / "broken-case.json").write_text(json.dumps(broken))
    with pytest.raises(CorpusError, match=r"broken-case\.json: source\.url"):
        load_corpus(tmp_path)

    (tmp_path / "broken-case.json").write_text("{not json")
    with pytest.raises(CorpusError, match=r"broken-case\.json: not readable JSON"):
        load_corpus(tmp_path)


def test_request_contains_is_a_deep_subset() -> None:
    request = {"messages": [{"role": "user"}, {"role": "assistant", "reasoning": "r", "x": 1}]}
    assert request_contains(request, {"messages": [{"role": "assistant", "reasoning": "r"}]})
    assert not request_contains(request, {"messages": [{"role": "assistant", "reasoning": "s"}]})


# --- serving ----------------------------------------------------------------------------------


def test_by_header_replays_the_cases_replies_in_order(server: ReplayLLM) -> None:
    case = "vllm-22515-unexpected-token-12606-500"
    client = client_for(server, case)
    request = body(case)
    with pytest.raises(openai.InternalServerError) as raised:
        client.chat.completions.create(**request)
    assert raised.value.status_code == 500
    assert "Unexpected token 12606" in str(raised.value)
    call = client.chat.completions.create(**request).choices[0]
    assert call.finish_reason == "tool_calls" and call.message.tool_calls is not None
    function = call.message.tool_calls[0].function
    assert (function.name, json.loads(function.arguments)) == (
        "calculator",
        {"expression": "23*19"},
    )
    assert (
        client.chat.completions.create(**request).choices[0].message.content
        == "23 times 19 is 437."
    )
    assert client.chat.completions.create(**request).choices[0].message.content == "Done."  # then
    assert [r["position"] for r in server.records] == [0, 1, 2, 3]
    assert server.requests[0]["messages"] == request["messages"]


def test_sequential_mode_serves_the_current_case(http: httpx.Client) -> None:
    listing = http.get("/replay/cases").json()
    assert listing["current"] == listing["ids"][0] and len(listing["ids"]) == len(CORPUS)
    fixed = ReplayLLM(CORPUS, case="vllm-44216-required-answered-in-prose")
    with fixed, client_for(fixed) as client:
        reply = client.chat.completions.create(**body("vllm-44216-required-answered-in-prose"))
        assert "real-time weather data" in (reply.choices[0].message.content or "")
        assert httpx.post(f"{fixed.root_url}/replay/next").status_code == 409  # fixed by --case
    moved = http.post("/replay/next").json()["current"]
    assert moved == listing["ids"][1]
    assert http.post(
        "/replay/reset", json={"case": "vllm-41902-content-and-reasoning-null"}
    ).json() == {"current": "vllm-41902-content-and-reasoning-null"}


def test_a_verbatim_chunk_stream_arrives_byte_for_byte(
    server: ReplayLLM, http: httpx.Client
) -> None:
    case = "vllm-25514-call-streamed-as-reasoning"
    reply = BY_ID[case]["replies"][0]
    with http.stream(
        "POST", "/v1/chat/completions", json=body(case), headers={"X-Replay-Case": case}
    ) as r:
        assert r.headers["content-type"] == "text/event-stream"
        received = r.read()
    assert received == sse_bytes(reply["chunks"])
    assert b'"delta":{"reasoning_content":"{\\""}' in received  # vLLM's compact JSON, as reported


def test_raw_sse_and_a_stream_cut_mid_call(tmp_path: Path) -> None:
    raw = 'data: {"id":"x","choices":[{"index":0,"delta":{"content":"hé"}}]}\n\n: comment\n\n'
    cases = [
        _case("raw-sse", [{"sse": raw}]),
        _case("cut-stream", [{"chunks": ['{"a":1}', {"b": 2}, {"c": 3}], "cut_after": 2}]),
    ]
    with ReplayLLM(cases) as replay, httpx.Client(base_url=replay.root_url) as http:
        sent = {"messages": [{"role": "user", "content": "hi"}], "stream": True}
        raw_reply = http.post(
            "/v1/chat/completions", json=sent, headers={"X-Replay-Case": "raw-sse"}
        )
        assert raw_reply.content == raw.encode()
        cut = http.post("/v1/chat/completions", json=sent, headers={"X-Replay-Case": "cut-stream"})
        assert cut.content == b'data: {"a":1}\n\ndata: {"b":2}\n\n'  # no third chunk, no [DONE]


def test_an_http_500_case_answers_500_with_the_recorded_body(http: httpx.Client) -> None:
    case = "vllm-51977-header-to-functions-500"
    response = http.post("/v1/chat/completions", json=body(case), headers={"X-Replay-Case": case})
    assert response.status_code == 500
    assert response.json() == BY_ID[case]["replies"][0]["body"]
    assert "to=functions.web-browsing" in response.json()["error"]["message"]


def test_an_error_event_mid_stream_reaches_the_openai_client(server: ReplayLLM) -> None:
    case = "harmony-38-stream-error-event"
    stream = client_for(server, case).chat.completions.create(**body(case))
    seen: list[str] = []
    with pytest.raises(openai.APIError, match="––commentary"):
        for chunk in stream:
            seen.append(getattr(chunk.choices[0].delta, "reasoning_content", None) or "")
    assert "".join(seen) == "We need to compute 23*19."


def test_chunks_are_assembled_for_a_request_that_is_not_streamed(http: httpx.Client) -> None:
    case = "vllm-32587-tool-name-channel-suffix"
    reply = http.post(
        "/v1/chat/completions", json=body(case, stream=False), headers={"X-Replay-Case": case}
    ).json()
    call = reply["choices"][0]["message"]["tool_calls"][0]
    assert call["function"] == {
        "name": "get_weather<|channel|>commentary",
        "arguments": '{"city":"Seoul"}',
    }
    assert reply["choices"][0]["finish_reason"] == "tool_calls"
    error_case = "vllm-46464-stream-reasoning-parser-error"
    error = http.post(
        "/v1/chat/completions",
        json=body(error_case, stream=False),
        headers={"X-Replay-Case": error_case},
    )
    assert error.status_code == 500 and "200002" in error.json()["error"]["message"]


def test_message_replies_keep_shapes_the_stub_cannot_build(server: ReplayLLM) -> None:
    case = "vllm-48201-stop-beside-named-tool-call"
    choice = client_for(server, case).chat.completions.create(**body(case)).choices[0]
    assert choice.finish_reason == "stop" and choice.message.tool_calls is not None
    streamed = client_for(
        server, "vllm-53255-finish-tool-calls-without-calls"
    ).chat.completions.create(**body("vllm-53255-finish-tool-calls-without-calls", stream=True))
    finishes = [c.choices[0].finish_reason for c in streamed if c.choices]
    assert finishes[-1] == "tool_calls"


def test_each_case_and_conversation_keeps_its_own_position(server: ReplayLLM) -> None:
    a, b = "vllm-50690-unexpected-token-200002-500", "vllm-22386-unexpected-token-200012-500"

    def status(case_id: str, **headers: str) -> int:
        try:
            client_for(server, case_id, **headers).chat.completions.create(**body(case_id))
        except openai.InternalServerError:
            return 500
        return 200

    assert [status(a), status(b), status(a), status(b)] == [500, 500, 200, 200]
    # another conversation of the same case starts at the beginning
    assert status(a, **{"X-Replay-Conversation": "second"}) == 500
    # a request with a different first user message (a probe) is an aside: `then`, no move
    probe: dict[str, Any] = {
        "model": "m",
        "messages": [{"role": "user", "content": "What is 1+1?"}],
    }
    aside = client_for(server, a).chat.completions.create(**probe)
    assert aside.choices[0].message.content == "Done."
    assert server.records[-1]["position"] == "aside"
    assert httpx.post(f"{server.root_url}/replay/reset").status_code == 200
    assert server.cursors == {} and server.requests == []
    assert status(a) == 500  # from the start again


def test_a_persistent_case_refuses_one_shape_and_serves_another(server: ReplayLLM) -> None:
    case = "agents-1605-tool-results-history-refused"
    client = client_for(server, case)
    first = body(case)
    call = client.chat.completions.create(**first).choices[0].message
    assert call.tool_calls is not None
    call_id = call.tool_calls[0].id
    native = [
        *first["messages"],
        {"role": "assistant", "content": None, "tool_calls": [call.tool_calls[0].model_dump()]},
        {"role": "tool", "tool_call_id": call_id, "content": "437"},
    ]
    for _ in range(2):  # every retry of the same shape fails
        with pytest.raises(openai.BadRequestError, match="Error in preprocessing prompt inputs"):
            client.chat.completions.create(model="m", messages=native)
    flat = [
        *first["messages"],
        {"role": "assistant", "content": '[called calculator({"expression": "23*19"})]'},
        {"role": "user", "content": "[result of calculator] 437"},
    ]
    answer = client.chat.completions.create(model="m", messages=flat)
    assert answer.choices[0].message.content == "23*19 = 437."


def test_requests_are_recorded_in_process_and_over_http(
    server: ReplayLLM, http: httpx.Client
) -> None:
    case = "vllm-41902-content-and-reasoning-null"
    client_for(server, case).chat.completions.create(**body(case), temperature=0.5)
    recorded = http.get("/replay/requests").json()["requests"]
    assert recorded == server.records
    assert recorded[0]["case"] == case and recorded[0]["body"]["temperature"] == 0.5


def test_fail_rate_fails_near_the_rate_and_a_retry_recovers() -> None:
    cases = [c for c in CORPUS if c["category"] == "harmony_500_transient"]
    corpus_bodies = [
        r["body"] for c in cases for r in c["replies"] if r.get("status") == 500 and "body" in r
    ]
    first_turn = {
        "model": "m",
        "messages": [{"role": "user", "content": "What's the weather in Seoul?"}],
        "tools": WEATHER,
    }
    with (
        ReplayLLM(cases, fail_rate=0.3, seed=11) as replay,
        httpx.Client(base_url=replay.base_url) as http,
    ):
        replies = [http.post("/chat/completions", json=first_turn) for _ in range(500)]
        failed = [r for r in replies if r.status_code == 500]
        assert {r.status_code for r in replies} == {200, 500}
        assert 0.25 <= len(failed) / 500 <= 0.35
        assert all(r.json() in corpus_bodies for r in failed)  # the corpus's HarmonyError bodies

        client = openai.OpenAI(base_url=replay.base_url, api_key="replay", max_retries=0)

        def with_retries(**request: Any) -> Any:
            for _ in range(20):  # a retrying client recovers (0.3**20: never in practice)
                try:
                    return client.chat.completions.create(**request)
                except openai.InternalServerError as exc:
                    assert exc.status_code == 500
            raise AssertionError("no success in 20 tries")

        call = with_retries(**first_turn).choices[0].message.tool_calls[0]
        assert (call.function.name, json.loads(call.function.arguments)) == (
            "get_weather",
            {"city": "What's the weather in Seoul?"},  # placeholder arguments: the user's text
        )
        after_tool = {
            **first_turn,
            "messages": [
                *first_turn["messages"],
                {"role": "assistant", "content": None, "tool_calls": [call.model_dump()]},
                {"role": "tool", "tool_call_id": call.id, "content": "21°C"},
            ],
        }
        text = with_retries(**after_tool).choices[0].message.content
        assert text is not None and "21°C" in text


def test_the_command_line_prints_its_base_url() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backends.replay",
            "--port",
            "0",
            "--case",
            "vllm-41902-content-and-reasoning-null",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        listing = httpx.get(url.removesuffix("/v1") + "/replay/cases", timeout=5).json()
        assert listing["current"] == "vllm-41902-content-and-reasoning-null"
    finally:
        process.terminate()
        process.wait(timeout=5)


def _case(case_id: str, replies: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": case_id,
        "failure": "test",
        "category": "other",
        "source": {
            "url": "https://example.org",
            "title": "t",
            "date": "2025-01-01",
            "fidelity": "reconstructed",
            "evidence": "e",
        },
        "model": "openai/gpt-oss-20b",
        "request": {
            "messages": [{"role": "user", "content": "hi"}],
            "tools": "builtin",
            "stream": True,
        },
        "replies": replies,
        "expect": {"answer_contains": "x"},
    }
