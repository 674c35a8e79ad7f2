from __future__ import annotations

import json
import logging

from server.observability import JsonFormatter, SecretFilter, request_id_var


def record(message: str, *args: object, **fields: object) -> logging.LogRecord:
    rec = logging.LogRecord("t", logging.INFO, __file__, 1, message, args or None, None)
    if fields:
        rec.fields = fields  # type: ignore[attr-defined]
    return rec


def test_secret_filter_scrubs_every_kind() -> None:
    scrub = SecretFilter(["my-configured-key"])
    for text in (
        "Authorization: Bearer abc.def-123",
        "key sk-abcdefghijkl",
        "tl-ABCDEFGH12345",
        "the my-configured-key",
    ):
        rec = record("seen %s", text)
        scrub.filter(rec)
        message = rec.getMessage()
        assert "[redacted]" in message
        assert not any(
            secret in message
            for secret in (
                "abc.def-123",
                "sk-abcdefghijkl",
                "tl-ABCDEFGH12345",
                "my-configured-key",
            )
        )


def test_json_lines_carry_request_id_and_fields() -> None:
    token = request_id_var.set("req-42")
    try:
        rec = record("tool call", tool="calculator", status="success")
        SecretFilter().filter(rec)
        line = json.loads(JsonFormatter().format(rec))
    finally:
        request_id_var.reset(token)
    assert (
        line["request_id"] == "req-42"
        and line["tool"] == "calculator"
        and line["message"] == "tool call"
    )
