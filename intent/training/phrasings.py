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
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from types import SimpleNamespace
from typing import Any

from intent.training.pools import (
    LANGS,
    NONE,
    PER_COMPOSED_FAMILY,
    PER_FAMILY,
    PHRASEBOOK,
    TEST_SHARE,
    TOOLS,
    ArgTemplates,
    Example,
    Family,
    Fill,
    Split,
    Template,
    common,
    group_of,
    read_yaml,
    stable_hash,
)
from intent.training.slots import FILL_FIRST, SLOT_PARAMS, SLOTS, SlotContext

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
    raw = read_yaml(PHRASEBOOK / f"{lang}.yaml")
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
        groups.setdefault(group_of(labels, lang, compose), []).append(name)
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
    ctx = SlotContext(family.lang, rng, family.split, _language_module(family.lang).LEXICON)
    names = _fields(text)
    for name in sorted(set(names), key=lambda n: (n not in FILL_FIRST, names.index(n))):
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
