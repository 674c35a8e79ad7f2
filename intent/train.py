"""Train the intent model from the phrasing generator and write the artefact (reproducibly).

``python -m intent.train`` rebuilds ``intent/intent_model.json`` from the training families of
:mod:`intent.phrasings`: one L2-regularised logistic regression per label (16 tools and ``none``,
one-vs-rest, so a request can need two tools) over the features of :mod:`intent.features`. The
same seed gives a byte-identical file. ``--check`` rebuilds in memory and fails if the committed
artefact differs; ``--cv`` scores hyperparameters by cross-validation over training families
(the held-out test families are never looked at here).

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
from intent.model import DEFAULT_PATH, FORMAT, FORMAT_VERSION, NONE, IntentModel, Thresholds
from intent.phrasings import TOOLS, Example, Family, data_hash, families, generate

MODEL_VERSION = "1"
LABELS: tuple[str, ...] = (*TOOLS, NONE)
DEFAULT_C = 20.0
DEFAULT_MIN_DF = 2
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
    """One column per label: 1 where the example needs that tool (``none``: needs no tool)."""
    y = np.zeros((len(examples), len(LABELS)), dtype=np.int8)
    for row, ex in enumerate(examples):
        if ex.labels:
            for tool in ex.labels:
                y[row, LABELS.index(tool)] = 1
        else:
            y[row, LABELS.index(NONE)] = 1
    return y


def fit(x: Any, y: np.ndarray, c: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per label; returns (weights [features x labels], bias)."""
    from sklearn.linear_model import LogisticRegression

    weights = np.zeros((x.shape[1], y.shape[1]), dtype=np.float64)
    bias = np.zeros(y.shape[1], dtype=np.float64)
    for j in range(y.shape[1]):
        clf = LogisticRegression(C=c, solver="liblinear", random_state=seed, max_iter=1000)
        clf.fit(x, y[:, j])
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
) -> dict[str, Any]:
    """Train on ``examples`` and return the artefact as a JSON-ready dict."""
    keysets = _keysets(examples, config)
    vocab = build_vocab(keysets, min_df)
    weights, bias = fit(design_matrix(keysets, vocab), label_matrix(examples), c, seed)
    # Features whose weights round to zero everywhere change no score: drop them.
    w16 = weights.astype("<f2")
    keep = np.flatnonzero(np.abs(w16).max(axis=1) > 0)
    vocab = [vocab[i] for i in keep]
    w16 = np.ascontiguousarray(w16[keep])
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "version": MODEL_VERSION,
        "seed": seed,
        "data_sha256": data_hash(examples),
        "n_examples": len(examples),
        "training": {
            "C": c,
            "min_df": min_df,
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


def dumps(artefact: dict[str, Any]) -> bytes:
    """The artefact's bytes: compact, key-sorted JSON (deterministic)."""
    text = json.dumps(artefact, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def training_examples(seed: int = 0, fams: Iterable[Family] | None = None) -> list[Example]:
    """The training split's examples (of the given families, default all)."""
    return generate(seed, "train", fams)


def build_bytes(seed: int = 0, fams: Iterable[Family] | None = None, **kwargs: Any) -> bytes:
    """Generate the training data and return the artefact's bytes."""
    return dumps(build_artefact(training_examples(seed, fams), seed, **kwargs))


def cross_validate(
    seed: int = 0,
    folds: int = 4,
    cs: Sequence[float] = (5.0, 20.0, 50.0),
    config: FeatureConfig = FeatureConfig(),  # noqa: B008
) -> list[dict[str, Any]]:
    """Exact-set accuracy per C, folds split by template family (training families only)."""
    examples = training_examples(seed)
    fams = sorted(
        {ex.family for ex in examples}, key=lambda f: hashlib.sha256(f.encode()).hexdigest()
    )
    fold_of = {f: i % folds for i, f in enumerate(fams)}
    keysets = _keysets(examples, config)
    y = label_matrix(examples)
    results = []
    for c in cs:
        correct = 0
        none_ok = none_n = 0
        for k in range(folds):
            train_rows = [i for i, ex in enumerate(examples) if fold_of[ex.family] != k]
            test_rows = [i for i, ex in enumerate(examples) if fold_of[ex.family] == k]
            vocab = build_vocab((keysets[i] for i in train_rows), DEFAULT_MIN_DF)
            w, b = fit(
                design_matrix([keysets[i] for i in train_rows], vocab), y[train_rows], c, seed
            )
            model = IntentModel(LABELS, vocab, w, b, config, DEFAULT_THRESHOLDS)
            for i in test_rows:
                intent = model.classify(examples[i].text)
                ok = set(intent.tools) == set(examples[i].labels)
                correct += ok
                if not examples[i].labels:
                    none_n += 1
                    none_ok += ok
        results.append(
            {
                "C": c,
                "accuracy": round(correct / len(examples), 4),
                "no_call": round(none_ok / max(none_n, 1), 4),
            }
        )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m intent.train``: rebuild the artefact (or check it, or cross-validate)."""
    parser = argparse.ArgumentParser(prog="python -m intent.train", description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    parser.add_argument(
        "--check", action="store_true", help="fail if the artefact at --out differs"
    )
    parser.add_argument("--cv", action="store_true", help="cross-validate C over training families")
    args = parser.parse_args(argv)
    if args.cv:
        for row in cross_validate(args.seed):
            print(json.dumps(row))
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
                f"{args.out} differs from a rebuild (sha256 {digest}); run python -m intent.train"
            )
            return 1
        print(f"{args.out} matches a rebuild (sha256 {digest})")
        return 0
    args.out.write_bytes(data)
    print(f"wrote {args.out}: {len(data) / 1e6:.2f} MB, sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
