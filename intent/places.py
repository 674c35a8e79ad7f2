"""Places named in a request, in any of 13 languages, resolved to IANA time zones.

The table is data (``intent/data/places.json``), generated offline by ``intent/training/build_places.py``
from the tz database, CLDR's names for zone cities and countries, and a hand-kept alias list
(``intent/training/place_aliases.json``). Lookup never guesses: a name that is not in the table maps
to nothing, and :func:`unknown_place` reports the name the user wrote so that the caller can ask.

Matching works by script. Latin-script names are looked up as whole words (1 to 6 words,
case, accents, hyphens and dots folded away: "Sao Paulo" finds "São Paulo", "port au prince"
finds "Port-au-Prince"). Hangul names must start a word and may carry a particle ("부산은").
Kana and Han names are found anywhere, leftmost and longest first ("東京都" is Tokyo, not Kyoto).
Abbreviations ("LA", "KST") match only as written.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import available_timezones

DATA = Path(__file__).parent / "data" / "places.json"

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʻ": "'", "`": "'"})
_NON_WORD = re.compile(r"[^\w']+")
_LATIN_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_IANA = re.compile(
    r"\b(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)"
    r"/[A-Za-z0-9_+\-]+(?:/[A-Za-z_\-]+)?"
)
_MAX_WORDS = 6


def _strip_latin_accents(text: str) -> str:
    out = []
    for char in text:
        if "\u00c0" <= char <= "\u024f":
            base = unicodedata.normalize("NFD", char)[0]
            out.append(base if base.isascii() else char)
        else:
            out.append(char)
    return "".join(out)


def fold(name: str) -> str:
    """The lookup key of a place name: NFKC, case-folded, Latin accents and punctuation gone."""
    text = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES).casefold()
    text = _strip_latin_accents(text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def script_of(key: str) -> str:
    """'latin', 'hangul' or 'cjk' (kana and Han): how a folded name is searched for."""
    if any("\uac00" <= c <= "\ud7a3" or "\u1100" <= c <= "\u11ff" for c in key):
        return "hangul"
    if any(unicodedata.category(c) == "Lo" for c in key):
        return "cjk"
    return "latin"


@dataclass(frozen=True)
class PlaceMatch:
    """A place the user named: the words as written, where they are, and the IANA zone."""

    text: str
    start: int
    end: int
    zone: str


@dataclass(frozen=True)
class PlaceTable:
    names: dict[str, str]
    """Folded name -> IANA zone."""
    exact: dict[str, str]
    """Abbreviations and names matched only as written ("LA", "KST", "Malé")."""
    hangul: tuple[str, ...]
    cjk: tuple[str, ...]


@lru_cache(maxsize=1)
def table() -> PlaceTable:
    """The place table, read once from places.json."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    names: dict[str, str] = raw["names"]
    by_length = sorted(names, key=len, reverse=True)
    return PlaceTable(
        names=names,
        exact=raw["exact"],
        hangul=tuple(k for k in by_length if script_of(k) == "hangul"),
        cjk=tuple(k for k in by_length if script_of(k) == "cjk"),
    )


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _latin_matches(text: str, names: dict[str, str]) -> list[PlaceMatch]:
    tokens = list(_LATIN_TOKEN.finditer(unicodedata.normalize("NFC", text)))
    found: list[PlaceMatch] = []
    index = 0
    while index < len(tokens):
        for size in range(min(_MAX_WORDS, len(tokens) - index), 0, -1):
            group = tokens[index : index + size]
            # Words of one name are separated only by spaces, hyphens, dots, commas.
            gaps = [text[a.end() : b.start()] for a, b in itertools.pairwise(group)]
            if any(not re.fullmatch(r"[\s\-.,]{1,3}", gap) for gap in gaps):
                continue
            key = fold(" ".join(t.group(0) for t in group))
            if script_of(key) != "latin":
                continue
            if key not in names and size == 1:
                key = _uninflected(key, names) or key
            if key in names:
                start, end = group[0].start(), group[-1].end()
                found.append(PlaceMatch(text[start:end], start, end, names[key]))
                index += size
                break
        else:
            index += 1
    return found


# Case endings a one-word place name takes in Turkish without an apostrophe ("londrada"), Polish
# ("w Dubaju", "w Krakowie") and Russian ("во Владивостоке", "в Москве"): the stem, or the stem
# with the nominative's -a, must be a name the table knows (four letters at least).
_ENDINGS = sorted(
    {
        "da", "de", "ta", "te", "dan", "den", "tan", "ten", "daki", "deki", "nin", "nın", "in",
        "ın", "ya", "ye", "u", "iu", "ie", "owie", "e", "y", "a", "em", "ем", "е", "а", "у",
        "ом", "ой", "и", "ы", "ю", "я",
    },
    key=len,
    reverse=True,
)  # fmt: skip


def _uninflected(key: str, names: dict[str, str]) -> str | None:
    """The table's name for a one-word place written with a case ending, if any."""
    for ending in _ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= 4:
            stem = key[: -len(ending)]
            for candidate in (stem, stem + "a", stem + "а", stem + "ów", stem + "ow"):
                if candidate in names:
                    return candidate
    return None


def _is_hangul(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3"


def _script_matches(
    text: str, keys: tuple[str, ...], names: dict[str, str], hangul: bool
) -> list[PlaceMatch]:
    lowered = unicodedata.normalize("NFKC", text).casefold()
    if len(lowered) != len(text):  # NFKC changed the length: search the text as it is
        lowered = text.casefold()
    found: list[PlaceMatch] = []
    for key in keys:
        start = lowered.find(key)
        while start >= 0:
            end = start + len(key)
            if not hangul or start == 0 or not _is_hangul(lowered[start - 1]):
                found.append(PlaceMatch(text[start:end], start, end, names[key]))
            start = lowered.find(key, start + 1)
    return found


# Turkish writes the case ending after an apostrophe: "Tokyo'da", "İstanbul'daki", "Paris'e".
_TR_CASE = re.compile(
    r"(?<=[^\W\d_])['’](?:d[ae](?:ki)?|t[ae](?:ki)?|n?[ıiuü]n|y?[ıiuü]|y?[ae]|d[ae]n|t[ae]n)(?![^\W\d_])"
)


def find_places(text: str) -> list[PlaceMatch]:
    """Every place named in ``text`` that the table knows, in order, without overlaps."""
    places = table()
    found: list[PlaceMatch] = []
    for iana in _IANA.finditer(text):
        if iana.group(0) in _zones():
            found.append(PlaceMatch(iana.group(0), iana.start(), iana.end(), iana.group(0)))
    for written, zone in places.exact.items():
        for hit in re.finditer(rf"(?<![\w/]){re.escape(written)}(?![\w/])", text):
            found.append(PlaceMatch(written, hit.start(), hit.end(), zone))
    found += _latin_matches(_TR_CASE.sub(lambda m: " " * len(m.group(0)), text), places.names)
    found += _script_matches(text, places.hangul, places.names, hangul=True)
    found += _script_matches(text, places.cjk, places.names, hangul=False)
    # Leftmost first; at the same start the longest; then drop what overlaps a kept match.
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[PlaceMatch] = []
    for match in found:
        if kept and match.start < kept[-1].end:
            continue
        kept.append(match)
    return kept


def resolve(name: str) -> str | None:
    """The zone of one place name (any language), or None when the table does not know it."""
    stripped = name.strip()
    if stripped in _zones():
        return stripped
    places = table()
    if stripped in places.exact:
        return places.exact[stripped]
    return places.names.get(fold(stripped))


# --- places the user named that the table does not know ------------------------------------

_LATIN_PREPOSITION = re.compile(
    r"(?:^|[\s,])(?:in|at|for|en|à|au|aux|a|em|no|na|nos|nas|im|de)\s+"
    r"(?P<name>[A-ZÀ-Þ][\w'’\-]*(?:\s+(?:[A-ZÀ-Þ][\w'’\-]*|de|del|da|do|di|du|la|le|los|las))*"
    r"(?<!\s(?:de|da|do|di|du|la|le))(?<!\s(?:del|los|las)))"
)
_NOT_PLACES = {
    "moment", "augenblick", "zukunft", "zeit", "echtzeit", "uhr", "ordnung", "stunde", "minute",
    "zeitzone", "zone", "ahora", "este", "momento", "ce", "cet", "utc", "gmt", "local", "my",
    "the", "this", "time", "iso", "unix", "english", "englisch", "français", "french", "korean",
    "japanese", "chinese", "spanish", "german", "portuguese", "inglés", "español", "deutsch",
    "português", "total", "i", "it", "your", "you", "our", "one", "der", "die", "das", "dem",
}  # fmt: skip
_MONTHS_DAYS = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|januar|"
    r"februar|märz|mai|juni|juli|oktober|dezember|montag|dienstag|mittwoch|donnerstag|freitag|"
    r"samstag|sonntag)",
    re.IGNORECASE,
)
_KO_BEFORE_TIME = re.compile(
    r"(?<![가-힣])(?P<name>[가-힣A-Za-z]{2,12}?)(?:(?:은|는|의|에서는|에서|에)\s*"
    r"(?:(?:지금|현재|오늘)\s*)?(?:은\s*|는\s*)?(?:몇\s*시|시간|시각|날짜)|\s?(?:시간|시각)(?:은|이|으로)?(?![가-힣]))"
)
_KO_NOT_PLACES = {
    "지금", "현재", "오늘", "여기", "거기", "저기", "이곳", "그곳", "우리", "현지", "이", "그",
    "내", "제", "너", "나", "지금은", "지금이", "몇", "무슨", "정확한", "정확히", "표준",
    "우리나라", "이곳은", "한국", "세계",
}  # fmt: skip
_JA_BEFORE_TIME = re.compile(
    r"(?P<name>[\u30a0-\u30ff\u4e00-\u9fffA-Za-z]{2,12}?)(?:では|は|の)\s*(?:今|現在|いま)?\s*"
    r"(?:何時|時間|時刻|日付)"
)
_ZH_BEFORE_TIME = re.compile(
    r"(?P<name>[\u4e00-\u9fffA-Za-z]{2,12}?)(?:的|现在|現在|目前)+\s*(?:是)?\s*"
    r"(?:几点|幾點|时间|時間|日期)"
)
_CJK_NOT_PLACES = {
    "今", "現在", "现在", "ここ", "そこ", "日本時間", "現地", "现地", "当地", "當地", "这里",
    "這裡", "那里", "我们", "我們", "请问", "請問", "目前", "今日", "今天", "本地", "北京时间",
    "标准", "正確", "正确", "準確", "准确", "いま", "今日は",
}  # fmt: skip
_ZH_LEAD = re.compile(r"^(?:请问|請問|告诉我|告訴我|帮我查|查一下|请告诉我|你知道)")


def unknown_place(text: str) -> str | None:
    """A place the user named ("in Atlantis", "아틀란티스는 지금 몇 시") that the table does not know."""
    for match in _LATIN_PREPOSITION.finditer(text):
        name = match.group("name").strip()
        first = name.split()[0].lower()
        if first in _NOT_PLACES or _MONTHS_DAYS.match(first) or resolve(name):
            continue
        if find_places(name):
            continue
        return name
    for regex, stop in (
        (_KO_BEFORE_TIME, _KO_NOT_PLACES),
        (_JA_BEFORE_TIME, _CJK_NOT_PLACES),
        (_ZH_BEFORE_TIME, _CJK_NOT_PLACES),
    ):
        for match in regex.finditer(text):
            name = _ZH_LEAD.sub("", match.group("name"))
            if len(name) < 2 or name in stop or any(name.startswith(s) for s in stop):
                continue
            if find_places(name):
                continue
            return name
    return None
