"""Pieces of a request that several extractors look for: quoted text, URLs, JSON literals,
file names and paths, and the words that join clauses ("and", "puis", "그리고", "然后")."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from intent.numbers import words_to_digits

# Pairs of quotes people type, ASCII and typographic, Western and East Asian.
QUOTES = {
    '"': '"', "'": "'", "`": "`", "“": "”", "‘": "’", "«": "»", "„": "“", "‚": "‘", "‹": "›",
    "「": "」", "『": "』", "《": "》", "〈": "〉",
}  # fmt: skip


@dataclass(frozen=True)
class Span:
    """A piece of the text and where it is."""

    text: str
    start: int
    end: int


def _latin_alnum(char: str) -> bool:
    return char.isalnum() and (char.isascii() or "\u00c0" <= char <= "\u024f")


def quoted(text: str) -> list[Span]:
    """Text between matching quotes. An apostrophe inside a word ("don't") does not open a quote."""
    spans: list[Span] = []
    index = 0
    while index < len(text):
        char = text[index]
        close = QUOTES.get(char)
        if close is None or (char == "'" and index > 0 and _latin_alnum(text[index - 1])):
            index += 1
            continue
        end = text.find(close, index + 1)
        # a closing apostrophe must not be inside a word either: 'it's' is not a quote of "it"
        while end > 0 and close == "'" and end + 1 < len(text) and _latin_alnum(text[end + 1]):
            end = text.find(close, end + 1)
        if end < 0:
            index += 1
            continue
        if end > index + 1:
            spans.append(Span(text[index + 1 : end], index + 1, end))
        index = end + 1
    return spans


URL = re.compile(r"https?://[^\s<>\"'`「」『』“”‘’)\]}，。、\u3040-\u309f]+", re.IGNORECASE)
"""A URL ends at a space, a quote or bracket, CJK punctuation, or hiragana (a Japanese particle:
"https://x/aを開いて"); other letters of any script may be part of its path ("/wiki/東京")."""


_KO_PARTICLE = re.compile(
    r"(?<=[\x21-\x7e])(?:으로|로|을|를|에서|에게|에|의|은|는|이|가|와|과|도|만|까지|부터|이랑|랑|하고)$"
)


def urls(text: str) -> list[Span]:
    """http(s) URLs, without the punctuation that ends the sentence after them, nor a Korean
    particle written onto them ("https://x/post로 보내줘")."""
    found = []
    for match in URL.finditer(text):
        url = _KO_PARTICLE.sub("", match.group(0).rstrip(".,;:!?")).rstrip(".,;:!?")
        found.append(Span(url, match.start(), match.start() + len(url)))
    return found


def json_literals(text: str) -> list[Span]:
    """JSON objects and arrays written in the text, each parsed whole, in order."""
    decoder = json.JSONDecoder()
    found: list[Span] = []
    index = 0
    while index < len(text):
        # "people[0]" indexes a name; it is not a JSON array
        attached = index > 0 and (text[index - 1].isalnum() or text[index - 1] in "_])")
        if text[index] in "[{" and not attached:
            try:
                _, end = decoder.raw_decode(text, index)
            except (ValueError, RecursionError):
                index += 1
                continue
            found.append(Span(text[index:end], index, end))
            index = end
        else:
            index += 1
    return found


_TLDS = {
    "com", "org", "net", "io", "dev", "ai", "co", "kr", "jp", "cn", "de", "fr", "es", "pt", "br",
    "uk", "us", "eu", "info", "biz", "gov", "edu", "app",
}  # fmt: skip
# Bare names: Latin letters, digits and Hangul (Korean puts spaces between words); a name in
# kana or Han characters must be quoted, or it would swallow the sentence around it.
_NAME_CHARS = r"[A-Za-z0-9_\-~\u00c0-\u024f가-힣]"
PATH = re.compile(
    rf"(?<![A-Za-z0-9_/.@:\-])(?:\.{{1,2}}/)?(?:{_NAME_CHARS}+/)*{_NAME_CHARS}+\.[A-Za-z][A-Za-z0-9]{{0,7}}"
    rf"(?![A-Za-z0-9_/])"
)
FOLDER = re.compile(
    rf"(?<![A-Za-z0-9_/.@:\-])(?:\.{{1,2}}/)?(?:{_NAME_CHARS}+/)+{_NAME_CHARS}*(?![A-Za-z0-9_.])"
)
SPACED_PATH = re.compile(
    r"(?:(?<=\s)|^)[\w\-~]+(?:/[\w\-~]+)*\.[A-Za-z][A-Za-z0-9]{0,7}(?=\s|$|[,!?;:)」』]|\.(?:\s|$)|[가-힣])"
)
"""A name in kana or Han characters is a file name when it stands alone between spaces ("show
me メモ.txt"); written inside a sentence without spaces it would swallow the words around it."""
_QUOTED_NAME = re.compile(
    r"[^\s/\\:*?\"<>|]+(?:/[^\s/\\:*?\"<>|]+)*/?|[^\s\\:*?\"<>|][^\\:*?\"<>|]*\.[A-Za-z0-9]{1,8}"
)


_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")


def paths(text: str) -> list[Span]:
    """File names and paths written bare or quoted ("notes/todo.md", 「memo.txt」), not URLs
    and not e-mail addresses ("pieter.devries@ziggo.nl")."""
    taken = [(u.start, u.end) for u in urls(text)]
    taken += [(m.start(), m.end()) for m in _EMAIL.finditer(text)]
    found: list[Span] = []
    for span in quoted(text):
        inner = span.text.strip()
        if (
            PATH.fullmatch(inner)
            or FOLDER.fullmatch(inner)
            or (
                _QUOTED_NAME.fullmatch(inner)
                and "." in inner.rsplit("/", 1)[-1]
                and len(inner) < 256
            )
        ):
            found.append(Span(inner, span.start, span.end))
            taken.append((span.start, span.end))
    for match in PATH.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        name = match.group(0)
        extension = name.rsplit(".", 1)[-1].lower()
        if "/" not in name and extension in _TLDS:
            continue  # example.com is a site, not a file
        found.append(Span(name, match.start(), match.end()))
        taken.append((match.start(), match.end()))
    for match in SPACED_PATH.finditer(text):
        if any(a <= match.start() < b or a < match.end() <= b for a, b in taken):
            continue
        if match.group(0).rsplit(".", 1)[-1].lower() not in _TLDS:
            found.append(Span(match.group(0), match.start(), match.end()))
    found.sort(key=lambda s: s.start)
    return found


def folders(text: str) -> list[Span]:
    """Folder paths written with a slash ("notes/", "src/app")."""
    taken = [(u.start, u.end) for u in urls(text)]
    return [
        Span(m.group(0), m.start(), m.end())
        for m in FOLDER.finditer(text)
        if not any(a <= m.start() < b for a, b in taken)
    ]


def blank(text: str, spans: list[Span]) -> str:
    """The text with the given spans replaced by spaces (same length, same offsets)."""
    chars = list(text)
    for span in spans:
        for index in range(span.start, span.end):
            chars[index] = " "
    return "".join(chars)


# Where a request for one tool ends and the next begins.
STRONG_BOUNDARY = re.compile(
    r"(?:[.!?。！？;；]+(?=\s|$)|\n+|[?？!！])\s*|"
    r",?\s+(?:and\s+then|and\s+also|then|also|as\s+well\s+as|plus\s+tell\s+me|"
    r"et\s+puis|puis|ensuite|et\s+aussi|und\s+dann|dann|und\s+auch|außerdem|y\s+luego|luego|"
    r"después|y\s+también|e\s+depois|depois|e\s+também|além\s+disso|e\s+poi|poi|e\s+anche|inoltre|"
    r"en\s+dan|daarna|en\s+ook|bovendien|а\s+потом|потом|затем|а\s+также|и\s+ещё|и\s+еще|"
    r"sonra|ardından|ardindan|bir\s+de|bi\s+de|ayrıca|ayrica|a\s+potem|potem|następnie|nastepnie|"
    r"a\s+także|a\s+takze|oraz)\s+|"
    r"\s*(?:그리고|그 다음에|그다음|또|그런 다음)\s*|\s*(?:それから|そして|あと|また|そのあと|その後|ついでに)、?\s*|"
    r"\s*(?:然后|並且|并且|还有|還有|另外|同时|顺便|順便|再帮我|再幫我)[，,]?\s*",
    re.IGNORECASE,
)
WEAK_BOUNDARY = re.compile(
    r",\s*(?=[^\W\d])|\s+(?:and|et|und|y|e|ed|en|и|ve|i)\s+|[，、]\s*(?=\D)|하고\s+|이랑\s+|랑\s+",
    re.IGNORECASE,
)


_WORD_BEFORE = re.compile(r"([^\W\d]+)\s*$")
_WORD_AFTER = re.compile(r"^\s*([^\W\d]+)")


def _inside_number(text: str, match: re.Match[str]) -> bool:
    """Whether a joining word sits inside one number written in words."""
    before = _WORD_BEFORE.search(text[: match.start()])
    after = _WORD_AFTER.search(text[match.end() :])
    if before is None or after is None or not match.group(0).strip().isalpha():
        return False
    joined = words_to_digits(f"{before.group(1)}{match.group(0)}{after.group(1)}")
    return re.fullmatch(r"\d+", joined.strip()) is not None


def boundaries(text: str, weak: bool = True) -> list[int]:
    """Positions where a clause may end (strong ones, and weak ones unless ``weak`` is False),
    in order, without 0 and len(text)."""
    cuts: set[int] = set()
    protected = [(s.start, s.end) for s in (*urls(text), *json_literals(text), *quoted(text))]
    for regex in (STRONG_BOUNDARY, WEAK_BOUNDARY) if weak else (STRONG_BOUNDARY,):
        for match in regex.finditer(text):
            if any(a < match.start() < b for a, b in protected):
                continue
            if regex is WEAK_BOUNDARY and _inside_number(text, match):
                continue  # "mil e quinhentos", "one hundred and five": one number, not two asks
            # after a sentence's own punctuation; before a joining word
            cut = match.end() if re.match(r"[.!?。！？;；\n]", match.group(0)) else match.start()
            if 0 < cut < len(text):
                cuts.add(cut)
    return sorted(cuts)
