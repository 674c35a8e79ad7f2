"""One ``auth.py``, two servers, the same allow/deny matrix (issue 26).

``examples/auth/jwt_auth.py`` (JWTs with a shared secret; owners, a project filter on metadata,
denied actions) is loaded by ``langgraph dev`` (the reference server, through langgraph.json's
``auth.path``) and by ``toolloom serve`` (through ``LANGGRAPH_AUTH``), and the same sequence of
requests (:mod:`tests.integration.auth_conformance`) is recorded on each. The reference's
recording is committed (``auth_reference.json``); toolloom's must equal it step by step, but for
the documented :data:`KNOWN_DIFFERENCES`. To accept a new reference after reading the
differences::

    AUTH_REFERENCE_UPDATE=1 .venv/bin/python -m pytest tests/integration/test_auth_conformance.py
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from backends.embedded import free_port
from backends.stub import StubLLM
from tests.integration.agent_api_conformance import langgraph_dev, stub_reply
from tests.integration.auth_conformance import (
    AUTH_FILE,
    AUTH_REFERENCE_PATH,
    KNOWN_DIFFERENCES,
    SECRET,
    compare,
    load,
    record,
    save,
)
from tests.integration.server_process import ServerProcess


@pytest.fixture(scope="module")
def stub() -> Iterator[StubLLM]:
    with StubLLM(default=stub_reply) as server:
        yield server


@pytest.mark.timeout(300)
def test_the_reference_still_answers_as_recorded(
    stub: StubLLM, tmp_path_factory: pytest.TempPathFactory
) -> None:
    workdir: Path = tmp_path_factory.mktemp("langgraph-dev-auth")
    with langgraph_dev(
        stub.base_url,
        workdir,
        free_port(),
        auth={"path": f"{AUTH_FILE}:auth"},
        env={"AUTH_JWT_SECRET": SECRET},
    ) as url:
        fresh = record(url, "langgraph dev", "toolloom")
    if os.environ.get("AUTH_REFERENCE_UPDATE"):
        save(AUTH_REFERENCE_PATH, fresh)
    committed = load()
    assert len(committed.steps) >= 20
    assert compare(committed, fresh) == []


@pytest.mark.timeout(300)
def test_toolloom_gives_the_same_matrix(
    stub: StubLLM, tmp_path_factory: pytest.TempPathFactory
) -> None:
    server = ServerProcess(
        tmp_path_factory.mktemp("toolloom-auth"),
        LANGGRAPH_AUTH=json.dumps({"path": f"{AUTH_FILE}:auth"}),
        AUTH_JWT_SECRET=SECRET,
        TOOLLOOM_LLM_BASE_URL=stub.base_url,
        TOOLLOOM_LLM_MODEL="stub",
    ).start()
    try:
        ours = record(server.url, "toolloom serve", "agent")
        health = httpx.get(f"{server.url}/health", timeout=10).json()
    finally:
        server.stop()
    assert health["auth_mode"] == "custom"
    reference = load()
    differences = compare(reference, ours)
    expected = sorted(KNOWN_DIFFERENCES)
    assert sorted(d.split(":", 1)[0] for d in differences) == expected, "\n".join(differences)
    same = [s for s in reference.steps if s.name not in KNOWN_DIFFERENCES]
    assert len(same) >= 20
    # the matrix covers every kind of answer: allowed, unauthenticated, denied, hidden
    assert {s.status for s in same} >= {200, 401, 403, 404}
