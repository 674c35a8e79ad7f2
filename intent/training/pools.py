"""The generator's ground: the phrasebook's content (``common.yaml``), the tools and languages,
and the shapes every part shares: a template family, an example, a filled slot, and the
deterministic train/test split of families and slot values."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

import yaml

PHRASEBOOK = Path(__file__).with_name("phrasebook")
"""The generator's content: ``common.yaml`` and one ``<lang>.yaml`` per language."""


def read_yaml(path: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)


def _tuples(value: Any) -> Any:
    """Lists as tuples, all the way down (the slot pools are split by the ``repr`` of a value)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _load_common() -> SimpleNamespace:
    """``common.yaml``: each pool under its upper-case name (``PLACES``, ``FILES``, ...)."""
    raw = read_yaml(PHRASEBOOK / "common.yaml")
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
        return group_of(self.labels, self.lang, self.compose)


def group_of(labels: frozenset[str], lang: str, compose: bool) -> str:
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


def split_pool(values: Sequence[Any], split: Split) -> list[Any]:
    """The slot values one split may use: pools of 8 or more are split, about a quarter to test."""
    if len(values) < 8:
        return list(values)
    test = [v for v in values if stable_hash(repr(v)) % 4 == 0]
    train = [v for v in values if stable_hash(repr(v)) % 4 != 0]
    return test if split == "test" else train
