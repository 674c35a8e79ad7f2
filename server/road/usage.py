"""What one request used: model tokens, tool calls, and which backend answered each model call."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from langchain_core.callbacks import AsyncCallbackHandler
from langchain_core.outputs import LLMResult

from backends.backend import BACKEND_KEY
from backends.telemetry import token_counts
from server.storage.tables import UsageDelta


class RunUsage(AsyncCallbackHandler):
    """Counts one request's model tokens and tool calls (for the usage table, the key's daily
    token limit and ``usage`` in ``/v1`` replies), and records which backend answered each model
    call."""

    raise_error = False

    def __init__(self) -> None:
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.tool_calls = 0
        self.models: list[str] = []
        """The backend that answered each model call, in order."""
        self._calling: dict[UUID, str] = {}
        self._taken = False
        self._taken_prompt = self._taken_completion = self._taken_tools = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    async def on_chat_model_start(
        self, serialized: dict[str, Any], messages: Any, *, run_id: UUID, **kwargs: Any
    ) -> None:
        backend = (kwargs.get("metadata") or {}).get(BACKEND_KEY)
        if backend:
            self._calling[run_id] = str(backend)

    async def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        prompt, completion = token_counts(response)
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        backend = self._calling.pop(run_id, None)
        if backend:
            self.models.append(backend)

    async def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        self._calling.pop(run_id, None)

    async def on_tool_end(self, output: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self.tool_calls += 1

    async def on_tool_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        self.tool_calls += 1

    def take(self, key: str, failed: bool) -> UsageDelta:
        """What this request added since the last take (a request with several runs, a LangServe
        batch, counts as one request)."""
        delta = UsageDelta(
            key=key,
            requests=0 if self._taken else 1,
            errors=int(failed),
            prompt_tokens=self.prompt_tokens - self._taken_prompt,
            completion_tokens=self.completion_tokens - self._taken_completion,
            tool_calls=self.tool_calls - self._taken_tools,
        )
        self._taken = True
        self._taken_prompt, self._taken_completion = self.prompt_tokens, self.completion_tokens
        self._taken_tools = self.tool_calls
        return delta

    def openai(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }
