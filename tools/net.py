"""api_request and web_scrape, behind an SSRF guard.

For every hop (the first request and each redirect) the guard:
1. accepts only ``http`` and ``https`` URLs without credentials, and only allowlisted hosts when an
   allowlist is set;
2. resolves the host (IP literals in any form: decimal ``2130706433``, hex ``0x7f000001``, octal
   ``0177.0.0.1``, short ``127.1``, IPv4-mapped IPv6) and refuses it if *any* address is not
   global: loopback, private, link-local (169.254.169.254), CGNAT, unspecified, multicast,
   reserved. Link-local and unspecified addresses stay refused even when private networks are
   allowed;
3. connects to the address it checked (the URL is rewritten to the IP; ``Host`` and TLS SNI keep
   the name), so a second DNS answer cannot swap in another address.

Bodies are read streamed up to a byte cap; the whole exchange, redirects included, runs under one
deadline. Proxies from the environment are ignored (a proxy would connect for us, unchecked).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import httpx
from bs4 import BeautifulSoup
from langchain_core.tools import BaseTool, tool
from pydantic import BaseModel, Field

from tools.base import ToolConfig, ToolError, check_input_size, truncate

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
REDIRECTS = {301, 302, 303, 307, 308}
MAX_URL_CHARS = 4096
_FORBIDDEN_HEADERS = {
    "host",
    "connection",
    "transfer-encoding",
    "upgrade",
    "proxy-authorization",
    "te",
    "trailer",
}
_ALWAYS_BLOCKED = [
    ipaddress.ip_network("169.254.0.0/16"),  # link-local, cloud metadata
    ipaddress.ip_network("0.0.0.0/8"),
    ipaddress.ip_network("fe80::/10"),
    ipaddress.ip_network("::/128"),
]


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return address.ipv4_mapped
        if address.sixtofour:
            return address.sixtofour
        if address.teredo:
            return address.teredo[1]
        if address in ipaddress.ip_network("64:ff9b::/96"):
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_allowed(address: IPAddress, allow_private: bool = False) -> bool:
    """Whether a connection to ``address`` may be made."""
    inner = _embedded_ipv4(address)
    if inner is not None:
        return address_allowed(inner, allow_private)
    if any(address in net for net in _ALWAYS_BLOCKED if net.version == address.version):
        return False
    if address.is_multicast:
        return False
    if allow_private:
        return not address.is_unspecified
    return address.is_global and not address.is_reserved


def literal_address(host: str) -> IPAddress | None:
    """``host`` as an IP address if it is one in any spelling (inet_aton forms included)."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


async def _getaddrinfo(host: str, port: int) -> list[str]:
    """The addresses a name resolves to (a seam for tests)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def resolve_checked(config: ToolConfig, host: str, port: int) -> IPAddress:
    """The address to connect to for ``host``, or a ToolError if any of its addresses is refused."""
    if not host:
        raise ToolError("url: no host")
    if config.net_allowed_hosts and host.lower() not in {
        h.lower() for h in config.net_allowed_hosts
    }:
        raise ToolError(f"url: host {host!r} is not in the allowed hosts")
    literal = literal_address(host)
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        try:
            found = await _getaddrinfo(host, port)
        except (OSError, UnicodeError) as exc:
            raise ToolError(f"url: cannot resolve {host!r} ({exc})") from None
        addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in found]
        if not addresses:
            raise ToolError(f"url: {host!r} has no addresses")
    for address in addresses:
        if not address_allowed(address, config.net_allow_private):
            raise ToolError(f"url: {host!r} is a non-public address ({address}); refused")
    return addresses[0]


def check_url(config: ToolConfig, url: str) -> httpx.URL:
    if not isinstance(url, str):
        raise ToolError("url: must be a string")
    check_input_size("url", url, MAX_URL_CHARS)
    if any(c in url for c in "\x00\r\n"):
        raise ToolError("url: control characters are not allowed")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        raise ToolError(f"url: not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https"):
        raise ToolError("url: only http and https are allowed")
    if parsed.userinfo:
        raise ToolError("url: credentials in the URL are not allowed")
    if not parsed.host:
        raise ToolError("url: no host")
    return parsed


@dataclass
class Fetched:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    truncated: bool
    redirects: int


async def fetch(
    config: ToolConfig,
    url: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Fetched:
    """One guarded HTTP exchange, following redirects (each re-checked) up to the cap."""
    method = method.upper()
    if method not in config.net_methods:
        raise ToolError(
            f"method: {method} is not allowed; allowed: {', '.join(config.net_methods)}"
        )
    extra = {}
    for name, value in (headers or {}).items():
        if name.lower() in _FORBIDDEN_HEADERS or any(c in f"{name}{value}" for c in "\r\n\x00"):
            raise ToolError(f"headers: {name!r} may not be set")
        extra[name] = value
    try:
        async with asyncio.timeout(config.net_timeout):
            async with httpx.AsyncClient(
                follow_redirects=False, trust_env=False, timeout=config.net_timeout
            ) as client:
                for hop in range(config.net_max_redirects + 1):
                    parsed = check_url(config, url)
                    port = parsed.port or (443 if parsed.scheme == "https" else 80)
                    address = await resolve_checked(config, parsed.host, port)
                    host_header = (
                        parsed.host if parsed.port is None else f"{parsed.host}:{parsed.port}"
                    )
                    if ":" in parsed.host and not host_header.startswith("["):
                        host_header = f"[{parsed.host}]" + (
                            f":{parsed.port}" if parsed.port else ""
                        )
                    target = parsed.copy_with(host=str(address))
                    extensions = {}
                    if parsed.scheme == "https" and literal_address(parsed.host) is None:
                        extensions["sni_hostname"] = parsed.host
                    request = client.build_request(
                        method,
                        target,
                        headers={**extra, "Host": host_header},
                        content=body,
                        extensions=extensions,
                    )
                    response = await client.send(request, stream=True)
                    try:
                        location = response.headers.get("location")
                        if response.status_code in REDIRECTS and location:
                            url = urljoin(str(parsed), location)
                            if response.status_code == 303 or (
                                response.status_code in (301, 302) and method == "POST"
                            ):
                                method, body = "GET", None
                            continue
                        data = bytearray()
                        truncated = False
                        async for chunk in response.aiter_bytes():
                            data.extend(chunk)
                            if len(data) > config.net_max_bytes:
                                truncated = True
                                del data[config.net_max_bytes :]
                                break
                        return Fetched(
                            str(parsed),
                            response.status_code,
                            dict(response.headers),
                            bytes(data),
                            truncated,
                            hop,
                        )
                    finally:
                        await response.aclose()
                raise ToolError(f"too many redirects (limit {config.net_max_redirects})")
    except TimeoutError:
        raise ToolError(f"the request took longer than {config.net_timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise ToolError(f"request failed: {type(exc).__name__}: {exc}") from None


class ApiRequestArgs(BaseModel):
    url: str = Field(description="The http(s) URL to call.", max_length=MAX_URL_CHARS)
    method: str = Field(
        default="GET",
        description="HTTP method: GET, POST, PUT, PATCH, DELETE or HEAD.",
        max_length=10,
    )
    headers: dict[str, str] | None = Field(default=None, description="Extra request headers.")
    json_body: Any = Field(default=None, description="A JSON body to send (POST/PUT/PATCH).")


class WebScrapeArgs(BaseModel):
    url: str = Field(description="The http(s) URL of the page to read.", max_length=MAX_URL_CHARS)


async def api_call(
    config: ToolConfig,
    url: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    json_body: Any = None,
) -> dict[str, Any]:
    body = None
    request_headers = dict(headers or {})
    if json_body is not None:
        body = json.dumps(json_body).encode()
        check_input_size("json_body", body.decode(), config.input_chars)
        request_headers.setdefault("Content-Type", "application/json")
    fetched = await fetch(config, url, method, request_headers, body)
    text = fetched.body.decode("utf-8", errors="replace")
    content: Any = text
    if "json" in fetched.headers.get("content-type", ""):
        try:
            content = json.loads(text)
        except ValueError:
            content = text
    shown = truncate(text, 2000)
    return {
        "url": fetched.url,
        "status": fetched.status,
        "content_type": fetched.headers.get("content-type"),
        "body": content if len(text) <= config.output_chars // 2 else shown,
        "truncated": fetched.truncated,
        "redirects": fetched.redirects,
        "summary": f"{method.upper()} {fetched.url} -> HTTP {fetched.status}: {truncate(text, 300)}",
    }


async def scrape(config: ToolConfig, url: str) -> dict[str, Any]:
    fetched = await fetch(config, url, "GET", {"Accept": "text/html, text/plain;q=0.8"})
    kind = fetched.headers.get("content-type", "")
    if kind and not any(t in kind for t in ("html", "text/plain", "xml")):
        raise ToolError(f"url: the page is {kind}, not HTML or text")
    soup = BeautifulSoup(fetched.body.decode("utf-8", errors="replace"), "html.parser")
    for node in soup(["script", "style", "noscript", "template", "iframe", "svg"]):
        node.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    lines = [line.strip() for line in soup.get_text("\n").splitlines()]
    text = "\n".join(line for line in lines if line)
    links = []
    for anchor in soup.find_all("a", href=True)[:200]:
        href = urljoin(fetched.url, str(anchor["href"]))
        if href.startswith(("http://", "https://")):
            links.append({"text": anchor.get_text(" ", strip=True)[:100], "url": href})
        if len(links) >= 50:
            break
    return {
        "url": fetched.url,
        "status": fetched.status,
        "title": title,
        "text": truncate(text, config.output_chars // 2),
        "links": links,
        "truncated": fetched.truncated,
        "summary": f"{title or fetched.url}: {truncate(text, 400)}",
    }


def build_api_request(config: ToolConfig) -> BaseTool:
    @tool("api_request", args_schema=ApiRequestArgs)
    async def api_request(
        url: str, method: str = "GET", headers: dict[str, str] | None = None, json_body: Any = None
    ) -> dict[str, Any]:
        """Call a public HTTP API and return its status and body (JSON decoded)."""
        return await api_call(config, url, method, headers, json_body)

    return api_request


def build_web_scrape(config: ToolConfig) -> BaseTool:
    @tool("web_scrape", args_schema=WebScrapeArgs)
    async def web_scrape(url: str) -> dict[str, Any]:
        """Read a public web page: its title, readable text and links."""
        return await scrape(config, url)

    return web_scrape
