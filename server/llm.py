"""The one LLM client factory. Nothing else in the code knows which backend it talks to."""

from __future__ import annotations

from langchain_openai import ChatOpenAI

from server.settings import Settings

DEFAULT_MODEL = "openai/gpt-oss-20b"
DEFAULT_MAX_TOKENS = 1024
EMBEDDED_MAX_TOKENS = 256


def make_llm(
    settings: Settings,
    *,
    base_url: str | None = None,
    model: str | None = None,
    max_tokens: int | None = None,
) -> ChatOpenAI:
    """A ``ChatOpenAI`` client for the configured backend (or ``base_url``, e.g. the embedded one)."""
    url = base_url or (str(settings.llm_base_url) if settings.llm_base_url else None)
    if url is None:
        raise ValueError("no LLM base URL: set TOOLLOOM_LLM_BASE_URL or start the embedded model")
    limit = settings.llm_max_tokens or max_tokens or DEFAULT_MAX_TOKENS
    return ChatOpenAI(
        base_url=url,
        model=model or settings.llm_model or DEFAULT_MODEL,
        api_key=settings.llm_api_key,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
        max_completion_tokens=limit,
        # ChatOpenAI sends only max_completion_tokens; llama.cpp's server ignores that field and
        # generates until its context is full. Older servers read max_tokens: send both.
        extra_body={"max_tokens": limit},
        stream_usage=True,
    )
