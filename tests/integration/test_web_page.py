"""The web chat page at ``/``, driven in Debian's chromium by Playwright, against real servers:
one on the embedded model (streaming, tool cards, threads, reload, Korean), one on a stub
backend that can be told to send hostile HTML or to fail, with API keys required.

Screenshots land in ``artifacts/screenshots/`` (or ``TOOLLOOM_SCREENSHOTS``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from backends.stub import StubLLM
from tests.integration.server_process import ServerProcess

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("TOOLLOOM_SCREENSHOTS", ROOT / "artifacts" / "screenshots"))
KEY = "tl-web-test-key-7f3a9c"
SLOW = 120_000  # ms: the embedded model on two cores
HOSTILE = (
    "**Bold** and <img src=x onerror=\"document.title='pwned-img'\"> and "
    "<script>document.title='pwned-script'</script> and [a link](javascript:alert(1))"
)
HOSTILE_FILE = "<img src=x onerror=\"document.title='pwned-file'\"><script>document.title='pwned-file2'</script>"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: scripts/test.sh installs it as root; otherwise run "
            "'sudo apt-get install chromium fonts-noto-cjk'"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def open_page(browser: Browser, url: str, *, width: int = 1280, bypass_csp: bool = False) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 820}, bypass_csp=bypass_csp, locale="en-US"
    )
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.errors.append(str(e)))  # type: ignore[attr-defined]
    page.goto(url)
    return page


# Set window.sawPendingText once an answer still being written (.pending) shows text.
WATCH_PENDING = """() => {
  window.sawPendingText = false;
  new MutationObserver(() => {
    for (const el of document.querySelectorAll(".msg.assistant.pending")) {
      if (el.textContent.trim()) window.sawPendingText = true;
    }
  }).observe(document.getElementById("messages"),
             {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def send(page: Page, text: str) -> None:
    page.fill("#input", text)
    page.press("#input", "Enter")


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)  # let the sidebar's transition finish
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


# --- the embedded model -----------------------------------------------------------------------------


def test_page_is_served_with_a_strict_content_security_policy(server: ServerProcess) -> None:
    response = httpx.get(server.url + "/", timeout=10)
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    csp = response.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert httpx.get(server.url + "/ui/app.js", timeout=10).status_code == 200
    assert httpx.get(server.url + "/ui/nothing.js", timeout=10).status_code == 404


def test_ui_chat_streams_events_and_rejects_bad_input(server: ServerProcess) -> None:
    events: list[dict[str, Any]] = []
    with httpx.stream(
        "POST",
        server.url + "/ui/chat",
        json={"thread_id": "web-events", "message": "Tell me one short fact about the sea."},
        timeout=SLOW / 1000,
    ) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith("data: "):
                import json

                events.append(json.loads(line[6:]))
    assert events[-1]["type"] == "done" and events[-1]["content"]
    tokens = [e for e in events if e["type"] == "token"]
    assert len(tokens) > 3, events  # token by token, not one block at the end
    for body, status in [
        ({"thread_id": "web-events", "message": ""}, 422),
        ({"thread_id": "web-events", "message": "a\x00b"}, 400),  # the JSON guard, before pydantic
        ({"thread_id": "bad id!", "message": "hi"}, 422),
        ({"thread_id": "web-events", "message": "hi", "extra": 1}, 422),
        ({"thread_id": "web-events", "message": "x" * 200_000}, 400),
    ]:
        response = httpx.post(server.url + "/ui/chat", json=body, timeout=30)
        assert response.status_code == status, (body, response.text)
        assert "Traceback" not in response.text


def test_chat_page_journey(server: ServerProcess, browser: Browser) -> None:
    """Send, see the streamed answer and a tool card, reload, new thread in Korean, switch back."""
    page = open_page(browser, server.url)
    expect(page.locator("#status-text")).to_contain_text("model up", timeout=30_000)
    expect(page.locator("#status-text")).to_contain_text("embedded")
    expect(page.locator("#key-panel")).to_be_hidden()  # no keys on this server
    first_thread = page.locator("#thread-id").inner_text()

    # A plain question: the answer appears while it is written (pending), then settles. A short
    # answer streams in well under a second, quicker than a locator polls: the page itself notes
    # whether a pending answer ever had text.
    page.evaluate(WATCH_PENDING)
    send(page, "Tell me one short fact about the moon.")
    expect(page.locator(".msg.assistant:not(.pending)")).to_have_count(1, timeout=SLOW)
    assert page.evaluate("window.sawPendingText") is True

    # A tool: the card shows the tool, its arguments, the stage, the result and the time.
    send(page, "What is 23*19?")
    card = page.locator(".tool[data-tool=calculator]")
    expect(card).to_have_count(1, timeout=SLOW)
    expect(card.locator(".result")).to_contain_text("437", timeout=SLOW)
    expect(card.locator(".args")).to_contain_text("23")
    expect(card.locator(".stage")).to_have_text("intent")  # the learned intent model chose it
    expect(card.locator(".status")).to_have_text("ok")
    expect(card.locator(".meta")).to_have_text(re.compile(r"^\d+ ms$"))
    answers = page.locator(".msg.assistant:not(.pending)")
    expect(answers).to_have_count(2, timeout=SLOW)
    expect(answers.nth(1)).to_contain_text("437")
    # Shift+Enter breaks the line instead of sending.
    page.fill("#input", "line one")
    page.press("#input", "Shift+Enter")
    page.keyboard.type("line two")
    assert page.input_value("#input") == "line one\nline two"
    page.fill("#input", "")
    shoot(page, "desktop")

    # Reload: the same thread, from the server's transcript.
    page.reload()
    expect(page.locator("#thread-id")).to_have_text(first_thread)
    expect(page.locator(".msg.user")).to_have_count(2, timeout=30_000)
    expect(page.locator(".tool[data-tool=calculator] .result")).to_contain_text("437")
    expect(page.locator(f'#threads button[data-thread="{first_thread}"]')).to_have_attribute(
        "aria-current", "true"
    )

    # A new thread, in Korean.
    page.click("#new-thread")
    second_thread = page.locator("#thread-id").inner_text()
    assert second_thread != first_thread
    expect(page.locator(".msg")).to_have_count(0)
    send(page, "서울은 지금 몇 시야?")
    expect(page.locator(".msg.user")).to_have_text("서울은 지금 몇 시야?")
    time_card = page.locator(".tool[data-tool=time_now]")
    expect(time_card.locator(".result")).to_contain_text("Asia/Seoul", timeout=SLOW)
    expect(page.locator(".msg.assistant:not(.pending)")).to_have_count(1, timeout=SLOW)
    # Hangul is drawn with a CJK font, not as boxes: the bubble's glyphs are wider than tall boxes
    # would be only if a font covers them; check the font the page asked for is installed.
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK KR\"', '서울')")

    # Phone width: the thread list folds away behind a button, the chat stays usable.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("#toggle-threads")).to_be_visible()
    shoot(page, "phone")
    page.click("#toggle-threads")
    shoot(page, "phone-threads")

    # Switch back to the first thread from the list.
    page.click(f'#threads button[data-thread="{first_thread}"]')
    expect(page.locator("#thread-id")).to_have_text(first_thread)
    expect(page.locator(".tool[data-tool=calculator]")).to_have_count(1, timeout=30_000)
    expect(page.locator(".tool[data-tool=time_now]")).to_have_count(0)
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


# --- a stub backend: hostile output, failures, API keys ------------------------------------------------


def stub_reply(request: dict[str, Any]) -> dict[str, Any]:
    """Hostile HTML as the answer; a file_read of a hostile file when asked about evil.html."""
    messages = request.get("messages") or []
    last = messages[-1] if messages else {}
    text = str(last.get("content") or "")
    if request.get("response_format"):
        return {"content": '{"tool": null, "arguments": {}}'}
    if last.get("role") == "tool" or "[result of" in text:
        return {"content": "The file says: " + HOSTILE_FILE}
    if "evil.html" in text and request.get("tools"):
        return {"tool_calls": [{"name": "file_read", "arguments": {"path": "evil.html"}}]}
    return {"content": HOSTILE}


@pytest.fixture(scope="module")
def stub() -> Iterator[StubLLM]:
    with StubLLM() as llm:
        llm.default = stub_reply  # type: ignore[assignment]
        yield llm


@pytest.fixture(scope="module")
def stub_server(tmp_path_factory: pytest.TempPathFactory, stub: StubLLM) -> Iterator[ServerProcess]:
    tmp = tmp_path_factory.mktemp("web-stub")
    (tmp / "workspace").mkdir()
    (tmp / "workspace" / "evil.html").write_text(HOSTILE_FILE)
    # Two models on the one stub (it sees which one a request names): the page's selector.
    models = tmp / "models.yaml"
    models.write_text(
        f"- {{name: stub, base_url: '{stub.base_url}'}}\n"
        f"- {{name: stub-b, base_url: '{stub.base_url}'}}\n"
    )
    process = ServerProcess(
        tmp,
        TOOLLOOM_MODELS=str(models),
        TOOLLOOM_LLM_MAX_RETRIES="0",
        TOOLLOOM_API_KEYS=f"web={KEY}",
    ).start()
    yield process
    process.stop()


def with_key(page: Page, key: str) -> None:
    expect(page.locator("#key-panel")).to_be_visible(timeout=30_000)
    page.fill("#api-key", key)
    page.click("#save-key")


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_hostile_html_in_answers_and_tool_results_stays_text(
    stub_server: ServerProcess, browser: Browser, bypass_csp: bool
) -> None:
    page = open_page(browser, stub_server.url, bypass_csp=bypass_csp)
    with_key(page, KEY)
    send(page, "Say hello")
    answer = page.locator(".msg.assistant:not(.pending)")
    expect(answer).to_have_count(1, timeout=30_000)
    expect(answer).to_contain_text("<img src=x onerror=")
    expect(answer).to_contain_text("<script>document.title='pwned-script'</script>")
    expect(answer.locator("strong")).to_have_text("Bold")  # Markdown still renders
    expect(answer.locator("a")).to_have_count(0)  # a javascript: link is not made a link

    send(page, "Show me evil.html")
    result = page.locator(".tool[data-tool=file_read] .result")
    expect(result).to_contain_text("<script>document.title='pwned-file2'</script>", timeout=30_000)
    expect(page.locator(".msg.assistant:not(.pending)")).to_have_count(2, timeout=30_000)
    page.wait_for_timeout(500)  # give a broken image's onerror every chance to fire
    assert page.locator(".messages img, .messages script").count() == 0
    assert "pwned" not in page.title()
    assert page.dialogs == []  # type: ignore[attr-defined]
    if not bypass_csp:
        shoot(page, "hostile-html")
    page.context.close()


def test_wrong_api_key_is_shown_and_a_right_one_works(
    stub_server: ServerProcess, browser: Browser
) -> None:
    page = open_page(browser, stub_server.url)
    expect(page.locator("#banner")).to_contain_text("API key", timeout=30_000)  # no key yet
    with_key(page, "tl-wrong-key")
    expect(page.locator("#banner")).to_contain_text("invalid API key")
    send(page, "hello")
    error = page.locator(".msg.error")
    expect(error).to_contain_text("valid API key", timeout=30_000)
    expect(error).to_contain_text("401")

    with_key(page, KEY)
    expect(page.locator("#banner")).to_be_hidden()
    send(page, "hello again")
    expect(page.locator(".msg.assistant:not(.pending)")).to_have_count(1, timeout=30_000)
    # The key is kept in the browser: a reload needs no typing.
    page.reload()
    expect(page.locator("#api-key")).to_have_value(KEY)
    expect(page.locator(".msg.user")).to_contain_text(["hello again"], timeout=30_000)
    page.context.close()


def test_llm_failure_is_shown_and_the_message_kept(
    stub_server: ServerProcess, stub: StubLLM, browser: Browser
) -> None:
    page = open_page(browser, stub_server.url)
    with_key(page, KEY)
    thread = page.locator("#thread-id").inner_text()
    stub.script[:] = [{"status": 503, "body": {"error": {"message": "overloaded"}}}] * 3
    send(page, "this one fails")
    error = page.locator(".msg.error")
    expect(error).to_contain_text("unavailable", timeout=30_000)
    expect(error).to_contain_text("503")
    stub.script.clear()
    send(page, "this one works")
    expect(page.locator(".msg.assistant:not(.pending)")).to_have_count(1, timeout=30_000)
    page.reload()
    expect(page.locator("#thread-id")).to_have_text(thread)
    expect(page.locator(".msg.user")).to_have_text(
        ["this one fails", "this one works"], timeout=30_000
    )
    page.context.close()


def test_the_model_selector_reaches_the_server(
    stub_server: ServerProcess, stub: StubLLM, browser: Browser
) -> None:
    page = open_page(browser, stub_server.url)
    with_key(page, KEY)
    selector = page.locator("#model")
    expect(selector.locator("option")).to_have_count(3, timeout=30_000)  # toolloom, stub, stub-b
    assert selector.locator("option").evaluate_all("o => o.map(x => x.value)") == [
        "toolloom",
        "stub",
        "stub-b",
    ]
    selector.select_option("stub-b")
    seen = len(stub.requests)
    send(page, "Say hello")
    answer = page.locator(".msg.assistant:not(.pending)")
    expect(answer).to_have_count(1, timeout=30_000)
    expect(answer.locator(".served")).to_have_text("answered by stub-b")
    assert len(stub.requests) > seen
    assert {r["model"] for r in stub.requests[seen:]} == {"stub-b"}
    # the choice is kept in the browser
    page.reload()
    expect(page.locator("#model")).to_have_value("stub-b", timeout=30_000)
    page.context.close()
