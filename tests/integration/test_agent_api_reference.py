"""The Agent Server API reference, re-recorded: ``langgraph dev`` (``langgraph-api``) on this
repository's graph, driven through the conformance sequence with the sync and the async
``langgraph-sdk`` clients, must match ``agent_api_reference.json`` step by step (status, headers,
key sets, SSE event names and shapes, facts); the file holds the async client's recording,
which the sync client's must equal. A ``langgraph-api`` or ``langgraph-sdk`` upgrade
that changes the API shows up here as a list of differences.

To accept a new reference after reading those differences::

    AGENT_API_REFERENCE_UPDATE=1 .venv/bin/python -m pytest \
        tests/integration/test_agent_api_reference.py -q
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from backends.embedded import free_port
from backends.stub import StubLLM
from tests.integration.agent_api_conformance import (
    REFERENCE_PATH,
    Difference,
    Recording,
    compare,
    langgraph_dev,
    load_recording,
    record,
    save_recording,
    stub_reply,
)

API_KEY = "conformance-key"

REFERENCE_RACES = {("multitask.rollback.second", "fact", "messages_final")}
"""Facts ``langgraph dev`` itself does not answer the same way twice: after a rollback of a
running run, the rolled-back run's question is sometimes still in the thread and sometimes not
(langgraph-runtime-inmem deletes the run's checkpoints while its cancelled worker may still write
one). Left out of the reference's comparisons with itself only; toolloom's own rollback is
asserted exactly in ``test_agent_server.py::test_double_texting``."""


def steady(differences: list[Difference]) -> list[Difference]:
    return [d for d in differences if (d.step, d.kind, d.path) not in REFERENCE_RACES]


GRAPH_ID = "toolloom"  # langgraph.json's name for the graph


@pytest.fixture(scope="module")
def reference_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir: Path = tmp_path_factory.mktemp("langgraph-dev")
    with (
        StubLLM(default=stub_reply) as stub,
        langgraph_dev(stub.base_url, workdir, free_port()) as url,
    ):
        yield url


@pytest.mark.timeout(600)
async def test_the_reference_server_still_answers_as_recorded(reference_url: str) -> None:
    fresh: dict[str, Recording] = {}
    for kind in ("sync", "async"):
        fresh[kind] = await record(reference_url, API_KEY, client=kind, graph_id=GRAPH_ID)
        # langgraph-sdk sends the key as x-api-key, on every request, sync and async alike.
        assert fresh[kind].meta["x_api_key_on_every_request"] is True
        assert fresh[kind].meta["requests"] > 100
    # One sequence, two clients: the server sees the same thing from both.
    between = steady(compare(fresh["sync"], fresh["async"], strict=True))
    assert between == [], "sync vs async:\n" + "\n".join(map(str, between))

    if os.environ.get("AGENT_API_REFERENCE_UPDATE"):
        save_recording(REFERENCE_PATH, fresh["async"])
    committed = load_recording(REFERENCE_PATH)
    for kind in ("sync", "async"):
        differences = steady(compare(committed, fresh[kind], strict=True))
        assert differences == [], f"{kind} client:\n" + "\n".join(map(str, differences))
