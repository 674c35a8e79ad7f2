"""Score the intent model on the held-out template families and on the hand-written fresh set.

``python -m intent.training.evaluate`` loads the committed artefact, classifies every example of the
generator's **test** families (which share no template family with training) and the fresh
requests in ``tests/intent_fresh.jsonl`` (written by hand, phrased unlike any template), and
reports:

- right tool set, or correctly none, overall and per language (an abstention counts as no call);
- no-call accuracy on the cases that want no tool;
- every call right on the cases that want two tools;
- the abstention rate, and the classification latency (p50 over the held-out texts).

Each set is scored twice: ``fast`` is the character n-gram classifier alone (numpy, well under a
millisecond); the plain column adds the second opinion of the multilingual sentence encoder for
the requests the fast classifier is unsure of (about 150 ms each, so it is timed separately).

It prints a table and writes the numbers as JSON (``--out``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intent.model import DEFAULT_PATH, IntentModel, benchmark
from intent.training.phrasings import generate
from intent.training.pools import LANGS

FRESH_PATH = Path(__file__).resolve().parents[2] / "tests" / "intent_fresh.jsonl"
DEFAULT_OUT = Path(__file__).with_name("evaluation.json")
TARGETS = {"overall": 0.95, "per_language": 0.90, "no_call": 0.97, "multi_all_right": 0.70}


@dataclass(frozen=True)
class Case:
    """A request and the tool set it needs (empty for none)."""

    text: str
    lang: str
    labels: frozenset[str]
    family: str = ""


@dataclass
class Scores:
    """Counts for one set of cases."""

    n: int = 0
    right: int = 0
    none_n: int = 0
    none_right: int = 0
    multi_n: int = 0
    multi_right: int = 0
    abstained: int = 0
    by_lang: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    errors: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Rates (None where a group is empty)."""

        def rate(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "n": self.n,
            "overall": rate(self.right, self.n),
            "per_language": {lang: rate(r, n) for lang, (r, n) in sorted(self.by_lang.items())},
            "no_call": rate(self.none_right, self.none_n),
            "no_call_n": self.none_n,
            "multi_all_right": rate(self.multi_right, self.multi_n),
            "multi_n": self.multi_n,
            "abstain_rate": rate(self.abstained, self.n),
        }


def score(
    model: IntentModel, cases: Sequence[Case], second_opinion: bool = True, keep_errors: int = 200
) -> Scores:
    """Classify every case and count what was right."""
    s = Scores()
    intents = []
    for start in range(0, len(cases), 256):
        chunk = [case.text for case in cases[start : start + 256]]
        intents.extend(model.classify_many(chunk, second_opinion))
    for case, intent in zip(cases, intents, strict=True):
        predicted = frozenset(intent.tools)
        ok = predicted == case.labels
        s.n += 1
        s.right += ok
        s.abstained += intent.abstain
        s.by_lang[case.lang][0] += ok
        s.by_lang[case.lang][1] += 1
        if not case.labels:
            s.none_n += 1
            s.none_right += ok
        if len(case.labels) > 1:
            s.multi_n += 1
            s.multi_right += ok
        if not ok and len(s.errors) < keep_errors:
            s.errors.append(
                {
                    "text": case.text,
                    "lang": case.lang,
                    "family": case.family,
                    "want": sorted(case.labels),
                    "got": list(intent.tools),
                    "abstain": intent.abstain,
                    "top": intent.ranked[:2],
                    "none": intent.none_score,
                }
            )
    return s


def held_out_cases(seed: int = 0) -> list[Case]:
    """The generator's test split."""
    return [Case(ex.text, ex.lang, ex.labels, ex.family) for ex in generate(seed, "test")]


def load_fresh(path: Path = FRESH_PATH) -> list[Case]:
    """The hand-written fresh requests (JSON lines: text, lang, labels)."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            cases.append(
                Case(row["text"], row["lang"], frozenset(row["labels"]), f"fresh:{number}")
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a fresh case ({exc})") from exc
    return cases


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is inside it (stable in reports)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _fmt(x: float | None) -> str:
    return "   -  " if x is None else f"{100 * x:5.1f}%"


def table(results: dict[str, dict[str, Any]]) -> str:
    """The report as a text table: one column per set of cases."""
    names = list(results)
    lines = [f"{'':24}" + "".join(f"{name:>16}" for name in names)]

    def row(label: str, key: str, target: float | None = None) -> None:
        cells = "".join(f"{_fmt(results[name].get(key)):>16}" for name in names)
        goal = f"   (target {100 * target:.0f}%)" if target is not None else ""
        lines.append(f"{label:24}{cells}{goal}")

    lines.append(f"{'cases':24}" + "".join(f"{results[n]['n']:>16}" for n in names))
    row("right tool set, overall", "overall", TARGETS["overall"])
    for lang in LANGS:
        cells = "".join(f"{_fmt(results[n]['per_language'].get(lang)):>16}" for n in names)
        lines.append(f"{'  ' + lang:24}{cells}")
    lines.append(f"{'  (per-language target':24}{'':>16}   {100 * TARGETS['per_language']:.0f}%)")
    row("no call when none fits", "no_call", TARGETS["no_call"])
    row("multi-call all right", "multi_all_right", TARGETS["multi_all_right"])
    row("abstained", "abstain_rate")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m intent.training.evaluate``: print the table and write the JSON report."""
    parser = argparse.ArgumentParser(prog="python -m intent.training.evaluate", description=__doc__)
    parser.add_argument("--model", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--fresh", type=Path, default=FRESH_PATH)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--errors", type=int, default=0, help="print this many misclassified cases")
    parser.add_argument(
        "--latency-sample", type=int, default=300, help="requests timed one by one with the encoder"
    )
    args = parser.parse_args(argv)
    model = IntentModel.load(args.model)
    held = held_out_cases(args.seed)
    sets = {"held-out": held}
    if args.fresh.exists():
        sets["fresh"] = load_fresh(args.fresh)
    scored: dict[str, Scores] = {}
    for name, cases in sets.items():
        scored[f"{name} fast"] = score(model, cases, second_opinion=False)
        if model.second is not None:
            scored[name] = score(model, cases, second_opinion=True)
    results = {name: s.summary() for name, s in scored.items()}
    texts = [c.text for c in held]
    latency = {"fast": benchmark(model, texts, repeat=3)}
    if model.second is not None:
        step = max(1, len(texts) // args.latency_sample)
        latency["with_second_opinion"] = benchmark(
            model, texts[::step][: args.latency_sample], repeat=1, warmup=5, second_opinion=True
        )
    print(table(results))
    print()
    for path, numbers in latency.items():
        print(
            f"classify latency ({path}) over {int(numbers['n'])} calls: "
            f"p50 {numbers['p50_ms']:.3f} ms, p90 {numbers['p90_ms']:.3f} ms, "
            f"p99 {numbers['p99_ms']:.3f} ms"
        )
    for name, s in scored.items():
        for err in s.errors[: args.errors]:
            print(f"[{name}] {json.dumps(err, ensure_ascii=False)}", file=sys.stderr)
    report = {
        "model": {**model.meta, "path": _shown(args.model)},
        "targets": TARGETS,
        "results": results,
        "latency_ms": latency,
        "errors": {name: s.errors[:50] for name, s in scored.items()},
    }
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
