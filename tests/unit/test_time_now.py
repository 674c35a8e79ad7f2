from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tools.base import ToolError
from tools.time_now import now_in, resolve_zone


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("Asia/Seoul", "Asia/Seoul"),
        ("asia/seoul", "Asia/Seoul"),
        ("Seoul", "Asia/Seoul"),
        ("서울", "Asia/Seoul"),
        ("서울의", "Asia/Seoul"),
        ("한국", "Asia/Seoul"),
        ("New York", "America/New_York"),
        ("뉴욕", "America/New_York"),
        ("London", "Europe/London"),
        ("Tokyo", "Asia/Tokyo"),
        ("Kathmandu", "Asia/Kathmandu"),  # any IANA city by its last component
        (None, "UTC"),
        ("", "UTC"),
    ],
)
def test_resolve_zone(name: str | None, zone: str) -> None:
    assert resolve_zone(name) == zone


@pytest.mark.parametrize("name", ["Atlantis", "x" * 500, "../../etc/passwd"])
def test_unknown_zone_is_a_clear_error(name: str) -> None:
    with pytest.raises(ToolError, match="timezone"):
        resolve_zone(name)


def test_now_in_seoul_is_iso_with_offset() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    result = now_in("서울", now=moment)
    assert result["timezone"] == "Asia/Seoul"
    assert result["iso"] == "2026-01-02T12:04:05+09:00"
    assert result["key"] == "12:04"
    assert "12:04" in result["summary_ko"]
