from __future__ import annotations

from langchain_core.messages import HumanMessage, SystemMessage

from backends.client import EMBEDDED_MAX_TOKENS
from server.runtime import llm_from
from server.settings import load_settings


def test_payload_limits_tokens_in_both_spellings() -> None:
    """llama.cpp ignores max_completion_tokens (it then fills its whole context): send max_tokens too."""
    llm = llm_from(load_settings(), base_url="http://127.0.0.1:1/v1", embedded_alias="m")
    payload = llm._get_request_payload([HumanMessage(content="hi")])
    assert payload["max_completion_tokens"] == EMBEDDED_MAX_TOKENS
    assert payload["extra_body"]["max_tokens"] == EMBEDDED_MAX_TOKENS
    assert payload["model"] == "m"


async def test_messages_and_tools_reach_the_wire_unchanged() -> None:
    """They travel in extra_body (skipping the SDK's slow TypedDict transform): the server must
    still receive exactly what LangChain produced."""
    from backends.stub import StubLLM

    tool = {
        "type": "function",
        "function": {
            "name": "calculator",
            "description": "Evaluate",
            "parameters": {"type": "object", "properties": {"expression": {"type": "string"}}},
        },
    }
    with StubLLM(default={"content": "ok"}) as stub:
        llm = llm_from(load_settings(llm_model="m"), base_url=stub.base_url)
        messages = [SystemMessage(content="be brief"), HumanMessage(content="서울 23*19")]
        await llm.bind_tools([tool]).ainvoke(messages)
        async for _ in llm.astream(messages):
            pass
        sent, streamed = stub.requests
        assert sent["messages"] == [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "서울 23*19"},
        ]
        assert sent["tools"] == [tool] and sent["max_tokens"] == sent["max_completion_tokens"]
        assert streamed["messages"] == sent["messages"] and streamed["stream"] is True
        assert "tools" not in streamed


def test_setting_wins(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TOOLLOOM_LLM_MAX_TOKENS", "77")
    llm = llm_from(load_settings(), base_url="http://127.0.0.1:1/v1", embedded_alias="m")
    assert llm._get_request_payload([HumanMessage(content="hi")])["max_completion_tokens"] == 77
