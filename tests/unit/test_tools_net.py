"""api_request and web_scrape: real requests to a server on 127.0.0.1, and the SSRF guard
proven on hostile URLs with the resolver and socket patched so nothing can connect anywhere."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools import net
from tools.base import ToolConfig, ToolError
from tools.net import address_allowed, api_call, literal_address, scrape


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def _send(
        self,
        status: int,
        body: bytes,
        kind: str = "text/plain",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        if self.path == "/json":
            self._send(
                200,
                json.dumps({"host": self.headers["Host"], "ok": True}).encode(),
                "application/json",
            )
        elif self.path == "/page":
            html = (
                b"<html><head><title>Hello page</title><script>alert('x')</script></head>"
                b"<body><h1>Welcome</h1><p>Some text.</p><a href='/next'>Next</a></body></html>"
            )
            self._send(200, html, "text/html; charset=utf-8")
        elif self.path == "/to-json":
            self._send(302, b"", headers={"Location": "/json"})
        elif self.path == "/to-metadata":
            self._send(302, b"", headers={"Location": "http://169.254.169.254/latest/meta-data/"})
        elif self.path == "/loop":
            self._send(302, b"", headers={"Location": f"http://127.0.0.1:{port}/loop"})
        elif self.path == "/big":
            self._send(200, b"x" * 3_000_000)
        elif self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.05)
        elif self.path == "/binary":
            self._send(200, b"\x89PNG", "image/png")
        else:
            self._send(404, b"not found")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self._send(201, json.dumps({"received": json.loads(body)}).encode(), "application/json")


@pytest.fixture(scope="module")
def local_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


LOCAL = ToolConfig(net_allow_private=True, net_timeout=2.0, net_max_bytes=100_000)


async def test_api_request_get_and_post(local_server: str) -> None:
    result = await api_call(LOCAL, f"{local_server}/json")
    assert result["status"] == 200 and result["body"]["ok"] is True
    port = local_server.rsplit(":", 1)[1]
    assert result["body"]["host"] == f"127.0.0.1:{port}"
    posted = await api_call(LOCAL, f"{local_server}/echo", "POST", json_body={"a": [1, "가"]})
    assert posted["status"] == 201 and posted["body"] == {"received": {"a": [1, "가"]}}


async def test_web_scrape_gives_text_and_links(local_server: str) -> None:
    result = await scrape(LOCAL, f"{local_server}/page")
    assert result["title"] == "Hello page"
    assert "Welcome" in result["text"] and "alert" not in result["text"]
    assert result["links"] == [{"text": "Next", "url": f"{local_server}/next"}]
    with pytest.raises(ToolError, match="not HTML"):
        await scrape(LOCAL, f"{local_server}/binary")


async def test_redirects_are_followed_and_rechecked(local_server: str) -> None:
    result = await api_call(LOCAL, f"{local_server}/to-json")
    assert result["body"]["ok"] is True and result["redirects"] == 1
    with pytest.raises(ToolError, match=r"169\.254\.169\.254"):
        await api_call(LOCAL, f"{local_server}/to-metadata")
    with pytest.raises(ToolError, match="too many redirects"):
        await api_call(LOCAL, f"{local_server}/loop")


async def test_body_cap_and_total_deadline(local_server: str) -> None:
    result = await api_call(LOCAL, f"{local_server}/big")
    assert result["truncated"] is True
    started = time.monotonic()
    with pytest.raises(ToolError, match="longer than"):
        await api_call(ToolConfig(net_allow_private=True, net_timeout=1.0), f"{local_server}/slow")
    assert time.monotonic() - started < 2.5


async def test_methods_headers_and_host_allowlist(local_server: str) -> None:
    with pytest.raises(ToolError, match="method"):
        await api_call(
            ToolConfig(net_allow_private=True, net_methods=("GET",)), f"{local_server}/json", "POST"
        )
    with pytest.raises(ToolError, match="headers"):
        await api_call(LOCAL, f"{local_server}/json", headers={"Host": "evil.example"})
    with pytest.raises(ToolError, match="allowed hosts"):
        await api_call(
            ToolConfig(net_allow_private=True, net_allowed_hosts=("api.example.com",)),
            f"{local_server}/json",
        )


class NoNetwork:
    """Patches name resolution and every way to open a connection; records what was tried."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.resolved: list[str] = []
        self.connects: list[Any] = []

        async def fake_getaddrinfo(host: str, port: int) -> list[str]:
            self.resolved.append(host)
            return self.answers.get(host, ["93.184.216.34"])

        def refuse(*args: Any, **kwargs: Any) -> Any:
            self.connects.append(args)
            raise ConnectionRefusedError(111, "refused by the test")

        monkeypatch.setattr(net, "_getaddrinfo", fake_getaddrinfo)
        monkeypatch.setattr(socket.socket, "connect", refuse)
        monkeypatch.setattr(socket.socket, "connect_ex", refuse)
        monkeypatch.setattr(socket, "create_connection", refuse)


HOSTILE_URLS = [
    "http://127.0.0.1/", "http://localhost/", "http://10.0.0.1/", "http://172.16.5.4/",
    "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/",
    "http://0.0.0.0/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
    "http://[fe80::1]/", "http://[fd00::1]/", "http://2130706433/", "http://0x7f000001/",
    "http://0177.0.0.1/", "http://127.1/", "http://0x7f.1/", "http://017700000001/",
    "http://metadata.google.internal/", "http://rebind.example/", "http://[2002:7f00:1::]/",
    "http://[64:ff9b::a9fe:a9fe]/", "http://224.0.0.1/", "http://255.255.255.255/",
]  # fmt: skip
RESOLVES = {
    "localhost": ["127.0.0.1", "::1"],
    "metadata.google.internal": ["169.254.169.254"],
    "rebind.example": ["93.184.216.34", "10.0.0.5"],  # one public, one private answer: refused
}


@pytest.mark.parametrize("url", HOSTILE_URLS)
async def test_ssrf_guard_refuses_and_nothing_connects(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    guard = NoNetwork(monkeypatch, RESOLVES)
    for call in (api_call(ToolConfig(), url), scrape(ToolConfig(), url)):
        with pytest.raises(ToolError, match="non-public|not a valid URL"):
            await call
    assert guard.connects == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "only http"), ("gopher://127.0.0.1/", "only http"),
        ("ftp://example.com/", "only http"), ("http://user:pass@example.com/", "credentials"),
        ("http:///nohost", "host"), ("http://exa mple.com/\r\nX: y", "control"), ("not a url", "only http|host|valid"),
    ],
)  # fmt: skip
async def test_bad_urls(monkeypatch: pytest.MonkeyPatch, url: str, message: str) -> None:
    guard = NoNetwork(monkeypatch, {})
    with pytest.raises(ToolError, match=message):
        await api_call(ToolConfig(), url)
    assert guard.connects == []


async def test_public_address_would_connect_to_the_checked_ip(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a public answer the guard lets the request through, to the address it checked."""
    guard = NoNetwork(monkeypatch, {"api.example.com": ["93.184.216.34"]})
    with pytest.raises(ToolError, match="ConnectError"):
        await api_call(ToolConfig(), "http://api.example.com/v1")
    assert guard.resolved == ["api.example.com"]
    assert guard.connects and all("93.184.216.34" in repr(c) for c in guard.connects)


@settings(max_examples=300, deadline=None)
@given(st.ip_addresses())
def test_guard_allows_only_global_addresses(address: Any) -> None:
    allowed = address_allowed(address)
    if allowed:
        assert address.is_global and not address.is_multicast
        mapped = getattr(address, "ipv4_mapped", None)
        assert mapped is None or mapped.is_global


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_spelling_of_an_ipv4_address_is_recognised(value: int) -> None:
    dotted = socket.inet_ntoa(value.to_bytes(4, "big"))
    for spelling in (str(value), hex(value), dotted):
        assert str(literal_address(spelling)) == dotted
