"""Features of a request, the same at training and at serve time (standard library only).

A request is first normalised (NFKC, case-folded) and its literal payloads are masked by one
private-use character each, so that the model learns the words around them rather than their
contents: URLs, JSON, CSV blocks, SQL statements, file names, arithmetic expressions and lists of
numbers (the cheap "fast path", as features: the learned model decides). Remaining digits become
``0``. The features are the character n-grams of each whitespace token (``char_wb`` style, which
works across scripts without a tokenizer) and one indicator per kind of masked payload.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Private-use characters that stand for masked payloads.
URL = "\ue000"
JSON = "\ue001"
RECORDS = "\ue002"
CSV = "\ue003"
SQL_QUERY = "\ue004"
SQL_CHANGE = "\ue005"
NUMBERS = "\ue006"
FILE = "\ue007"
EXPRESSION = "\ue008"
ENV_REF = "\ue009"
JSON_PATH = "\ue00a"

_URL = re.compile(
    r"(?:https?://|www\.)[^\s\"'<>)\]}]+"
    r"|(?<![\w@.])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|dev|app|ai|co|fr|de|jp|kr|br|es|pt|cn|uk|info|ninja)"
    r"(?:[/?][^\s\"'<>)\]}]*)?(?![\w.])",
    re.IGNORECASE,
)
_API_LIKE = re.compile(
    r"api|/v\d|\.json|\?|localhost|:\d{2,5}|/(?:get|post|users?|orders|todos|products)\b",
    re.IGNORECASE,
)
_SQL_CHANGE = re.compile(
    r"\b(?:insert\s+into|update\s+\w+\s+set|delete\s+from|create\s+table|drop\s+table|alter\s+table)\b[^?!。？！\n]*",
    re.IGNORECASE,
)
_SQL_QUERY = re.compile(
    r"\b(?:with\s+\w+\s+as\s*\(\s*)?select\b.+?\bfrom\b\s*[\w.]+[^?!。？！\n]*", re.IGNORECASE
)
_EXTENSIONS = (
    r"(?:txt|md|csv|json|ya?ml|py|log|html?|xlsx?|xml|ini|cfg|toml|js|ts|pdf|docx?|sh|sql|conf)"
)
_FILE = re.compile(
    rf"(?:(?<![A-Za-z0-9_/.-])(?:[A-Za-z0-9_.-]+/)*[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.{_EXTENSIONS}"
    rf"|(?:(?<=[\s\"'「“(])|^)[^\s./\"'「“]{{1,8}}\.{_EXTENSIONS})(?![A-Za-z0-9])"
)
_NUM = r"\d+(?:[.,]\d+)?"
_FUNC = r"(?:sqrt|cbrt|factorial|log|ln|sin|cos|tan|exp|abs|round)"
_OPERAND = rf"(?:[-(]\s*)*(?:{_FUNC}\s*\(\s*)?{_NUM}\s*\)*"
_EXPRESSION = re.compile(
    rf"{_OPERAND}(?:\s*(?:\*\*|[-+*/×÷^%x])\s*{_OPERAND})+|{_FUNC}\s*\(\s*{_NUM}\s*\)",
    re.IGNORECASE,
)
_NUMBERS = re.compile(rf"\[?\s*{_NUM}(?:(?:\s*[,;]\s*|\s+){_NUM}){{2,}}\s*\]?")
_JSON_PATH = re.compile(
    r"(?<![\w.$])(?:[A-Za-z_]\w+|\[[^\]\s]*(?:\s[^\]]*)?\])(?:\.[A-Za-z_]\w*|\[[^\]]*\])+(?![\w(])"
)
_ENV_REF = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")
CAPS = re.compile(r"(?<![\w$])[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)*(?![\w])")
ACRONYMS = frozenset(
    [
        "JSON",
        "API",
        "SQL",
        "CSV",
        "HTML",
        "HTTP",
        "HTTPS",
        "URL",
        "CPU",
        "RAM",
        "OS",
        "SO",
        "GPU",
        "GB",
        "MB",
        "KB",
        "TB",
        "ID",
        "PDF",
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "HEAD",
        "UTC",
        "GMT",
        "NYC",
        "LA",
        "USA",
        "UK",
        "EU",
        "AI",
        "TODO",
        "DB",
        "BD",
        "REST",
        "JS",
        "IP",
        "PC",
        "TV",
        "WIFI",
        "SSD",
        "IT",
        "ML",
        "I",
        "A",
        "PS",
        "MAC",
    ]
)
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class FeatureConfig:
    """How the features are built (stored in the artefact so serving matches training)."""

    ngram_min: int = 1
    ngram_max: int = 4


def _find_json(text: str) -> list[tuple[int, int, str]]:
    """Spans of bracketed JSON-like literals, each with the mark it becomes."""
    spans: list[tuple[int, int, str]] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch not in "{[" or (
            ch == "[" and i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_]")
        ):
            i += 1  # not an opening bracket, or an index such as items[0]
            continue
        depth = 0
        quote = ""
        j = i
        while j < n:
            c = text[j]
            if quote:
                if c == "\\":
                    j += 1
                elif c == quote:
                    quote = ""
            elif c in "\"'":
                quote = c
            elif c in "{[":
                depth += 1
            elif c in "}]":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j >= n:  # unbalanced: not a literal
            i += 1
            continue
        body = text[i : j + 1]
        inner = body[1:-1].strip()
        if ch == "[" and re.fullmatch(rf"{_NUM}(?:\s*[,;]\s*{_NUM})*", inner):
            mark = NUMBERS if inner.count(",") + inner.count(";") >= 2 else JSON
        elif ch == "[" and inner.startswith("{"):
            mark = RECORDS
        elif ":" in inner or "," in inner or not inner:
            mark = JSON
        else:
            i += 1
            continue
        spans.append((i, j + 1, mark))
        i = j + 1
    return spans


_GLUED_HEAD = re.compile(r"^(.*[\s:])([^\s:,]+(?:,[^,]*)+)$")


def _csv_cells(line: str) -> int:
    """How many cells a line has if it reads as a CSV row (short cells), else 0."""
    cells = line.split(",")
    if len(cells) < 2 or any(len(c) > 30 or c.count(" ") > 3 for c in cells):
        return 0
    return len(cells)


def _mask_csv(text: str) -> tuple[str, bool]:
    """Replace blocks of two or more CSV rows by one mark (a header glued to the request joins)."""
    lines = text.split("\n")
    if len(lines) < 2:
        return text, False
    rows = [_csv_cells(line) for line in lines]
    out: list[str] = []
    found = False
    i = 0
    while i < len(lines):
        if rows[i] and i + 1 < len(lines) and rows[i + 1] == rows[i]:
            j = i
            while j + 1 < len(lines) and rows[j + 1] == rows[i]:
                j += 1
            glued = _GLUED_HEAD.match(lines[i])
            if glued and _csv_cells(glued.group(2)) == rows[i]:
                out.append(glued.group(1))
            out.append(CSV)
            found = True
            i = j + 1
            continue
        glued = _GLUED_HEAD.match(lines[i])
        if (
            glued
            and i + 1 < len(lines)
            and rows[i + 1]
            and _csv_cells(glued.group(2)) == rows[i + 1]
        ):
            rows[i] = rows[i + 1]
            lines[i] = glued.group(2)
            out.append(glued.group(1))
            continue
        out.append(lines[i])
        i += 1
    return " ".join(out) if found else text, found


def normalise(text: str) -> tuple[str, frozenset[str]]:
    """The masked, case-folded text and the indicator features found on the way."""
    flags: set[str] = set()
    text = unicodedata.normalize("NFKC", text)
    if CAPS.search(text) and any(m.group(0) not in ACRONYMS for m in CAPS.finditer(text)):
        flags.add("#caps")

    def sub(pattern: re.Pattern[str], mark: str, flag: str, s: str) -> str:
        def repl(m: re.Match[str]) -> str:
            flags.add(flag)
            if mark == URL and _API_LIKE.search(m.group(0)):
                flags.add("#url_api")
            return f" {mark} "

        return pattern.sub(repl, s)

    text = sub(_URL, URL, "#url", text)
    spans = _find_json(text)
    if spans:
        parts: list[str] = []
        last = 0
        for start, end, mark in spans:
            parts.append(text[last:start])
            parts.append(f" {mark} ")
            flags.add({JSON: "#json", RECORDS: "#records", NUMBERS: "#nums"}[mark])
            last = end
        parts.append(text[last:])
        text = "".join(parts)
    text, has_csv = _mask_csv(text)
    if has_csv:
        flags.add("#csv")
    text = sub(_SQL_CHANGE, SQL_CHANGE, "#sql_change", text)
    text = sub(_SQL_QUERY, SQL_QUERY, "#sql_query", text)
    text = sub(_FILE, FILE, "#file", text)
    text = sub(_JSON_PATH, JSON_PATH, "#json_path", text)
    text = sub(_ENV_REF, ENV_REF, "#env_ref", text)
    text = sub(_EXPRESSION, EXPRESSION, "#expr", text)
    text = sub(_NUMBERS, NUMBERS, "#nums", text)
    if _DIGIT.search(text):
        flags.add("#digit")
        text = _DIGIT.sub("0", text)
    text = _SPACE.sub(" ", text.casefold()).strip()
    return text, frozenset(flags)


MARK_FLAGS = {
    URL: "#url",
    JSON: "#json",
    RECORDS: "#records",
    CSV: "#csv",
    SQL_QUERY: "#sql_query",
    SQL_CHANGE: "#sql_change",
    NUMBERS: "#nums",
    FILE: "#file",
    EXPRESSION: "#expr",
    ENV_REF: "#env_ref",
    JSON_PATH: "#json_path",
}
_CLAUSE_BREAK = re.compile(
    r"[?!;。？！；，、]+\s*|[.,]+(?:\s+|$)"
    # Connectives that join two requests, in the eight languages (only used to look for a second
    # request; a clause must still want a different tool on its own).
    r"|\s(?:and|then|also|plus|y|luego|después|también|et|puis|ensuite|aussi|und|dann|danach|außerdem"
    r"|e|depois|também|ed|poi|inoltre|daarna|и|потом|затем|также|ve|sonra|ayrıca|ayrica|potem"
    r"|oraz|także|takze)\s"
    r"|그리고|(?<=[가-힣])(?:고|서)\s|それから|そして|ついでに|(?<=[ぁ-ん])て、|然后|还有|另外|顺便|接着|并且"
)


def clause_texts(text: str) -> list[str]:
    """The request's clauses as written (split as :func:`clause_features` splits, never inside
    a URL, a path, pasted JSON or a quotation), each with at least two words or a payload."""
    masked, _ = normalise(text)
    if masked.count(" ") + 1 > 80:
        return []
    out = []
    for clause in _CLAUSE_BREAK.split(text):
        clause = clause.strip()
        if len(clause.split()) >= 2 or any(mark in clause for mark in ("/", "{", "[", ".")):
            out.append(clause)
    # a URL or JSON broken by the split is not a clause: give up rather than guess
    if any(
        clause.count("{") != clause.count("}") or clause.count("[") != clause.count("]")
        for clause in out
    ):
        return []
    return out


def ngram_keys(
    masked: str, flags: Iterable[str], config: FeatureConfig = FeatureConfig()
) -> set[str]:
    """The feature keys of masked text: its indicator flags and char n-grams of each token."""
    keys: set[str] = set(flags)
    lo, hi = config.ngram_min, config.ngram_max
    for token in masked.split(" "):
        if not token:
            continue
        padded = f" {token} "
        size = len(padded)
        for n in range(lo, hi + 1):
            if n > size:
                break
            for i in range(size - n + 1):
                gram = padded[i : i + n]
                if gram != " ":
                    keys.add(gram)
    return keys


def features(text: str, config: FeatureConfig = FeatureConfig()) -> set[str]:
    """The set of feature keys of one request."""
    masked, flags = normalise(text)
    return ngram_keys(masked, flags, config)


def clause_features(text: str, config: FeatureConfig = FeatureConfig()) -> list[set[str]]:
    """Feature keys of each clause of a request (split at clause punctuation), for finding the
    second request in "do X. also do Y"; one set per clause with some content."""
    masked, _ = normalise(text)
    out = []
    for clause in _CLAUSE_BREAK.split(masked):
        clause = clause.strip()
        if len(clause) < 3:
            continue
        clause_flags = {flag for mark, flag in MARK_FLAGS.items() if mark in clause}
        if "0" in clause:
            clause_flags.add("#digit")
        out.append(ngram_keys(clause, clause_flags, config))
    return out
