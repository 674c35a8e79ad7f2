"""The one LLM client factory. Nothing else in the code knows which backend it talks to."""

from __future__ import annotations

from langchain_openai import ChatOpenAI

from server.settings import Settings

DEFAULT_MODEL = "openai/gpt-oss-20b"


def make_llm(
    settings: Settings, *, base_url: str | None = None, model: str | None = None
) -> ChatOpenAI:
    """A ``ChatOpenAI`` client for the configured backend (or ``base_url``, e.g. the embedded one)."""
    url = base_url or (str(settings.llm_base_url) if settings.llm_base_url else None)
    if url is None:
        raise ValueError("no LLM base URL: set TOOLLOOM_LLM_BASE_URL or start the embedded model")
    return ChatOpenAI(
        base_url=url,
        model=model or settings.llm_model or DEFAULT_MODEL,
        api_key=settings.llm_api_key,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
        max_completion_tokens=settings.llm_max_tokens,
        stream_usage=True,
    )
