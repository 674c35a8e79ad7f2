"""The allow/deny matrix of one custom ``auth.py`` (``examples/auth/jwt_auth.py``), recorded on a
server and compared step by step (issue 26).

One fixed sequence of requests, each by one user (a JWT with its permissions, or a missing, bad,
expired or wrongly signed token), is sent to a server that loaded the example auth: owners and
other users, metadata filters (a token's ``project``), denied actions (threads without
``threads:write``, runs without ``runs:create``, crons, assistants, another user's store
namespace). For each step the harness keeps the HTTP status and a few facts (the owner the
handler wrote into a thread's metadata, how many threads a search found), never ids or times.
``tests/integration/auth_reference.json`` holds the recording of ``langgraph dev`` (the reference
server) with that ``auth.py``; toolloom's recording must equal it, step by step, but for the
differences named in :data:`KNOWN_DIFFERENCES`.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt

AUTH_REFERENCE_PATH = Path(__file__).with_name("auth_reference.json")
ROOT = Path(__file__).resolve().parents[2]
AUTH_FILE = ROOT / "examples" / "auth" / "jwt_auth.py"
SECRET = "conformance-shared-secret-0123456789abcdef"
"""The signing secret both servers get as ``AUTH_JWT_SECRET``."""
HELLO = {"messages": [{"role": "user", "content": "Say hello"}]}

KNOWN_DIFFERENCES: dict[str, str] = {}
"""Steps where toolloom answers otherwise on purpose (the README's Auth section lists them)."""

ALL = ["threads:write", "runs:create", "assistants:read"]
USERS: dict[str, dict[str, Any]] = {
    "alice": {"sub": "alice", "permissions": ALL, "project": "p1"},
    "alice_p2": {"sub": "alice", "permissions": ALL, "project": "p2"},
    "bob": {"sub": "bob", "permissions": ["runs:create", "assistants:read"]},
    "carol": {"sub": "carol", "permissions": []},
    "dave": {"sub": "dave", "permissions": ["threads:write", "assistants:read"]},
}


def token(user: str, *, secret: str = SECRET, expires_in: int = 3600) -> str:
    claims = {**USERS[user], "exp": int(time.time()) + expires_in}
    return jwt.encode(claims, secret, algorithm="HS256")


@dataclass
class Step:
    name: str
    request: str
    status: int
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class Matrix:
    server: str
    steps: list[Step]

    def statuses(self) -> dict[str, int]:
        return {step.name: step.status for step in self.steps}


def save(path: Path, matrix: Matrix) -> None:
    path.write_text(json.dumps(asdict(matrix), indent=1) + "\n")


def load(path: Path = AUTH_REFERENCE_PATH) -> Matrix:
    data = json.loads(path.read_text())
    return Matrix(data["server"], [Step(**step) for step in data["steps"]])


def compare(reference: Matrix, candidate: Matrix) -> list[str]:
    """Every step whose status or facts differ, or that only one side has."""
    found = []
    ours = {step.name: step for step in candidate.steps}
    for ref in reference.steps:
        cand = ours.pop(ref.name, None)
        if cand is None:
            found.append(f"{ref.name}: missing")
        elif (cand.status, cand.facts) != (ref.status, ref.facts):
            found.append(f"{ref.name}: {cand.status} {cand.facts} (reference {ref.status} "
                         f"{ref.facts})")  # fmt: skip
    found.extend(f"{name}: not in the reference" for name in ours)
    return found


class _Recorder:
    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, timeout=120)
        self.steps: list[Step] = []

    def call(
        self,
        name: str,
        user: str | None,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
        facts: Any = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if user is not None:
            sent["Authorization"] = f"Bearer {token(user)}"
        response = self.client.request(method, path, json=body, headers=sent)
        found: dict[str, Any] = {}
        if facts is not None and response.status_code < 300:
            found = facts(response.json())
        shown = path
        for part in path.split("/"):
            if len(part) == 36 and part.count("-") == 4:
                shown = shown.replace(part, "{id}")
        self.steps.append(Step(name, f"{method} {shown}", response.status_code, found))
        return response


def _owners(threads: list[dict[str, Any]]) -> list[str]:
    return sorted({str(t.get("metadata", {}).get("owner")) for t in threads})


def record(url: str, server: str, graph: str) -> Matrix:
    """Run the sequence against the server at ``url`` (loaded with :data:`AUTH_FILE` and
    ``AUTH_JWT_SECRET`` = :data:`SECRET`); ``graph`` is its graph's id (``toolloom`` in
    langgraph.json, ``agent`` on toolloom's own server)."""
    r = _Recorder(url)
    search = {"limit": 10}
    # who is let in at all
    r.call("none.search_assistants", None, "POST", "/assistants/search", search)
    bad = {"Authorization": "Bearer not-a-jwt"}
    r.call("garbage.search_assistants", None, "POST", "/assistants/search", search, headers=bad)
    forged = {
        "Authorization": f"Bearer {token('alice', secret='another-secret-of-at-least-32-chars-0000')}"
    }
    r.call("forged.search_assistants", None, "POST", "/assistants/search", search, headers=forged)
    expired = {"Authorization": f"Bearer {token('alice', expires_in=-60)}"}
    r.call("expired.search_assistants", None, "POST", "/assistants/search", search, headers=expired)
    count = {"facts": lambda body: {"count": len(body)}}
    r.call("alice.search_assistants", "alice", "POST", "/assistants/search", search, **count)
    r.call("carol.search_assistants", "carol", "POST", "/assistants/search", search)
    cookie = {"Cookie": f"session={token('alice')}"}
    r.call("alice_cookie.search_assistants", None, "POST", "/assistants/search", search,
           headers=cookie, **count)  # fmt: skip
    # threads: made by their owner, tagged by the handler, invisible to others
    tagged = {"facts": lambda b: {"owner": b["metadata"].get("owner"),
                                  "project": b["metadata"].get("project"),
                                  "topic": b["metadata"].get("topic")}}  # fmt: skip
    made = r.call("alice.create_thread", "alice", "POST", "/threads",
                  {"metadata": {"topic": "t1"}}, **tagged)  # fmt: skip
    thread = made.json()["thread_id"] if made.status_code == 200 else str(uuid.uuid4())
    at = f"/threads/{thread}"
    r.call("bob.create_thread", "bob", "POST", "/threads", {"metadata": {}})
    r.call("carol.create_thread", "carol", "POST", "/threads", {"metadata": {}})
    r.call("alice.get_thread", "alice", "GET", at, **tagged)
    r.call("bob.get_alices_thread", "bob", "GET", at)
    r.call("bob.patch_alices_thread", "bob", "PATCH", at, {"metadata": {"x": 1}})
    r.call("bob.delete_alices_thread", "bob", "DELETE", at)
    r.call("alice_p2.get_thread_of_p1", "alice_p2", "GET", at)
    owners = {"facts": lambda body: {"count": len(body), "owners": _owners(body)}}
    r.call("alice.search_threads", "alice", "POST", "/threads/search", search, **owners)
    r.call("bob.search_threads", "bob", "POST", "/threads/search", search, **owners)
    r.call("alice_p2.search_threads", "alice_p2", "POST", "/threads/search", search, **owners)
    r.call("alice.count_threads", "alice", "POST", "/threads/count", {},
           facts=lambda body: {"count": body})  # fmt: skip
    # runs
    run = {"assistant_id": graph, "input": HELLO}
    waited = r.call("alice.run_wait", "alice", "POST", f"{at}/runs/wait", run,
                    facts=lambda body: {"messages": len(body.get("messages", []))})  # fmt: skip
    assert waited.status_code == 200, waited.text
    r.call("bob.run_on_alices_thread", "bob", "POST", f"{at}/runs/wait", run)
    runs = r.call("alice.list_runs", "alice", "GET", f"{at}/runs",
                  facts=lambda body: {"count": len(body)})  # fmt: skip
    run_id = runs.json()[0]["run_id"] if runs.status_code == 200 and runs.json() else "x"
    r.call("bob.list_runs_of_alices_thread", "bob", "GET", f"{at}/runs")
    r.call("alice.get_run", "alice", "GET", f"{at}/runs/{run_id}",
           facts=lambda body: {"status": body["status"]})  # fmt: skip
    r.call("bob.get_alices_run", "bob", "GET", f"{at}/runs/{run_id}")
    r.call("alice.get_state", "alice", "GET", f"{at}/state",
           facts=lambda body: {"messages": len(body["values"].get("messages", []))})  # fmt: skip
    r.call("bob.get_alices_state", "bob", "GET", f"{at}/state")
    r.call("alice.history", "alice", "POST", f"{at}/history", {"limit": 1},
           facts=lambda body: {"states": len(body)})  # fmt: skip
    r.call("bob.alices_history", "bob", "POST", f"{at}/history", {"limit": 1})
    daves = r.call("dave.create_thread", "dave", "POST", "/threads", {"metadata": {}}, **tagged)
    dave_thread = daves.json()["thread_id"] if daves.status_code == 200 else str(uuid.uuid4())
    r.call("dave.run_without_runs_create", "dave", "POST", f"/threads/{dave_thread}/runs/wait", run)
    stateless = r.call("alice.stateless_run", "alice", "POST", "/runs/wait", run,
                       facts=lambda body: {"messages": len(body.get("messages", []))})  # fmt: skip
    assert stateless.status_code == 200, stateless.text
    # denied by the default handler, or by a resource's own
    r.call("alice.create_assistant", "alice", "POST", "/assistants", {"graph_id": graph})
    r.call("alice.search_crons", "alice", "POST", "/runs/crons/search", {})
    r.call("alice.store_put_in_bobs_namespace", "alice", "PUT", "/store/items",
           {"namespace": ["bob", "notes"], "key": "k", "value": {"v": 1}})  # fmt: skip
    # the owner changes and deletes what is theirs
    r.call("alice.patch_thread", "alice", "PATCH", at, {"metadata": {"topic": "t2"}}, **tagged)
    r.call("alice.delete_daves_thread", "alice", "DELETE", f"/threads/{dave_thread}")
    r.call("dave.delete_own_thread", "dave", "DELETE", f"/threads/{dave_thread}")
    r.call("alice.delete_thread", "alice", "DELETE", at)
    r.call("alice.get_deleted_thread", "alice", "GET", at)
    r.client.close()
    return Matrix(server, r.steps)
