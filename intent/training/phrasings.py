"""The phrasing generator: requests for each built-in tool (or none) in eight languages.

Every template belongs to a named **template family** (``calculator.fr.combien``): a family is
one way of asking, with its paraphrases. Families are split deterministically into ``train`` and
``test`` within each (tool, language) group, so no test phrasing shares a family with a training
one and every tool and language appears in both halves. Slot values (places, files, URLs, ...)
are split the same way, so the held-out split also measures values the model never saw.

Each generated :class:`Example` carries the text, its language, the set of tools it needs (empty
for none), its family and split, and, where the template knows them, the argument values the
tools should be called with (``{"time_now": {"timezone": "Europe/Lisbon"}}``), for scoring the
argument extractors.

The content is data: ``intent/training/phrasebook/common.yaml`` (slot values every language
shares) and one YAML file per language (its lexicon, template families and conjunctions); this
module turns it into examples. ``python -m intent.training.phrasings --stats`` prints the counts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import string
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

import yaml

PHRASEBOOK = Path(__file__).with_name("phrasebook")
"""The generator's content: ``common.yaml`` and one ``<lang>.yaml`` per language."""


def _read_yaml(path: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)


def _tuples(value: Any) -> Any:
    """Lists as tuples, all the way down (the slot pools are split by the ``repr`` of a value)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _load_common() -> SimpleNamespace:
    """``common.yaml``: each pool under its upper-case name (``PLACES``, ``FILES``, ...)."""
    raw = _read_yaml(PHRASEBOOK / "common.yaml")
    implied = raw.pop("implied")
    return SimpleNamespace(
        **{key.upper(): _tuples(value) for key, value in raw.items()}, IMPLIED=implied
    )


common = _load_common()
"""Slot values that do not depend on the language (places in every language, files, URLs, JSON,
SQL, names), and the argument templates a language's template may imply (``IMPLIED``)."""

Split = Literal["train", "test"]
LANGS: tuple[str, ...] = common.LANGS
TOOLS: tuple[str, ...] = (
    "file_read",
    "file_write",
    "file_list",
    "system_info",
    "process_list",
    "environment",
    "calculator",
    "statistics",
    "json_parse",
    "json_query",
    "data_transform",
    "api_request",
    "web_scrape",
    "database_query",
    "database_execute",
    "time_now",
)
NONE = "none"
TEST_SHARE = 0.3  # share of the families of each (tool, language) group held out for test
PER_FAMILY: dict[Split, int] = {"train": 40, "test": 24}
PER_COMPOSED_FAMILY: dict[Split, int] = {"train": 60, "test": 30}

# A template is its text, or its text and the arguments it implies, each a format string over
# the raw slot values: ("what's {a} times {b}?", {"calculator": {"expression": "{a}*{b}"}}).
ArgTemplates = Mapping[str, Mapping[str, str]]
Template = str | tuple[str, ArgTemplates]


@dataclass(frozen=True)
class Family:
    """One way of asking, in one language, with its paraphrases."""

    name: str
    lang: str
    labels: frozenset[str]
    templates: tuple[Template, ...]
    split: Split
    compose: bool = False  # joins two single-tool requests of the same split ("{0} and {1}")

    @property
    def group(self) -> str:
        """The (label, language) group the split is balanced within."""
        return _group(self.labels, self.lang, self.compose)


def _group(labels: frozenset[str], lang: str, compose: bool) -> str:
    if compose:
        return f"compose.{lang}"
    key = "multi" if len(labels) > 1 else next(iter(labels), NONE)
    return f"{key}.{lang}"


@dataclass(frozen=True)
class Example:
    """One generated request with everything known about it."""

    text: str
    lang: str
    labels: frozenset[str]
    family: str
    split: Split
    args: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (labels sorted)."""
        return {
            "text": self.text,
            "lang": self.lang,
            "labels": sorted(self.labels),
            "family": self.family,
            "split": self.split,
            "args": self.args,
        }


@dataclass(frozen=True)
class Fill:
    """A slot's value: its surface text, its raw value for argument templates, its typed value."""

    text: str
    raw: str
    value: Any = None


def stable_hash(text: str) -> int:
    """A hash that is the same in every process (Python's ``hash`` is salted)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _pool(values: Sequence[Any], split: Split) -> list[Any]:
    """The slot values one split may use: pools of 8 or more are split, about a quarter to test."""
    if len(values) < 8:
        return list(values)
    test = [v for v in values if stable_hash(repr(v)) % 4 == 0]
    train = [v for v in values if stable_hash(repr(v)) % 4 != 0]
    return test if split == "test" else train


# ---------------------------------------------------------------------------------------------
# Slots
# ---------------------------------------------------------------------------------------------


@dataclass
class _SlotContext:
    lang: str
    rng: random.Random
    split: Split
    lexicon: Mapping[str, Any]
    filled: dict[str, Fill] = field(default_factory=dict)
    picks: dict[str, Any] = field(default_factory=dict)


SlotProvider = Callable[[_SlotContext], Fill]


def _number_text(ctx: _SlotContext, n: int, words: float = 0.25) -> str:
    numbers: Sequence[str] = ctx.lexicon.get("numbers", ())
    if 1 <= n <= len(numbers) and ctx.rng.random() < words:
        return numbers[n - 1]
    return str(n)


def _expr(ctx: _SlotContext) -> Fill:
    r = ctx.rng
    a, b, c = r.randint(2, 999), r.randint(2, 99), r.randint(2, 12)
    forms = [
        f"{a}*{b}", f"{a} * {b}", f"{a}+{b}", f"{a} + {b}", f"{a}-{b}", f"{a} - {b}",
        f"{a}/{b}", f"{a} / {b}", f"({a}+{b})*{c}", f"{c}^{r.randint(2, 10)}",
        f"{a} × {b}", f"{a} ÷ {b}", f"{a}.{r.randint(1, 9)}*{b}", f"sqrt({a})", f"{b}**2",
        f"({a}-{b})/{c}", f"{a} x {b}", f"{b}*{c}+{a}", f"{a}*{b}*{c}", f"{a} % {b}",
        f"{r.randint(1, 9)}.{r.randint(1, 99)} + {r.randint(1, 9)}.{r.randint(1, 99)}",
        f"2**{r.randint(5, 40)}", f"factorial({c})", f"{a}*({b}-{c})",
    ]  # fmt: skip
    text = r.choice(forms)
    return Fill(text, text, text)


_OPS = ("+", "-", "*", "/")


def _calc_words(ctx: _SlotContext) -> Fill:
    r = ctx.rng
    op = r.choice(_OPS)
    small = r.random() < 0.35
    a = r.randint(1, 12) if small else r.randint(2, 999)
    b = r.randint(2, 12) if small else r.randint(2, 99)
    pattern = r.choice(ctx.lexicon["ops"][op])
    text = pattern.format(a=_number_text(ctx, a, 0.5), b=_number_text(ctx, b, 0.5))
    raw = f"{a}{op}{b}"
    return Fill(text, raw, raw)


def _int(lo: int, hi: int) -> SlotProvider:
    def provide(ctx: _SlotContext) -> Fill:
        n = ctx.rng.randint(lo, hi)
        return Fill(str(n), str(n), n)

    return provide


def _percent(ctx: _SlotContext) -> Fill:
    p = ctx.rng.choice([5, 10, 12, 15, 18, 20, 25, 30, 40, 50, 75, 8, 3])
    return Fill(str(p), str(p), p)


def _nums(ctx: _SlotContext) -> Fill:
    r = ctx.rng
    count = r.randint(4, 9)
    decimals = r.random() < 0.3
    base = r.choice([10, 50, 100, 1000])
    values: list[float] = []
    for _ in range(count):
        v = r.uniform(1, base)
        values.append(round(v, 1) if decimals else float(round(v)))
    shown = [f"{v:g}" for v in values]
    style = r.random()
    if style < 0.45:
        text = ", ".join(shown)
    elif style < 0.65:
        text = " ".join(shown)
    elif style < 0.85:
        text = "[" + ", ".join(shown) + "]"
    else:
        text = "; ".join(shown)
    return Fill(text, text, values)


def _made_up_word(ctx: _SlotContext, style: str) -> str:
    """A plausible name nobody wrote in a template: ``lower``, ``title`` or ``upper`` Latin."""
    word = "".join(ctx.rng.choice(_SYLLABLES["latin"]) for _ in range(ctx.rng.randint(2, 3)))
    if style == "title":
        return word.capitalize()
    if style == "upper":
        return (word + ctx.rng.choice(["", "_HOME", "_PATH", "_URL", "_MODE"])).upper()
    return word + ctx.rng.choice(["", "", "s", "_db", "d"])


def _choice(values: Sequence[str], made_up: str | None = None) -> SlotProvider:
    """Pick a value from the split's pool; with ``made_up``, training sometimes invents one."""

    def provide(ctx: _SlotContext) -> Fill:
        if made_up and ctx.split == "train" and ctx.rng.random() < UNKNOWN_VALUE_SHARE:
            v = _made_up_word(ctx, made_up)
        else:
            v = ctx.rng.choice(_pool(values, ctx.split))
        return Fill(v, v, v)

    return provide


def _lexicon_choice(key: str) -> SlotProvider:
    def provide(ctx: _SlotContext) -> Fill:
        v = ctx.rng.choice(_pool(ctx.lexicon[key], ctx.split))
        return Fill(v, v, v)

    return provide


# Syllables for made-up place names, per script: training sometimes names a place the model cannot
# know, so that it learns the words around a place rather than a list of places.
_SYLLABLES: dict[str, tuple[str, ...]] = {
    "latin": (
        "ka",
        "lo",
        "mir",
        "ven",
        "to",
        "sa",
        "ber",
        "gu",
        "dal",
        "ri",
        "no",
        "vel",
        "an",
        "zor",
        "pe",
    ),
    "ko": (
        "가",
        "나",
        "다",
        "라",
        "마",
        "바",
        "사",
        "아",
        "자",
        "하",
        "노",
        "도",
        "로",
        "모",
        "수",
        "우",
        "진",
        "천",
    ),
    "ja": (
        "カ",
        "キ",
        "ク",
        "サ",
        "シ",
        "ス",
        "タ",
        "ト",
        "ナ",
        "ノ",
        "ハ",
        "フ",
        "マ",
        "ミ",
        "ラ",
        "リ",
        "ル",
        "ロ",
    ),
    "zh": (
        "安",
        "宁",
        "江",
        "山",
        "河",
        "州",
        "阳",
        "城",
        "海",
        "南",
        "北",
        "东",
        "西",
        "平",
        "新",
        "林",
        "石",
        "云",
    ),
}
UNKNOWN_PLACE_SHARE = 0.15
UNKNOWN_VALUE_SHARE = 0.2


def _made_up_place(ctx: _SlotContext) -> str:
    script = ctx.lang if ctx.lang in _SYLLABLES else "latin"
    parts = _SYLLABLES[script]
    word = "".join(ctx.rng.choice(parts) for _ in range(ctx.rng.randint(2, 3)))
    return word.capitalize() if script == "latin" else word


def _city(ctx: _SlotContext) -> Fill:
    if ctx.split == "train" and ctx.rng.random() < UNKNOWN_PLACE_SHARE:
        name = _made_up_place(ctx)
        return Fill(name, name, None)  # no zone is known for it: no expected argument
    zone, names = ctx.rng.choice(_pool(common.PLACES, ctx.split))
    name = names[LANGS.index(ctx.lang)]
    # People often type place names in English or the local script whatever language they write.
    if ctx.rng.random() < 0.1:
        name = names[0]
    return Fill(name, zone, zone)


def _zone(ctx: _SlotContext) -> Fill:
    zones = sorted({zone for zone, _ in common.PLACES if "/" in zone})
    zone = ctx.rng.choice(_pool(zones, ctx.split))
    return Fill(zone, zone, zone)


def _env(ctx: _SlotContext) -> Fill:
    if ctx.split == "train" and ctx.rng.random() < UNKNOWN_VALUE_SHARE:
        v = _made_up_word(ctx, "upper")
    else:
        v = ctx.rng.choice(_pool(common.ENV_VARS, ctx.split))
    return Fill(v, v, [v])


def _jq_pick(ctx: _SlotContext) -> tuple[str, str, str]:
    if "jq" not in ctx.picks:
        ctx.picks["jq"] = ctx.rng.choice(_pool(common.JSON_QUERIES, ctx.split))
    pick: tuple[str, str, str] = ctx.picks["jq"]
    return pick


def _jdoc(ctx: _SlotContext) -> Fill:
    doc = _jq_pick(ctx)[0]
    return Fill(doc, doc, doc)


def _key(ctx: _SlotContext) -> Fill:
    key = _jq_pick(ctx)[1]
    return Fill(key, key, key)  # the key is in the document: not invented


def _jpath(ctx: _SlotContext) -> Fill:
    path = _jq_pick(ctx)[2]
    return Fill(path, path, path)


def _records_pick(ctx: _SlotContext, csv_only: bool = False) -> tuple[str, tuple[str, ...], str]:
    if "records" not in ctx.picks:
        pool = _pool(common.RECORDS, ctx.split)
        if csv_only:
            pool = [p for p in pool if not p[0].startswith("[")] or [
                p for p in common.RECORDS if not p[0].startswith("[")
            ]
        ctx.picks["records"] = ctx.rng.choice(pool)
    pick: tuple[str, tuple[str, ...], str] = ctx.picks["records"]
    return pick


def _records(ctx: _SlotContext) -> Fill:
    data = _records_pick(ctx)[0]
    return Fill(data, data, data)


def _csv(ctx: _SlotContext) -> Fill:
    data = _records_pick(ctx, csv_only=True)[0]
    return Fill(data, data, data)


def _col(ctx: _SlotContext) -> Fill:
    column = ctx.rng.choice(_records_pick(ctx)[1])
    return Fill(column, column, column)


def _ncol(ctx: _SlotContext) -> Fill:
    column = _records_pick(ctx)[2]
    return Fill(column, column, column)


def _cols(ctx: _SlotContext) -> Fill:
    columns = ctx.rng.choice(_pool(common.COLUMNS, ctx.split))
    raw = ", ".join(columns)
    if ctx.rng.random() < 0.5 and len(columns) > 1:
        conj = ctx.lexicon["and"]
        sep = "、" if ctx.lang in ("ja", "zh") else ", "
        text = sep.join(columns[:-1]) + conj + columns[-1]
    else:
        text = raw
    return Fill(text, raw, raw)


SLOTS: dict[str, SlotProvider] = {
    "expr": _expr,
    "calc_words": _calc_words,
    "a": _int(2, 999),
    "b": _int(2, 99),
    "n": _int(2, 2000),
    "small": _int(2, 12),
    "p": _percent,
    "nums": _nums,
    "file": _choice(common.FILES),
    "folder": _choice(common.FOLDERS, "lower"),
    "content": _lexicon_choice("content"),
    "subject": _lexicon_choice("subject"),
    "url_api": _choice(common.URLS_API),
    "url_page": _choice(common.URLS_PAGE),
    "method": _choice(common.METHODS),
    "json": _choice(common.JSON_DOCS),
    "jdoc": _jdoc,
    "key": _key,
    "jpath": _jpath,
    "records": _records,
    "csv": _csv,
    "col": _col,
    "ncol": _ncol,
    "table": _choice(common.TABLES, "lower"),
    "cols": _cols,
    "name": _choice(common.PERSON_NAMES, "title"),
    "sql_select": _choice(common.SQL_SELECT),
    "sql_exec": _choice(common.SQL_EXEC),
    "env": _env,
    "proc": _choice(common.PROCESSES, "lower"),
    "city": _city,
    "zone": _zone,
}
# Slots whose choice others depend on are filled first.
_FILL_FIRST = ("jdoc", "records", "csv")

# The argument a slot gives each tool by default (only for tools the example is labelled with).
SLOT_PARAMS: dict[str, tuple[tuple[str, str], ...]] = {
    "expr": (("calculator", "expression"),),
    "calc_words": (("calculator", "expression"),),
    "city": (("time_now", "timezone"),),
    "zone": (("time_now", "timezone"),),
    "file": (("file_read", "path"), ("file_write", "path")),
    "folder": (("file_list", "path"),),
    "content": (("file_write", "content"),),
    "nums": (("statistics", "values"),),
    "json": (("json_parse", "text"), ("json_query", "data")),
    "jdoc": (("json_query", "data"),),
    "jpath": (("json_query", "query"),),
    "records": (("data_transform", "data"),),
    "csv": (("data_transform", "data"),),
    "url_api": (("api_request", "url"),),
    "url_page": (("web_scrape", "url"),),
    "method": (("api_request", "method"),),
    "sql_select": (("database_query", "sql"),),
    "sql_exec": (("database_execute", "sql"),),
    "env": (("environment", "names"),),
    "proc": (("process_list", "name"),),
}


# ---------------------------------------------------------------------------------------------
# Families
# ---------------------------------------------------------------------------------------------


def _template(raw: Any) -> Template:
    """A template as the YAML writes it: its text, or ``{text, implies}`` naming the argument
    template of ``common.yaml`` it implies."""
    if isinstance(raw, str):
        return raw
    return (raw["text"], common.IMPLIED[raw["implies"]])


@cache
def _language_module(lang: str) -> SimpleNamespace:
    """``<lang>.yaml``: its ``LEXICON``, ``FAMILIES`` (label -> family -> templates) and
    ``CONJUNCTIONS`` (family -> templates joining ``{0}`` and ``{1}``)."""
    raw = _read_yaml(PHRASEBOOK / f"{lang}.yaml")
    families = {
        key: {name: [_template(t) for t in templates] for name, templates in named.items()}
        for key, named in raw["families"].items()
    }
    return SimpleNamespace(
        LEXICON=raw["lexicon"], FAMILIES=families, CONJUNCTIONS=raw.get("conjunctions", {})
    )


def _labels(key: str) -> frozenset[str]:
    if key == NONE:
        return frozenset()
    labels = frozenset(key.split("+"))
    unknown = labels - set(TOOLS)
    if unknown:
        raise ValueError(f"unknown tool in family key {key!r}: {sorted(unknown)}")
    return labels


@cache
def families() -> tuple[Family, ...]:
    """Every template family of every language, each with its split (deterministic)."""
    raw: list[tuple[str, str, frozenset[str], tuple[Template, ...], bool]] = []
    for lang in LANGS:
        module = _language_module(lang)
        for key, named in module.FAMILIES.items():
            labels = _labels(key)
            for fam_name, templates in named.items():
                if not templates:
                    raise ValueError(f"family {key}.{lang}.{fam_name} has no templates")
                raw.append((f"{key}.{lang}.{fam_name}", lang, labels, tuple(templates), False))
        for fam_name, templates in module.CONJUNCTIONS.items():
            raw.append((f"compose.{lang}.{fam_name}", lang, frozenset(), tuple(templates), True))
    groups: dict[str, list[str]] = {}
    for name, lang, labels, _, compose in raw:
        groups.setdefault(_group(labels, lang, compose), []).append(name)
    test: set[str] = set()
    for names in groups.values():
        if len(names) < 2:
            continue
        ordered = sorted(names, key=stable_hash)
        test.update(ordered[: max(1, round(len(names) * TEST_SHARE))])
    return tuple(
        Family(name, lang, labels, templates, "test" if name in test else "train", compose)
        for name, lang, labels, templates, compose in raw
    )


# ---------------------------------------------------------------------------------------------
# Rendering and noise
# ---------------------------------------------------------------------------------------------

_LATIN_LANGS = frozenset({"en", "es", "fr", "de", "pt"})
_END_PUNCT = "?!.。？！"


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _typo(text: str, rng: random.Random) -> str:
    words = [
        i for i, w in enumerate(text.split(" ")) if len(w) >= 4 and w.isalpha() and w.isascii()
    ]
    if not words:
        return text
    parts = text.split(" ")
    i = rng.choice(words)
    w = parts[i]
    j = rng.randrange(1, len(w) - 1)
    kind = rng.random()
    if kind < 0.4:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif kind < 0.7:
        w = w[:j] + w[j + 1 :]
    else:
        w = w[:j] + w[j] + w[j:]
    parts[i] = w
    return " ".join(parts)


def _render(
    template: str, fills: Mapping[str, Fill], lang: str, rng: random.Random, noisy: bool
) -> str:
    segments: list[tuple[str, bool]] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            segments.append((literal, False))
        if name is not None:
            segments.append((fills[name].text, True))
    if noisy:
        lower = rng.random() < 0.25
        accents = lang in _LATIN_LANGS and lang != "en" and rng.random() < 0.2
        typo_at = rng.randrange(len(segments)) if rng.random() < 0.15 else -1
        for k, (text, is_slot) in enumerate(segments):
            if is_slot:
                continue
            if lower:
                text = text.lower()
            if accents:
                text = _strip_accents(text)
            if k == typo_at:
                text = _typo(text, rng)
            segments[k] = (text, False)
        if segments and not segments[-1][1] and rng.random() < 0.3:
            segments[-1] = (segments[-1][0].rstrip().rstrip(_END_PUNCT).rstrip(), False)
    return re.sub(r"[ \t]{2,}", " ", "".join(t for t, _ in segments)).strip()


def _fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def _args(
    labels: frozenset[str], fills: Mapping[str, Fill], extra: ArgTemplates | None
) -> dict[str, dict[str, Any]]:
    args: dict[str, dict[str, Any]] = {}
    for slot, fill in fills.items():
        if fill.value is None:
            continue
        for tool, param in SLOT_PARAMS.get(slot, ()):
            if tool in labels:
                args.setdefault(tool, {})[param] = fill.value
    raws = {slot: fill.raw for slot, fill in fills.items()}
    for tool, params in (extra or {}).items():
        if tool not in labels:
            raise ValueError(f"argument template for {tool!r} on a request not labelled with it")
        for param, fmt in params.items():
            args.setdefault(tool, {})[param] = fmt.format(**raws)
    return args


def _instantiate(family: Family, rng: random.Random) -> tuple[str, dict[str, dict[str, Any]]]:
    template = rng.choice(family.templates)
    text, extra = (template, None) if isinstance(template, str) else template
    ctx = _SlotContext(family.lang, rng, family.split, _language_module(family.lang).LEXICON)
    names = _fields(text)
    for name in sorted(set(names), key=lambda n: (n not in _FILL_FIRST, names.index(n))):
        if name not in SLOTS:
            raise ValueError(f"unknown slot {{{name}}} in family {family.name}")
        ctx.filled[name] = SLOTS[name](ctx)
    noisy = rng.random() < 0.6
    return _render(text, ctx.filled, family.lang, rng, noisy), _args(
        family.labels, ctx.filled, extra
    )


def generate_family(family: Family, seed: int = 0, count: int | None = None) -> list[Example]:
    """Up to ``count`` distinct examples of one family (fewer if its templates run out)."""
    count = PER_FAMILY[family.split] if count is None else count
    rng = random.Random(f"{seed}:{family.name}")  # noqa: S311 (data generation, not security)
    seen: set[str] = set()
    out: list[Example] = []
    for _ in range(count * 6):
        if len(out) >= count:
            break
        text, args = _instantiate(family, rng)
        if not text or text in seen:
            continue
        seen.add(text)
        out.append(Example(text, family.lang, family.labels, family.name, family.split, args))
    return out


_END_MARKS = " .!?。？！"


def _join(template: str, first: Example, second: Example, rng: random.Random) -> str:
    head = first.text.rstrip(_END_MARKS)
    tail = second.text
    if first.lang in _LATIN_LANGS and len(tail) > 1 and tail[0].isupper() and tail[1].islower():
        tail = tail[0].lower() + tail[1:]
    return template.replace("{0}", head, 1).replace("{1}", tail, 1)


def compose_family(
    family: Family, singles: Sequence[Example], seed: int = 0, count: int | None = None
) -> list[Example]:
    """Two-tool requests: two single-tool examples (same language and split) joined by a template."""
    count = PER_COMPOSED_FAMILY[family.split] if count is None else count
    pool = [ex for ex in singles if ex.lang == family.lang and ex.split == family.split]
    if len({next(iter(ex.labels)) for ex in pool}) < 2:
        return []
    rng = random.Random(f"{seed}:{family.name}")  # noqa: S311 (data generation, not security)
    seen: set[str] = set()
    out: list[Example] = []
    for _ in range(count * 6):
        if len(out) >= count:
            break
        first, second = rng.choice(pool), rng.choice(pool)
        if first.labels == second.labels:
            continue
        text = _join(rng.choice(family.templates), first, second, rng)  # type: ignore[arg-type]
        if text in seen:
            continue
        seen.add(text)
        args = {**first.args, **second.args}
        out.append(
            Example(
                text, family.lang, first.labels | second.labels, family.name, family.split, args
            )
        )
    return out


def generate(
    seed: int = 0, split: Split | None = None, fams: Iterable[Family] | None = None
) -> list[Example]:
    """All examples of the given families (default: every family), optionally of one split.

    Composed families join single-tool examples generated in the same call, so they need the
    single-tool families of their language and split among ``fams``.
    """
    chosen = [
        f for f in (families() if fams is None else fams) if split is None or f.split == split
    ]
    out: list[Example] = []
    for family in chosen:
        if not family.compose:
            out.extend(generate_family(family, seed))
    singles = [ex for ex in out if len(ex.labels) == 1]
    for family in chosen:
        if family.compose:
            out.extend(compose_family(family, singles, seed))
    return out


def data_hash(examples: Iterable[Example]) -> str:
    """The SHA-256 of the examples (text, language, labels, family), in order."""
    digest = hashlib.sha256()
    for ex in examples:
        line = json.dumps(
            [ex.text, ex.lang, sorted(ex.labels), ex.family], ensure_ascii=False, sort_keys=True
        )
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def _stats() -> str:
    fams = families()
    lines = [f"{len(fams)} families"]
    for split in ("train", "test"):
        examples = generate(split=split)
        by_lang = Counter(ex.lang for ex in examples)
        by_label = Counter("+".join(sorted(ex.labels)) or NONE for ex in examples)
        lines.append(
            f"{split}: {len(examples)} examples; by language {dict(sorted(by_lang.items()))}"
        )
        lines.append(f"  by labels {dict(sorted(by_label.items()))}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m intent.training.phrasings``: print statistics, or dump examples as JSON lines."""
    parser = argparse.ArgumentParser(
        prog="python -m intent.training.phrasings", description=__doc__
    )
    parser.add_argument("--stats", action="store_true", help="print counts per split")
    parser.add_argument("--dump", choices=("train", "test", "all"), help="print examples as JSONL")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.dump:
        split = None if args.dump == "all" else args.dump
        for ex in generate(args.seed, split):
            sys.stdout.write(json.dumps(ex.to_json(), ensure_ascii=False) + "\n")
        return 0
    print(_stats())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
