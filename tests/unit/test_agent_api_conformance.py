"""The conformance harness's own logic (shapes, comparison, normalisation, the stub script) and
what the committed reference recording of ``langgraph dev`` says. No network."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest
from langgraph_sdk.schema import StreamPart

from tests.integration.agent_api_conformance import (
    REFERENCE_PATH,
    SLOW_SECONDS,
    STREAM_MODES,
    Recording,
    StepRecord,
    _normalize_target,
    _Recorder,
    _summarize_events,
    compare,
    graph_assistant_id,
    load_recording,
    merge_shapes,
    save_recording,
    shape_of,
    stub_reply,
    tuple_shape,
)


def test_shape_of_keeps_keys_and_json_types_not_values() -> None:
    assert shape_of({"a": 1, "b": "x", "c": None, "d": True, "e": [1.5]}) == {
        "object": {
            "a": "number",
            "b": "string",
            "c": "null",
            "d": "boolean",
            "e": {"array": "number"},
        }
    }
    assert shape_of({"a": 1}) == shape_of({"a": 99})
    assert shape_of([]) == {"array": None}


def test_id_keys_are_one_key_so_two_runs_give_one_shape() -> None:
    first = shape_of({str(uuid.uuid4()): {"x": 1}, "chatcmpl-tool-0a1b2c3d4e5f": "native"})
    second = shape_of({str(uuid.uuid4()): {"x": 2}, "lc_run--019a": "native"})
    assert (
        first == second == {"object": {"{id}": {"anyOf": ["string", {"object": {"x": "number"}}]}}}
    )
    # Names that merely start like an id prefix stay names.
    assert shape_of({"call_stages": {}}) == {"object": {"call_stages": {"object": {}}}}
    assert "{id}" in shape_of({"call_Nw2Lxs8qZr5tY1uV": 1})["object"]  # type: ignore[index]


def test_list_elements_merge_into_one_shape_with_every_key() -> None:
    messages = [{"type": "human", "content": "hi"}, {"type": "tool", "tool_call_id": "t"}]
    assert shape_of(messages) == {
        "array": {"object": {"content": "string", "tool_call_id": "string", "type": "string"}}
    }
    assert merge_shapes("null", {"object": {}}) == {"anyOf": ["null", {"object": {}}]}
    assert merge_shapes("string", "string") == "string"


def test_depth_cuts_the_shape_below_a_level() -> None:
    value = {"input_schema": {"properties": {"messages": {"type": "array"}}, "title": "X"}}
    assert shape_of(value, 2) == {
        "object": {"input_schema": {"object": {"properties": "object", "title": "string"}}}
    }


def test_a_tuple_keeps_its_positions_apart() -> None:
    pair = [{"content": "a", "type": "AIMessageChunk"}, {"langgraph_node": "respond"}]
    assert tuple_shape(pair) == {
        "tuple": [
            {"object": {"content": "string", "type": "string"}},
            {"object": {"langgraph_node": "string"}},
        ]
    }
    merged = merge_shapes(tuple_shape([{"a": 1}, {}]), tuple_shape([{"b": 1}, {}]))
    assert merged == {"tuple": [{"object": {"a": "number", "b": "number"}}, {"object": {}}]}


def _step(name: str = "s", **fields: object) -> StepRecord:
    base: dict[str, object] = {
        "name": name,
        "call": "c",
        "requests": ["GET /x -> 200"],
        "status": 200,
        "headers": {"content-type": "application/json"},
        "shape": shape_of({"a": 1, "metadata": {"k": 1}, "n": None}),
    }
    base.update(fields)
    return StepRecord(**base)  # type: ignore[arg-type]


def _rec(*steps: StepRecord) -> Recording:
    return Recording(client="async", meta={}, steps=list(steps))


def test_identical_recordings_have_no_differences() -> None:
    assert compare(_rec(_step()), _rec(_step())) == []


def test_status_requests_headers_and_facts_are_compared() -> None:
    ref = _rec(_step(facts={"status": "interrupted"}))
    cand = _rec(
        _step(
            status=404,
            requests=["GET /x -> 404"],
            headers={"content-type": "text/plain"},
            facts={"status": "success"},
        )
    )
    kinds = {(d.kind, d.path) for d in compare(ref, cand)}
    assert kinds == {
        ("status", ""),
        ("requests", ""),
        ("header", "content-type"),
        ("fact", "status"),
    }


def test_a_missing_key_an_extra_key_and_a_type_change_are_each_reported() -> None:
    ref = _rec(_step(shape=shape_of({"a": 1, "b": "x", "c": [1]})))
    cand = _rec(_step(shape=shape_of({"a": "1", "c": [1], "d": {}})))
    found = {(d.kind, d.path) for d in compare(ref, cand)}
    assert found == {("type", "$.a"), ("missing", "$.b"), ("extra", "$.d")}


def test_freeform_maps_and_nulls_are_lenient_unless_strict() -> None:
    ref = _rec(_step(shape=shape_of({"metadata": {"graph_id": "g"}, "n": None})))
    cand = _rec(_step(shape=shape_of({"metadata": {"other": 1}, "n": "now"})))
    assert compare(ref, cand) == []
    strict = {(d.kind, d.path) for d in compare(ref, cand, strict=True)}
    assert strict == {
        ("missing", "$.metadata.graph_id"),
        ("extra", "$.metadata.other"),
        ("type", "$.n"),
    }


def test_events_compare_first_event_names_and_data_shapes() -> None:
    ref_events = _summarize_events(
        [StreamPart("metadata", {"run_id": "r"}), StreamPart("values", {"messages": []})]
    )
    cand_events = _summarize_events(
        [StreamPart("values", {"messages": [], "x": 1}), StreamPart("end", None)]
    )
    ref = _rec(_step(shape=None, events=ref_events))
    cand = _rec(_step(shape=None, events=cand_events))
    found = {(d.kind, d.path) for d in compare(ref, cand)}
    assert found == {("events", "first"), ("events", "names"), ("extra", "<values>.x")}


def test_event_summary_collapses_repeats_and_pairs_messages_tuples() -> None:
    parts = [
        StreamPart("metadata", {"run_id": "r", "attempt": 1}),
        StreamPart("messages", [{"content": "a"}, {"langgraph_node": "route"}]),
        StreamPart("messages", [{"content": "b"}, {"langgraph_node": "route"}]),
        StreamPart("values", {"messages": []}),
    ]
    summary = _summarize_events(parts)
    assert summary["first"] == "metadata"
    assert summary["sequence"] == ["metadata", "messages", "values"]
    assert summary["names"] == ["messages", "metadata", "values"]
    assert "tuple" in summary["shapes"]["messages"]


def test_steps_missing_on_either_side_are_listed() -> None:
    found = compare(_rec(_step("a"), _step("b")), _rec(_step("a"), _step("c")))
    assert [(d.step, d.reference, d.candidate) for d in found] == [
        ("b", "present", "missing"),
        ("c", "missing", "present"),
    ]


def test_sent_body_keys_count_only_when_strict() -> None:
    ref = _rec(_step(sent=[["assistant_id", "input"]]))
    cand = _rec(_step(sent=[["assistant_id"]]))
    assert compare(ref, cand) == []
    assert [d.kind for d in compare(ref, cand, strict=True)] == ["sent"]


def test_recordings_round_trip_through_json(tmp_path: Path) -> None:
    recording = _rec(_step(events={"first": None, "names": [], "sequence": [], "shapes": {}}))
    save_recording(tmp_path / "r.json", recording)
    assert load_recording(tmp_path / "r.json") == recording
    assert json.loads((tmp_path / "r.json").read_text())["client"] == "async"


def test_paths_name_known_ids_and_hide_the_others() -> None:
    thread, run, other = (str(uuid.uuid4()) for _ in range(3))
    names = {thread: "{thread}", run: "{run}", "toolloom": "{graph}"}
    url = httpx.URL(f"http://h/threads/{thread}/runs/{run}/cancel?wait=1&action=interrupt")
    assert _normalize_target(url, names) == "/threads/{thread}/runs/{run}/cancel?action&wait"
    assert _normalize_target(httpx.URL(f"http://h/threads/{other}"), names) == "/threads/{id}"
    assert _normalize_target(httpx.URL("http://h/assistants/toolloom/graph"), names) == (
        "/assistants/{graph}/graph"
    )


def test_stub_script_calls_the_calculator_then_answers_and_is_slow_when_asked() -> None:
    tools = [{"type": "function", "function": {"name": "calculator"}}]
    calc = stub_reply(
        {"tools": tools, "messages": [{"role": "user", "content": "Please calculate 2*3"}]}
    )
    assert calc["tool_calls"][0]["name"] == "calculator"
    after = stub_reply({"tools": tools, "messages": [{"role": "tool", "content": "6"}]})
    assert "tool_calls" not in after and after["content"]
    slow = stub_reply({"tools": tools, "messages": [{"role": "user", "content": "hi, slowly"}]})
    assert slow["delay"] == SLOW_SECONDS
    # Plain chat (respond alone, no tools) is slow too; a call after a tool result is not.
    chat = stub_reply({"messages": [{"role": "user", "content": "hi, slowly"}]})
    assert chat["delay"] == SLOW_SECONDS
    assert "delay" not in stub_reply({"messages": [{"role": "tool", "content": "slowly"}]})


async def test_the_sdk_sends_the_key_as_x_api_key_and_none_means_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANGGRAPH_API_KEY", "from-the-environment")
    with_key = _Recorder("async", "http://127.0.0.1:9", "k-1", "g")
    without = _Recorder("sync", "http://127.0.0.1:9", None, "g")
    try:
        assert with_key.aclient is not None and without.sync is not None
        assert with_key.aclient.http.client.headers["x-api-key"] == "k-1"
        assert "authorization" not in with_key.aclient.http.client.headers
        # api_key=None is passed on as None: the SDK must not pick a key from the environment.
        assert "x-api-key" not in without.sync.http.client.headers
    finally:
        await with_key.close()
        await without.close()


# ---------------------------------------------------------------------------------------------
# What the committed reference says (the spec in docs/agent-server-api.md leans on these).


@pytest.fixture(scope="module")
def reference() -> Recording:
    return load_recording(REFERENCE_PATH)


def _endpoints(reference: Recording) -> set[str]:
    out = set()
    for step in reference.steps:
        for request in step.requests:
            method, target = request.split(" -> ")[0].split(" ", 1)
            out.add(f"{method} {target.split('?')[0]}")
    return out


def test_the_reference_covers_every_route_the_issue_names(reference: Recording) -> None:
    endpoints = _endpoints(reference)
    wanted = {
        "GET /ok",
        "GET /info",
        "POST /assistants/search",
        "GET /assistants/{assistant}",
        "GET /assistants/{assistant}/graph",
        "GET /assistants/{assistant}/schemas",
        "POST /threads",
        "GET /threads/{thread}",
        "PATCH /threads/{thread}",
        "DELETE /threads/{thread}",
        "POST /threads/search",
        "POST /threads/count",
        "POST /threads/{thread}/copy",
        "GET /threads/{thread}/state",
        "POST /threads/{thread}/state",
        "POST /threads/{thread}/history",
        "POST /threads/{thread}/runs/wait",
        "POST /threads/{thread}/runs/stream",
        "POST /threads/{thread}/runs",
        "GET /threads/{thread}/runs",
        "GET /threads/{thread}/runs/{run}",
        "GET /threads/{thread}/runs/{run}/join",
        "GET /threads/{thread}/runs/{run2}/stream",
        "DELETE /threads/{thread}/runs/{run}",
        "POST /threads/{thread_interrupt}/runs/{run_interrupt}/cancel",
        "POST /runs/wait",
        "POST /runs/stream",
        "POST /runs",
        "POST /runs/batch",
        "POST /runs/cancel",
        "PUT /store/items",
        "GET /store/items",
        "DELETE /store/items",
        "POST /store/items/search",
        "POST /store/namespaces",
        "POST /threads/{thread}/runs/crons",
        "POST /runs/crons/search",
        "POST /runs/crons/count",
        "DELETE /runs/crons/{cron}",
    }
    assert wanted <= endpoints, sorted(wanted - endpoints)


def test_the_reference_streams_start_with_metadata_and_send_no_end_event(
    reference: Recording,
) -> None:
    for mode in STREAM_MODES:
        events = reference.step(f"runs.stream.{mode}").events
        assert events is not None and events["first"] == "metadata", mode
        assert "end" not in events["names"]
        assert events["shapes"]["metadata"] == shape_of({"run_id": "r", "attempt": 1})
    assert set(reference.step("runs.stream.messages").events["names"]) == {  # type: ignore[index]
        "metadata",
        "messages/metadata",
        "messages/partial",
        "messages/complete",
    }
    assert reference.step("runs.stream.messages-tuple").events["names"] == ["messages", "metadata"]  # type: ignore[index]


def test_the_reference_status_codes_for_bad_input(reference: Recording) -> None:
    statuses = {step.name: step.status for step in reference.steps}
    assert statuses["threads.get_unknown"] == 404
    assert statuses["runs.get_unknown"] == 404
    assert statuses["assistants.get_unknown"] == 404
    assert statuses["runs.wait_unknown_thread"] == 404
    assert statuses["runs.wait_unknown_assistant_uuid"] == 404
    assert statuses["runs.stream.bad_mode"] == 422
    assert statuses["runs.wait_stateless_bad_mode"] == 422
    assert statuses["threads.get_not_uuid"] == 422
    assert statuses["multitask.reject.second"] == 409
    assert statuses["threads.create_if_exists_raise"] == 409
    assert statuses["runs.wait_stateless_resume"] == 400
    # The reference answers a resume with nothing to resume on a thread with 200 (issue #22
    # asks toolloom for a 4xx: a documented difference).
    assert statuses["runs.wait_resume_nothing_pending"] == 200
    assert reference.step("runs.join_unknown").shape == shape_of(
        {"__error__": {"error": "HTTPException", "message": "404: Run not found"}}
    )


def test_the_reference_double_texting_and_cancel_semantics(reference: Recording) -> None:
    facts = {step.name: step.facts for step in reference.steps}
    assert facts["multitask.enqueue.second"]["first_status_final"] == "success"
    assert facts["multitask.enqueue.second"]["second_status_at_create"] == "pending"
    assert facts["multitask.interrupt.second"]["first_status_final"] == "interrupted"
    assert facts["multitask.interrupt.second"]["messages_final"] == ["human", "human", "ai"]
    assert facts["multitask.rollback.second"]["first_status_final"] is None  # the run is gone
    assert facts["multitask.rollback.second"]["messages_final"] == ["human", "ai"]
    assert facts["runs.cancel_interrupt"]["run_status_after"] == "interrupted"
    assert facts["runs.cancel_rollback"]["run_status_after"] is None
    assert facts["runs.stream_on_disconnect_cancel"]["run_status_after"] == "interrupted"
    assert facts["runs.stream_on_disconnect_continue"]["run_status_after"] == "success"
    assert reference.step("runs.cancel_interrupt").status == 202


def test_the_reference_assistant_id_is_the_uuid5_of_the_graph(reference: Recording) -> None:
    assert reference.step("assistants.search").facts["assistant_id_is_uuid5_of_graph"] is True
    assert graph_assistant_id("toolloom") == "ca80c77b-44cd-5823-acf3-e50885bf53a9"
    assert reference.meta["x_api_key_on_every_request"] is True
