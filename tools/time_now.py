"""time_now: the current date and time in an IANA zone or a well-known place."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from langchain_core.tools import BaseTool, tool
from pydantic import BaseModel, Field

from tools.base import ToolConfig, ToolError, check_input_size

# Places people name instead of zones, in English and Korean (and a few other spellings).
PLACES: dict[str, str] = {
    "utc": "UTC",
    "gmt": "UTC",
    "협정 세계시": "UTC",
    "seoul": "Asia/Seoul",
    "서울": "Asia/Seoul",
    "korea": "Asia/Seoul",
    "south korea": "Asia/Seoul",
    "한국": "Asia/Seoul",
    "대한민국": "Asia/Seoul",
    "busan": "Asia/Seoul",
    "부산": "Asia/Seoul",
    "incheon": "Asia/Seoul",
    "인천": "Asia/Seoul",
    "kst": "Asia/Seoul",
    "pyongyang": "Asia/Pyongyang",
    "평양": "Asia/Pyongyang",
    "tokyo": "Asia/Tokyo",
    "도쿄": "Asia/Tokyo",
    "동경": "Asia/Tokyo",
    "japan": "Asia/Tokyo",
    "일본": "Asia/Tokyo",
    "osaka": "Asia/Tokyo",
    "오사카": "Asia/Tokyo",
    "jst": "Asia/Tokyo",
    "beijing": "Asia/Shanghai",
    "베이징": "Asia/Shanghai",
    "북경": "Asia/Shanghai",
    "shanghai": "Asia/Shanghai",
    "상하이": "Asia/Shanghai",
    "china": "Asia/Shanghai",
    "중국": "Asia/Shanghai",
    "hong kong": "Asia/Hong_Kong",
    "홍콩": "Asia/Hong_Kong",
    "taipei": "Asia/Taipei",
    "타이베이": "Asia/Taipei",
    "taiwan": "Asia/Taipei",
    "대만": "Asia/Taipei",
    "singapore": "Asia/Singapore",
    "싱가포르": "Asia/Singapore",
    "bangkok": "Asia/Bangkok",
    "방콕": "Asia/Bangkok",
    "hanoi": "Asia/Bangkok",
    "vietnam": "Asia/Ho_Chi_Minh",
    "베트남": "Asia/Ho_Chi_Minh",
    "하노이": "Asia/Bangkok",
    "jakarta": "Asia/Jakarta",
    "manila": "Asia/Manila",
    "마닐라": "Asia/Manila",
    "india": "Asia/Kolkata",
    "인도": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "ist": "Asia/Kolkata",
    "dubai": "Asia/Dubai",
    "두바이": "Asia/Dubai",
    "moscow": "Europe/Moscow",
    "모스크바": "Europe/Moscow",
    "russia": "Europe/Moscow",
    "istanbul": "Europe/Istanbul",
    "이스탄불": "Europe/Istanbul",
    "london": "Europe/London",
    "런던": "Europe/London",
    "uk": "Europe/London",
    "england": "Europe/London",
    "영국": "Europe/London",
    "paris": "Europe/Paris",
    "파리": "Europe/Paris",
    "france": "Europe/Paris",
    "프랑스": "Europe/Paris",
    "berlin": "Europe/Berlin",
    "베를린": "Europe/Berlin",
    "germany": "Europe/Berlin",
    "독일": "Europe/Berlin",
    "madrid": "Europe/Madrid",
    "마드리드": "Europe/Madrid",
    "spain": "Europe/Madrid",
    "스페인": "Europe/Madrid",
    "rome": "Europe/Rome",
    "로마": "Europe/Rome",
    "italy": "Europe/Rome",
    "이탈리아": "Europe/Rome",
    "amsterdam": "Europe/Amsterdam",
    "암스테르담": "Europe/Amsterdam",
    "new york": "America/New_York",
    "뉴욕": "America/New_York",
    "nyc": "America/New_York",
    "washington": "America/New_York",
    "워싱턴": "America/New_York",
    "boston": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "chicago": "America/Chicago",
    "시카고": "America/Chicago",
    "denver": "America/Denver",
    "덴버": "America/Denver",
    "los angeles": "America/Los_Angeles",
    "로스앤젤레스": "America/Los_Angeles",
    "la": "America/Los_Angeles",
    "엘에이": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "샌프란시스코": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "시애틀": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "vancouver": "America/Vancouver",
    "밴쿠버": "America/Vancouver",
    "toronto": "America/Toronto",
    "토론토": "America/Toronto",
    "mexico city": "America/Mexico_City",
    "멕시코시티": "America/Mexico_City",
    "sao paulo": "America/Sao_Paulo",
    "상파울루": "America/Sao_Paulo",
    "brazil": "America/Sao_Paulo",
    "buenos aires": "America/Argentina/Buenos_Aires",
    "sydney": "Australia/Sydney",
    "시드니": "Australia/Sydney",
    "australia": "Australia/Sydney",
    "호주": "Australia/Sydney",
    "melbourne": "Australia/Melbourne",
    "멜버른": "Australia/Melbourne",
    "auckland": "Pacific/Auckland",
    "오클랜드": "Pacific/Auckland",
    "new zealand": "Pacific/Auckland",
    "뉴질랜드": "Pacific/Auckland",
    "hawaii": "Pacific/Honolulu",
    "하와이": "Pacific/Honolulu",
    "honolulu": "Pacific/Honolulu",
    "cairo": "Africa/Cairo",
    "카이로": "Africa/Cairo",
    "egypt": "Africa/Cairo",
    "nairobi": "Africa/Nairobi",
    "lagos": "Africa/Lagos",
    "johannesburg": "Africa/Johannesburg",
}

_WEEKDAYS_KO = ["월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일"]


@lru_cache(maxsize=1)
def _zones_by_key() -> dict[str, str]:
    """Every IANA zone by its lowercased name and by its last component ('seoul')."""
    zones: dict[str, str] = {}
    for zone in sorted(available_timezones()):
        zones[zone.lower()] = zone
        last = zone.rsplit("/", 1)[-1].lower().replace("_", " ")
        zones.setdefault(last, zone)
    return zones


def resolve_zone(name: str | None) -> str:
    """Map an IANA zone name, city or country (English or Korean) to an IANA zone."""
    if name is None or not name.strip():
        return "UTC"
    check_input_size("timezone", name, 100)
    text = unicodedata.normalize("NFC", name).strip()
    key = re.sub(r"\s+", " ", text.lower()).strip(" .?!")
    # Korean particles and words that follow a place name: 서울의, 서울 시간, 서울시
    key_ko = re.sub(r"(의|시간|시각|표준시|시)$", "", key).strip()
    zones = _zones_by_key()
    for candidate in (key, key_ko, key.replace(" ", "_"), key.removesuffix(" time").strip()):
        if candidate in PLACES:
            return PLACES[candidate]
        if candidate in zones:
            return zones[candidate]
    raise ToolError(
        f"timezone: unknown zone or place {name!r}; use an IANA name such as 'Asia/Seoul'"
    )


class TimeNowArgs(BaseModel):
    timezone: str | None = Field(
        default=None,
        description="IANA time zone (e.g. 'Asia/Seoul', 'Europe/London') or a city or country "
        "name ('Seoul', '서울'). Omit for UTC.",
        max_length=100,
    )


def now_in(zone_name: str | None, now: datetime | None = None) -> dict[str, Any]:
    """The time in a zone as a result dict (``now`` is for tests)."""
    zone = resolve_zone(zone_name)
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ToolError(f"timezone: {zone!r} is not available on this system") from None
    moment = (now or datetime.now(UTC)).astimezone(tz)
    offset = moment.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}"
    hhmm = moment.strftime("%H:%M")
    return {
        "timezone": zone,
        "iso": moment.isoformat(timespec="seconds"),
        "date": moment.date().isoformat(),
        "time": hhmm,
        "weekday": moment.strftime("%A"),
        "weekday_ko": _WEEKDAYS_KO[moment.weekday()],
        "utc_offset": offset,
        "summary": f"It is {moment:%Y-%m-%d} ({moment:%A}) {hhmm} in {zone} (UTC{offset}).",
        "summary_ko": f"{zone} 현재 시각은 {moment:%Y-%m-%d} ({_WEEKDAYS_KO[moment.weekday()]}) {hhmm} 입니다 (UTC{offset}).",
        "key": hhmm,
    }


def build(config: ToolConfig) -> BaseTool:
    @tool("time_now", args_schema=TimeNowArgs)
    def time_now(timezone: str | None = None) -> dict[str, Any]:
        """Get the current date and time in a time zone, city or country. Use it whenever the
        user asks what time or date it is anywhere."""
        return now_in(timezone)

    return time_now
