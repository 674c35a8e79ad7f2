"""The web tool a URL wants (intent/web.py): an API's address is a request, a page a scrape."""

from __future__ import annotations

import pytest

from intent.web import api_like, assign_urls, web_tools


@pytest.mark.parametrize(
    ("url", "api"),
    [
        ("https://api.example.org/latest?from=USD", True),
        ("https://example.com/v2/items/7", True),
        ("https://example.com/api/users", True),
        ("https://service.example.br/ws/0100/json/", True),
        ("https://example.pl/rates/a/eur/?format=json", True),
        ("https://jsonstub.example.com/users/1", True),
        ("https://de.wikipedia.org/wiki/Wien", False),
        ("https://www.example.com/news/today", False),
    ],
)
def test_an_api_address_is_told_from_a_page(url: str, api: bool) -> None:
    assert api_like(url) is api


def test_the_address_corrects_a_scrape_of_an_api() -> None:
    text = "Estoy de viaje. Consulta https://example.com/v3/name/chile y dime la capital"
    assert web_tools(["web_scrape"], text) == ["api_request"]
    # "the page" keeps the scrape the user asked for
    assert web_tools(["web_scrape"], "read the page at https://example.com/v3/docs") == [
        "web_scrape"
    ]


def test_an_api_address_and_a_page_get_one_call_each() -> None:
    text = "hol https://api.example.org/items und lies https://www.example.org/about"
    assert web_tools(["web_scrape", "file_list"], text) == ["api_request", "web_scrape"]
    calls = [
        {"name": "web_scrape", "args": {"url": "https://api.example.org/items"}},
        {"name": "api_request", "args": {"url": "https://www.example.org/about"}},
    ]
    assign_urls(calls, text)
    assert calls[0]["args"]["url"] == "https://www.example.org/about"
    assert calls[1]["args"]["url"] == "https://api.example.org/items"
