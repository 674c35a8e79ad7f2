"""The written requests as a measure: how the decision does on requests by authors who never saw
the phrasebooks, on data the model was not trained on.

``intent/training/written/`` holds hand-written requests (format of ``evals/typed``) by two
authors other than the typed set's. Two measures, decided as :mod:`evals.typed` decides (route's
decision, the clear requests; no model call):

- ``untrained``: the languages the model is never trained on (Italian, Russian, Dutch, Turkish,
  Polish: :data:`intent.training.written.TRAINED` leaves them out), scored with the shipped model;
  the first batch's and the third batch's (``written/third/``, chat-style, round 5) apart;
- ``second batch``: ``written/more/`` (480 requests by two more authors, two-tool requests and
  word problems first, the eight phrasebook languages), never trained on, scored with the
  shipped model;
- ``cross-validated``: the trained languages (first and third batch), in ``--folds`` folds: each fold is scored with a
  model trained on the generator and the other folds' written requests (a model is trained per
  fold, about two minutes each on two cores).

``python -m evals.handwritten`` prints the typed set's table for both; ``--untrained-only`` skips the
training. The written requests of trained languages seen by the shipped model are never scored
with it (that would measure memory, not generalisation).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.typed import Case, read_cases, score, table
from intent.model import IntentModel, shipped
from intent.training import written
from intent.training.train import build_artefact, training_examples
from intent.training.written import WRITTEN

DEFAULT_OUT = WRITTEN / "report.json"


def cases(untrained: bool, folders: Sequence[Path] = (WRITTEN, written.THIRD)) -> list[Case]:
    """The written requests (first and third batch, or the folders given) of the untrained
    languages, or of the trained ones."""
    out: list[Case] = []
    for folder in folders:
        for path in sorted(folder.glob("*.jsonl")):
            if (path.stem in written.TRAINED) != untrained:
                out.extend(read_cases(path))
    return out


def second_batch() -> list[Case]:
    """The second batch's requests (never trained on)."""
    return [case for path in sorted(written.MORE.glob("*.jsonl")) for case in read_cases(path)]


def fold_of(case_id: str, folds: int) -> int:
    """A request's fold: a stable hash of its id."""
    return int(hashlib.sha256(case_id.encode()).hexdigest(), 16) % folds


def _result(model_cases: list[tuple[IntentModel, list[Case]]]) -> dict[str, Any]:
    from evals.typed import Tally

    total = Tally()
    by_lang: dict[str, Tally] = {}
    for model, group in model_cases:
        part_total, part_by_lang, _ = score(model, group)
        total.add(part_total)
        for lang, tally in part_by_lang.items():
            by_lang.setdefault(lang, Tally()).add(tally)
    return {
        "all": total.summary(),
        "per_language": {lang: t.summary() for lang, t in sorted(by_lang.items())},
    }


def cross_validated(folds: int, seed: int = 0) -> dict[str, Any]:
    """The trained languages' written requests, each scored by a model that never saw it."""
    trained = cases(untrained=False)
    hand = written.trained()
    pairs = []
    for k in range(folds):
        held = {c.id for c in trained if fold_of(c.id, folds) == k}
        rest = [ex for ex in hand if ex.family.split(".", 2)[2] not in held]
        artefact = build_artefact(training_examples(seed, hand=rest), seed)
        print(f"fold {k + 1}/{folds}: trained on {len(rest)} written requests", file=sys.stderr)
        pairs.append((IntentModel.from_dict(artefact), [c for c in trained if c.id in held]))
    return _result(pairs)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m evals.handwritten``: score the untrained languages and cross-validate the rest."""
    parser = argparse.ArgumentParser(prog="python -m evals.handwritten", description=__doc__)
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--untrained-only", action="store_true")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error("--folds needs at least 2")
    results = {
        "untrained": _result([(shipped(), cases(untrained=True, folders=[WRITTEN]))]),
        "untrained, third batch": _result(
            [(shipped(), cases(untrained=True, folders=[written.THIRD]))]
        ),
        "second batch": _result([(shipped(), second_batch())]),
    }
    if not args.untrained_only:
        results["cross-validated"] = cross_validated(args.folds)
    print(table(results))
    report = {"model": shipped().meta, "folds": args.folds, "results": results}
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
