"""Requests written by hand by authors who never saw the phrasebooks: the training data that is
not a template.

``intent/training/written/<lang>.jsonl`` holds requests in the format of ``evals/typed`` (prompt,
category, expected tools), written by two authors working from the tool list alone (see the
folder's README). The generator's templates teach the model the usual phrasings; these teach it
how people really type: backstory before the ask, terse fragments, typos, data pasted inline.

Only the languages the phrasebooks cover are trained on (:data:`TRAINED`). The files of the other
five (Italian, Russian, Dutch, Turkish, Polish) are never trained on: those languages must work
through the multilingual encoder without phrasings written for them, and their files measure
exactly that (``python -m evals.handwritten``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from intent.language import PHRASEBOOK_LANGUAGES
from intent.training.pools import Example

WRITTEN = Path(__file__).with_name("written")
TRAINED = PHRASEBOOK_LANGUAGES
"""The languages whose written requests are trained on; the others' only measure."""

WEIGHT = 40.0
"""How much one written request weighs in training against one generated request (about 35,000
generated, 480 written trained on). Chosen by ``python -m evals.handwritten``'s cross-validation
(with the untrained languages and the decision-level guard beside it) among 0, 8, 20 and 40:
right tool set, cross-validated, 82.7% / 86.0% / 89.6% / 90.0%."""


def load(langs: Iterable[str] | None = None, folder: Path = WRITTEN) -> list[Example]:
    """The written requests of the given languages (default: every file), as examples.

    The family is ``written.<lang>.<id>``: each request its own family, so a split by family
    (validation, cross-validation) never puts one request on both sides."""
    wanted = None if langs is None else set(langs)
    out: list[Example] = []
    for path in sorted(folder.glob("*.jsonl")):
        if wanted is not None and path.stem not in wanted:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            labels = frozenset(str(e["name"]) for e in row["expected"])
            out.append(
                Example(
                    row["prompt"],
                    row["lang"],
                    labels,
                    f"written.{row['lang']}.{row['id']}",
                    "train",
                )
            )
    return out


MORE = WRITTEN / "more"
"""A second batch by two more authors, two-tool requests and word problems first (phrasebook
languages only). Not trained on: trained beside the first batch it gained nothing in
cross-validation (90.0% against 90.2% without it), so it measures instead
(``python -m evals.handwritten``, part ``second batch``)."""


THIRD = WRITTEN / "third"
"""A third batch by two more authors (round 5): chat-style Italian, Russian, Dutch, Turkish and
Polish (never trained on, like the first batch's), and the eight phrasebook languages in styles
the others under-use (dictated run-ons, chat-speak, an ask inside a longer message). Its
phrasebook languages are trained on: beside the first batch they moved the second batch (never
trained on) from 87.1% to 88.8% right and the third batch's untrained languages from 77.7% to
79.0%, one model trained each way on the same day."""


def trained() -> list[Example]:
    """The written requests the shipped model is trained on: the phrasebook languages of the
    first and the third batch."""
    return load(TRAINED) + load(TRAINED, THIRD)
