"""The regression guard at the decision level: right tool set on the own set and on held-out
generator requests, decided as :mod:`evals.typed` decides (no model call).

Each request goes through :func:`evals.typed.decide`: the shipped intent model and route's
decision (:func:`nodes.decision.decide_turn`), and where that is unsure, the clear requests
(:func:`intent.clear.clear_calls`). The tool set is the calls made plus the tools chosen with an
argument missing (the model would be asked only for that argument); it is right when it equals
the expected set (empty for no tool). Two sets:

- ``own``: every case of ``evals/own.jsonl``;
- ``held-out``: 1,500 requests of the intent model's held-out template families
  (:func:`intent.training.evaluate.held_out_cases`, seed 0), shuffled with ``random.Random(0)``
  and the first 1,500 taken, as the figures in the README were measured.

``python -m evals.decisions`` prints right tool set per set and per language; ``--errors N``
prints the N most common (wanted, got) confusions of each set.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evals.typed import decide
from intent.model import IntentModel, shipped
from intent.training.evaluate import held_out_cases

OWN = Path(__file__).with_name("own.jsonl")
HELD_OUT_N = 1500
SEED = 0


@dataclass(frozen=True)
class Request:
    """A request and the tool set it needs (empty for none)."""

    text: str
    lang: str
    tools: frozenset[str]


@dataclass
class Result:
    """Right tool set counts for one set of requests, whole and per language."""

    n: int = 0
    right: int = 0
    by_lang: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    confusions: Counter[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=Counter)

    def rate(self) -> float:
        return self.right / self.n if self.n else 0.0


def own_requests(path: Path = OWN) -> list[Request]:
    """Every case of the own set."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [
        Request(row["prompt"], row["lang"], frozenset(e["name"] for e in row["expected"]))
        for row in rows
    ]


def held_out_requests(n: int = HELD_OUT_N, seed: int = SEED) -> list[Request]:
    """``n`` held-out generator requests: the seed's test split, shuffled with the same seed."""
    cases = held_out_cases(seed)
    random.Random(seed).shuffle(cases)  # noqa: S311 - a fixed sample, not a secret
    return [Request(c.text, c.lang, c.labels) for c in cases[:n]]


def tool_set(model: IntentModel, text: str) -> frozenset[str]:
    """The tools decided for a request: calls made and tools chosen with an argument missing."""
    outcome = decide(model, text)
    return frozenset([name for name, _ in outcome.calls] + list(outcome.missing))


def score(model: IntentModel, requests: Sequence[Request]) -> Result:
    """Right tool set over ``requests``."""
    result = Result()
    for request in requests:
        got = tool_set(model, request.text)
        ok = got == request.tools
        result.n += 1
        result.right += ok
        result.by_lang[request.lang][0] += ok
        result.by_lang[request.lang][1] += 1
        if not ok:
            result.confusions[(tuple(sorted(request.tools)), tuple(sorted(got)))] += 1
    return result


def report(name: str, result: Result) -> str:
    """One set's line and its per-language line."""
    langs = " ".join(
        f"{lang} {100 * right / n:.1f}" for lang, (right, n) in sorted(result.by_lang.items())
    )
    return (
        f"{name}: right tool set {result.right}/{result.n} = {100 * result.rate():.1f}%\n"
        f"  per language: {langs}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m evals.decisions``: score both sets and print them."""
    parser = argparse.ArgumentParser(prog="python -m evals.decisions", description=__doc__)
    parser.add_argument("--sets", default="own,held-out", help="own, held-out or both")
    parser.add_argument("--errors", type=int, default=0, help="most common confusions to print")
    args = parser.parse_args(argv)
    model = shipped()
    loaders: dict[str, Callable[[], list[Request]]] = {
        "own": own_requests,
        "held-out": held_out_requests,
    }
    for name in args.sets.split(","):
        result = score(model, loaders[name]())
        print(report(name, result), flush=True)
        for (want, got), count in result.confusions.most_common(args.errors):
            print(f"  {count:4} want {list(want)} got {list(got)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
