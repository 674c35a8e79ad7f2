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
import json
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from intent.features import FeatureConfig, clause_features, features

DEFAULT_PATH = Path(__file__).with_name("intent_model.json")
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
    clause: float = 0.4  # two clauses each confidently wanting a different tool: call both
    none: float = 0.5  # a no-call decision below this "none" probability is an abstention
    known: float = 0.35  # below this share of known features, the request is unfamiliar: abstain


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

    # -- loading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path = DEFAULT_PATH) -> IntentModel:
        """Load an artefact written by ``python -m intent.train`` (JSON; runs no code)."""
        path = Path(path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ArtefactError(
                f"no intent model at {path} (build it: python -m intent.train)"
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
            w = raw["weights"]
            if w.get("dtype") != "<f2":
                raise ArtefactError(f"unsupported weight type {w.get('dtype')!r}")
            buffer = base64.b64decode(w["base64"], validate=True)
            weights = np.frombuffer(buffer, dtype="<f2").reshape(tuple(w["shape"]))
            bias = np.asarray(raw["bias"], dtype=np.float32)
            config = FeatureConfig(**raw["features"])
            thresholds = Thresholds(**raw["thresholds"])
        except ArtefactError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise ArtefactError(f"malformed intent model artefact: {exc}") from exc
        meta = {k: raw[k] for k in ("version", "data_sha256", "seed", "n_examples") if k in raw}
        return cls(labels, vocab, weights, bias, config, thresholds, meta)

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

    def classify(self, text: str) -> Intent:
        """Decide which tools the request needs (multi-label), or none, or abstain."""
        if not isinstance(text, str):
            raise TypeError(f"classify() needs a str, not {type(text).__name__}")
        probs, known = self.scores(text)
        intent = self._decide(probs, known)
        if len(intent.tools) < 2 and not intent.abstain:
            return self._clauses(text, intent)
        return intent

    def _clauses(self, text: str, intent: Intent) -> Intent:
        """Two clauses that each confidently want a different tool make a two-tool request."""
        clauses = clause_features(text, self.config)
        if len(clauses) < 2:
            return intent
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
            return intent
        tools = tuple(sorted(found, key=lambda name: -found[name])[:2])
        return Intent(intent.ranked, tools, intent.none_score, abstain=False)

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
            return Intent(ranked, (), none_score, abstain=none_score < t.none)
        count = 2 if probs[self._multi] >= t.multi and ranked[1][1] >= t.second else 1
        return Intent(ranked, tuple(name for name, _ in ranked[:count]), none_score, abstain=False)


def benchmark(
    model: IntentModel, texts: Iterable[str], repeat: int = 3, warmup: int = 50
) -> dict[str, float]:
    """Latency of ``classify`` in milliseconds per request: p50, p90, p99, mean (one thread)."""
    items = list(texts)
    if not items:
        raise ValueError("benchmark() needs at least one text")
    for text in items[:warmup]:
        model.classify(text)
    times: list[float] = []
    for _ in range(repeat):
        for text in items:
            start = time.perf_counter()
            model.classify(text)
            times.append((time.perf_counter() - start) * 1000.0)
    ordered = np.sort(np.array(times))
    return {
        "n": float(len(ordered)),
        "p50_ms": round(float(np.percentile(ordered, 50)), 4),
        "p90_ms": round(float(np.percentile(ordered, 90)), 4),
        "p99_ms": round(float(np.percentile(ordered, 99)), 4),
        "mean_ms": round(float(ordered.mean()), 4),
    }
