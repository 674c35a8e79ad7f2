"""A plain answer streamed through /v1 never shows a Harmony marker, and prose streams at once
(server/http/answer_guard.py)."""

from __future__ import annotations

import pytest

from server.http.answer_guard import AnswerGuard


def stream(tokens: list[str]) -> tuple[list[str], AnswerGuard]:
    guard = AnswerGuard()
    return [guard.feed(token) for token in tokens], guard


def test_prose_streams_token_by_token() -> None:
    sent, guard = stream(["Hello", " there,", " how", " can", " I", " help?"])
    assert sent == ["Hello", " there,", " how", " can", " I", " help?"]
    assert guard.streamed == "Hello there, how can I help?" and not guard.stopped


def test_only_what_may_begin_a_marker_waits() -> None:
    sent, guard = stream(["The ", "assist", "ant is", " kind"])
    assert sent == ["The ", "", "assistant is", " kind"]  # "assist" waited one token
    assert guard.streamed == "The assistant is kind"


@pytest.mark.parametrize(
    "tokens",
    [
        # oobabooga #7374: the tokens decoded away, the analysis channel first
        ["analysis", "User says", " hello.", "assistant", "final", "Hello!"],
        # llama.cpp reasoning_format none: the whole transcript in content
        ["<|channel|>", "analysis", "<|message|>", "Thinking", "<|end|>"],
        # a marker later on
        ["Let me think", ".", "<|", "channel|>final", "<|message|>Hi"],
        ["We have the result.", "assistantfinal", "23*19 = 437."],
    ],
)
def test_no_marker_is_ever_sent(tokens: list[str]) -> None:
    sent, guard = stream(tokens)
    shown = "".join(sent)
    assert "<|" not in shown and "assistantfinal" not in shown and not shown.startswith("analysis")
    assert guard.stopped
    assert guard.streamed == shown  # the surface sends the cleaned answer's rest from here
