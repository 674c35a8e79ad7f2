"""Which of the two web tools a URL wants: ``api_request`` for an API's address, ``web_scrape``
for a page (issue 29).

The intent model learns the words around a URL, not the URL itself (it is masked), so "consult
https://restcountries.com/v3.1/name/peru" reads like "consult this page". The address says more:
a host or path named ``api``, a version segment (``/v3.1/``), JSON in the address, a query asking
for JSON. :func:`web_tools` corrects the model's choice by the URLs the user wrote (a page word,
"the page", "the site", keeps a scrape; an HTTP method written out keeps a request), and gives a
request with an API address and a page address both tools; :func:`assign_urls` hands each call
the URL of its kind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from intent.text import urls

WEB = ("api_request", "web_scrape")

_API_HOST = re.compile(r"(?:^|[.-])(?:api|apis|rest|graphql)(?:[.-]|$)|json|httpbin", re.I)
_API_PATH = re.compile(
    r"(?:^|/)(?:api|apis|rest|graphql|ws)(?:/|$)|/v\d+(?:\.\d+)?(?:/|$)|json|/latest(?:/|$)", re.I
)
_API_QUERY = re.compile(r"(?:^|&)(?:format|output|f)=json|(?:^|&)(?:api_?key|access_token)=", re.I)
_PAGE_WORD = re.compile(
    r"\bpages?\b|\bweb\s*pages?\b|\bsite\b|\bwebsite\b|\bhtml\b|\bscrap\w*|\barticle\b|"
    r"\bseite\b|\bwebseite\b|\bp[áa]gina\b|\bsitio\b|\bsitio\s+web\b|\bpagina\b|\bsito\b|"
    r"\bstrona\b|\bstron[ęey]\b|\bsayfa\w*|страниц\w*|сайт\w*|페이지|사이트|ページ|サイト|网页|網頁|页面|頁面|网站|網站",
    re.I,
)
_METHOD = re.compile(r"(?<![A-Za-z])(?:POST|PUT|PATCH|DELETE)(?![A-Za-z])")


def api_like(url: str) -> bool:
    """Whether the address is an API's (rather than a page people read)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = parts.hostname or ""
    return bool(
        _API_HOST.search(host) or _API_PATH.search(parts.path) or _API_QUERY.search(parts.query)
    )


def _kinds(text: str) -> list[tuple[str, str]]:
    """Each URL the text writes, with the web tool its address wants."""
    return [
        (span.text, "api_request" if api_like(span.text) else "web_scrape") for span in urls(text)
    ]


def web_tools(chosen: Sequence[str], text: str) -> list[str]:
    """The chosen tools, with the web tool the URLs want in place of the one the model chose."""
    web = [tool for tool in chosen if tool in WEB]
    if not web:
        return list(chosen)
    found = _kinds(text)
    if not found:
        return list(chosen)
    wanted = list(dict.fromkeys(kind for _, kind in found))
    if len(wanted) == 2 and len(found) >= 2:
        # an API's address and a page's: one call each; a third tool the model added beside
        # two web tools is dropped (two addresses are the two asks)
        others = [tool for tool in chosen if tool not in WEB]
        return ["api_request", "web_scrape", *others][: max(2, len(chosen))]
    if len(web) == 1 and len(found) == 1:
        kind = wanted[0]
        if web[0] == "web_scrape" and kind == "api_request" and not _PAGE_WORD.search(text):
            return [("api_request" if tool == "web_scrape" else tool) for tool in chosen]
        if web[0] == "api_request" and _METHOD.search(text):
            return list(chosen)
    return list(chosen)


def assign_urls(calls: list[dict[str, Any]], text: str) -> None:
    """Give each web call the URL of its kind, when the text has one of each."""
    found = _kinds(text)
    by_kind = {kind: url for url, kind in reversed(found)}
    names = [call["name"] for call in calls]
    if not (set(WEB) <= set(names) and len(by_kind) == 2):
        return
    for call in calls:
        if call["name"] in WEB:
            call["args"]["url"] = by_kind[call["name"]]
