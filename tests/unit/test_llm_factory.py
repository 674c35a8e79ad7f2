from __future__ import annotations

from langchain_core.messages import HumanMessage

from server.llm import EMBEDDED_MAX_TOKENS, make_llm
from server.settings import load_settings


def test_payload_limits_tokens_in_both_spellings() -> None:
    """llama.cpp ignores max_completion_tokens (it then fills its whole context): send max_tokens too."""
    llm = make_llm(
        load_settings(), base_url="http://127.0.0.1:1/v1", model="m", max_tokens=EMBEDDED_MAX_TOKENS
    )
    payload = llm._get_request_payload([HumanMessage(content="hi")])
    assert payload["max_completion_tokens"] == EMBEDDED_MAX_TOKENS
    assert payload["extra_body"] == {"max_tokens": EMBEDDED_MAX_TOKENS}
    assert payload["model"] == "m"


def test_setting_wins(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TOOLLOOM_LLM_MAX_TOKENS", "77")
    llm = make_llm(load_settings(), base_url="http://127.0.0.1:1/v1", max_tokens=256)
    assert llm._get_request_payload([HumanMessage(content="hi")])["max_completion_tokens"] == 77
