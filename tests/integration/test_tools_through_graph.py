"""Each of the 16 built-in tools, reached through the whole graph from a plain-language request,
on the real embedded model over real HTTP (api_request and web_scrape hit a server on 127.0.0.1)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.integration.server_process import ServerProcess


class Site(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/api"):
            body, kind = json.dumps({"status": "green", "users": 3}).encode(), "application/json"
        else:
            body = b"<html><head><title>Toolloom news</title></head><body><p>Release 1.0 is out.</p></body></html>"
            kind = "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def tool_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    tmp = tmp_path_factory.mktemp("tools")
    (tmp / "workspace" / "notes").mkdir(parents=True)
    (tmp / "workspace" / "notes" / "todo.txt").write_text("1. write tests\n2. ship\n")
    with sqlite3.connect(tmp / "sandbox.db") as conn:
        conn.execute("CREATE TABLE people (name TEXT, age INTEGER)")
        conn.executemany(
            "INSERT INTO people VALUES (?, ?)", [("Ana", 31), ("Ben", 25), ("Cho", 42)]
        )
    process = ServerProcess(tmp, TOOLLOOM_NET_ALLOW_PRIVATE="true").start()
    yield process
    process.stop()


CSV = "name,age\nAna,31\nBen,25"
CASES: list[tuple[str, str, str]] = [
    ("Read the file notes/todo.txt", "file_read", "write tests"),
    ("Write 'buy milk' to shopping.txt", "file_write", "shopping.txt"),
    ("파일 목록 보여줘", "file_list", "notes"),
    ("Show me the system info", "system_info", "Python"),
    ("Show the running processes", "process_list", "processes"),
    ("Show the environment variable LANG", "environment", ""),
    ("What is the mean of 3, 5, 8, 10?", "statistics", "6.5"),
    ('Is this valid JSON? {"a": [1, 2]}', "json_parse", "Valid JSON"),
    (
        'Get `people[1].name` from {"people": [{"name": "Ana"}, {"name": "Ben"}]}',
        "json_query",
        "Ben",
    ),
    (f"Sort these by age:\n{CSV}", "data_transform", "2 records"),
    ("GET {site}/api/status", "api_request", "green"),
    ("Summarize the page {site}/news", "web_scrape", "Release 1.0"),
    ("Run SELECT name FROM people WHERE age > 30", "database_query", "Cho"),
    (
        "Execute: CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
        "database_execute",
        "CREATE",
    ),
    ("What is 12 times 34?", "calculator", "408"),
    ("도쿄는 지금 몇 시야?", "time_now", "Asia/Tokyo"),
]


@pytest.mark.parametrize(("request_text", "tool", "expected"), CASES, ids=[c[1] for c in CASES])
def test_tool_reached_through_the_graph(
    tool_server: ServerProcess, site: str, request_text: str, tool: str, expected: str
) -> None:
    output = tool_server.invoke(request_text.replace("{site}", site), f"tool-{tool}")
    calls = [c for m in output["messages"] if m["type"] == "ai" for c in m.get("tool_calls") or []]
    assert [c["name"] for c in calls] == [tool]
    results = [m for m in output["messages"] if m["type"] == "tool"]
    assert results[0]["status"] == "success", results[0]["content"]
    assert expected in results[0]["content"]
    # On the embedded default the learned intent model makes the choice and fills the arguments.
    assert output["call_stages"][calls[0]["id"]] == "intent"
    assert output["messages"][-1]["type"] == "ai" and output["messages"][-1]["content"].strip()


def test_all_sixteen_tools_are_covered() -> None:
    assert len({tool for _, tool, _ in CASES}) == 16
