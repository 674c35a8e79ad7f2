"""The models file: valid and invalid files, the API key indirection, fallback chains and cycles,
and the entries built from today's single-backend settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backends.models_file import (
    EMBEDDED,
    ModelsConfigError,
    UnknownModel,
    default_models,
    load_models,
    parse_models,
    read_models_file,
)
from server.settings import Settings, SettingsError, environment, load_settings

GOOD = """
- name: gpu
  base_url: http://vllm:8000/v1
  model: openai/gpt-oss-20b
  api_key_env: VLLM_KEY
  timeout: 60
  max_tokens: 1024
  structured_output: json_schema
  deterministic: true
  fallbacks: [big, embedded]
- name: big
  base_url: http://big:8000/v1
  api_key: sk-big
  temperature: 0
  fallbacks: [hosted]
- name: hosted
  base_url: https://api.example.com/v1
  model: gpt-4.1-mini
  answer_from_results: true
"""


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("TOOLLOOM_LLM_BASE_URL", "TOOLLOOM_LLM_MODEL", "TOOLLOOM_MODELS"):
        monkeypatch.delenv(name, raising=False)
    return load_settings(llm_timeout=90)


def parse(text: str, settings: Settings, env: dict[str, str] | None = None) -> object:
    return parse_models(text, settings=settings, env=env or {})


def test_a_valid_file_is_read_with_its_defaults_filled_in(settings: Settings) -> None:
    config = parse_models(GOOD, settings=settings, env={"VLLM_KEY": "sk-from-env"})
    assert config.names() == ["gpu", "big", "hosted", EMBEDDED]  # embedded is always there
    assert config.default == "gpu"  # the first entry
    gpu = config.get("gpu")
    assert str(gpu.base_url) == "http://vllm:8000/v1"
    assert gpu.model == "openai/gpt-oss-20b"
    assert gpu.key() == "sk-from-env"  # resolved from the mapping given, not os.environ
    assert (gpu.timeout, gpu.max_tokens, gpu.structured_output) == (60, 1024, "json_schema")
    assert gpu.deterministic and gpu.temperature is None
    big = config.get("big")
    assert big.model == "big"  # the model name defaults to the entry's name
    assert big.key() == "sk-big" and big.timeout == 90  # timeout from TOOLLOOM_LLM_TIMEOUT
    assert big.temperature == 0 and not big.deterministic
    hosted = config.get("hosted")
    assert hosted.answer_from_results and hosted.key() == "not-needed"
    assert config.get(EMBEDDED).is_embedded and config.get(EMBEDDED).base_url is None
    assert config.get(None).name == "gpu" and config.get("").name == "gpu"


def test_secrets_are_not_shown(settings: Settings) -> None:
    config = parse_models(GOOD, settings=settings, env={"VLLM_KEY": "sk-from-env"})
    assert "sk-from-env" not in repr(config) and "sk-big" not in repr(config)
    assert "sk-big" not in str(config.model_dump())


def test_the_fallback_chain_is_depth_first_and_each_backend_once(settings: Settings) -> None:
    config = parse_models(GOOD, settings=settings, env={"VLLM_KEY": "k"})
    assert [e.name for e in config.chain("gpu")] == ["gpu", "big", "hosted", EMBEDDED]
    assert [e.name for e in config.chain("big")] == ["big", "hosted"]
    assert [e.name for e in config.chain()] == ["gpu", "big", "hosted", EMBEDDED]
    assert [e.name for e in config.chain(EMBEDDED)] == [EMBEDDED]
    diamond = """
- {name: a, base_url: "http://a/v1", fallbacks: [b, c]}
- {name: b, base_url: "http://b/v1", fallbacks: [c]}
- {name: c, base_url: "http://c/v1"}
"""
    config = parse_models(diamond, settings=settings, env={})
    assert [e.name for e in config.chain("a")] == ["a", "b", "c"]


def test_an_unknown_model_lists_the_valid_ones(settings: Settings) -> None:
    config = parse_models(GOOD, settings=settings, env={"VLLM_KEY": "k"})
    with pytest.raises(UnknownModel) as error:
        config.get("gpt-5")
    assert error.value.valid == ["gpu", "big", "hosted", EMBEDDED]
    assert "gpt-5" in str(error.value) and "gpu, big, hosted, embedded" in str(error.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- {name: a, model: m}", "entry 1 ('a'): base_url: required"),
        ("- {name: a, base_url: 'not a url'}", "entry 1 ('a'): base_url: Input should be a valid URL"),
        ("- {name: a, base_url: 'http://a/v1', timout: 3}", "entry 1 ('a'): timout: unknown field"),
        ("- {name: a, base_url: 'http://a/v1', timeout: 0}", "entry 1 ('a'): timeout: Input should be greater than 0"),
        ("- {name: a, base_url: 'http://a/v1', max_tokens: 8}", "entry 1 ('a'): max_tokens: Input should be greater than or equal to 16"),
        ("- {name: a, base_url: 'http://a/v1', structured_output: xml}", "entry 1 ('a'): structured_output: Input should be 'json_schema', 'json_object' or 'prompt'"),
        ("- {name: a, base_url: 'http://a/v1', temperature: 3}", "entry 1 ('a'): temperature: Input should be less than or equal to 2"),
        ("- {name: 'bad name!', base_url: 'http://a/v1'}", "entry 1 ('bad name!'): name: must be 1-128 characters"),
        ("- {base_url: 'http://a/v1'}", "entry 1: name: Field required"),
        ("- {name: a, base_url: 'http://a/v1', api_key: k, api_key_env: K}", "entry 1 ('a'): api_key, api_key_env: give one of them, not both"),
        ("- {name: a, base_url: 'http://a/v1', api_key_env: 'not-a-var'}", "entry 1 ('a'): api_key_env: 'not-a-var' is not an environment variable name"),
        ("- {name: a, base_url: 'http://a/v1', fallbacks: [a]}", "entry 1 ('a'): fallbacks: 'a' names itself"),
        ("- {name: embedded, base_url: 'http://a/v1'}", "entry 1 ('embedded'): base_url: the embedded model's URL is chosen at start-up"),
        ("- {name: a, base_url: 'http://a/v1'}\n- 42", "entry 2: expected a mapping of fields, got int"),
        ("- {name: a, base_url: 'http://a/v1', fallbacks: [nope]}", "entry 'a': fallbacks: unknown 'nope' (known: a, embedded)"),
        ("- {name: a, base_url: 'http://a/v1'}\n- {name: a, base_url: 'http://b/v1'}", "entry 'a': name: listed more than once"),
        ("{name: a}", "expected a non-empty list of model entries"),
        ("[]", "expected a non-empty list of model entries"),
        ("- {name: a, base_url: [", "not valid YAML"),
    ],
)  # fmt: skip
def test_invalid_files_name_the_entry_and_the_field(
    settings: Settings, text: str, expected: str
) -> None:
    with pytest.raises(ModelsConfigError) as error:
        parse_models(text, settings=settings, env={}, source="models.yaml")
    message = str(error.value)
    assert message.startswith("models file models.yaml")
    assert expected in message
    assert "Traceback" not in message


def test_every_problem_of_a_file_is_reported_at_once(settings: Settings) -> None:
    text = """
- {name: a, base_url: 'http://a/v1', timout: 3}
- {name: b, base_url: 'nope'}
"""
    with pytest.raises(ModelsConfigError) as error:
        parse_models(text, settings=settings, env={})
    assert "entry 1 ('a'): timout" in str(error.value)
    assert "entry 2 ('b'): base_url" in str(error.value)


@pytest.mark.parametrize(
    ("text", "cycle"),
    [
        (
            """
- {name: a, base_url: 'http://a/v1', fallbacks: [b]}
- {name: b, base_url: 'http://b/v1', fallbacks: [a]}
""",
            "a -> b -> a",
        ),
        (
            """
- {name: a, base_url: 'http://a/v1', fallbacks: [b]}
- {name: b, base_url: 'http://b/v1', fallbacks: [c, embedded]}
- {name: c, base_url: 'http://c/v1', fallbacks: [a]}
""",
            "a -> b -> c -> a",
        ),
        (
            """
- {name: a, base_url: 'http://a/v1', fallbacks: [embedded]}
- {name: embedded, fallbacks: [a]}
""",
            "a -> embedded -> a",
        ),
    ],
)
def test_cycles_in_fallbacks_are_refused(settings: Settings, text: str, cycle: str) -> None:
    with pytest.raises(ModelsConfigError, match=f"fallbacks form a cycle: {cycle}"):
        parse_models(text, settings=settings, env={})


def test_api_key_env_must_name_a_set_variable(settings: Settings) -> None:
    text = "- {name: a, base_url: 'http://a/v1', api_key_env: A_KEY}"
    with pytest.raises(
        ModelsConfigError,
        match="entry 1 \\('a'\\): api_key_env: the environment variable A_KEY is not set",
    ):
        parse_models(text, settings=settings, env={"OTHER": "x"})
    with pytest.raises(ModelsConfigError, match="A_KEY is empty"):
        parse_models(text, settings=settings, env={"A_KEY": "  "})
    config = parse_models(text, settings=settings, env={"A_KEY": "sk-a\n"})
    assert config.get("a").key() == "sk-a"


def test_a_listed_embedded_entry_keeps_its_settings(settings: Settings) -> None:
    text = """
- {name: embedded, max_tokens: 128, timeout: 30}
- {name: gpu, base_url: 'http://gpu/v1', fallbacks: [embedded]}
"""
    config = parse_models(text, settings=settings, env={})
    assert config.names() == [EMBEDDED, "gpu"] and config.default == EMBEDDED
    embedded = config.get(EMBEDDED)
    assert (embedded.max_tokens, embedded.timeout, embedded.model) == (128, 30, None)


def test_json_and_yaml_files(settings: Settings, tmp_path: Path) -> None:
    entries = [{"name": "gpu", "base_url": "http://gpu/v1", "fallbacks": ["embedded"]}]
    (tmp_path / "models.json").write_text(json.dumps(entries))
    (tmp_path / "models.yml").write_text("models:\n  - name: gpu\n    base_url: http://gpu/v1\n")
    assert read_models_file(tmp_path / "models.json", settings, {}).names() == ["gpu", EMBEDDED]
    assert read_models_file(tmp_path / "models.yml", settings, {}).names() == ["gpu", EMBEDDED]
    (tmp_path / "broken.json").write_text("[{'name': 'gpu'}]")
    with pytest.raises(ModelsConfigError, match="broken.json: not valid JSON"):
        read_models_file(tmp_path / "broken.json", settings, {})


def test_no_file_means_todays_single_backend(settings: Settings) -> None:
    config = default_models(settings)  # no TOOLLOOM_LLM_BASE_URL: the embedded model
    assert config.names() == [EMBEDDED] and config.default == EMBEDDED
    assert config.get(EMBEDDED).temperature == settings.llm_temperature

    remote = load_settings(
        llm_base_url="http://vllm:8000/v1",
        llm_api_key="sk-single",
        llm_timeout=33,
        llm_max_tokens=512,
        llm_temperature=0.2,
    )
    config = load_models(remote, {})
    assert config.names() == ["openai/gpt-oss-20b", EMBEDDED]
    assert config.default == "openai/gpt-oss-20b"
    entry = config.get(None)
    assert str(entry.base_url) == "http://vllm:8000/v1" and entry.model == "openai/gpt-oss-20b"
    assert entry.key() == "sk-single" and entry.timeout == 33 and entry.max_tokens == 512
    assert entry.temperature == 0.2 and entry.fallbacks == ()  # no fallback nobody asked for
    named = load_models(load_settings(llm_base_url="http://x/v1", llm_model="qwen3"), {})
    assert named.default == "qwen3" and named.get("qwen3").model == "qwen3"


def test_the_settings_name_the_file(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "models.yaml"
    path.write_text(GOOD)
    monkeypatch.setenv("TOOLLOOM_MODELS", str(path))
    monkeypatch.setenv("VLLM_KEY", "sk-env")
    configured = load_settings()
    config = load_models(configured, environment())
    assert config.source == str(path) and config.get("gpu").key() == "sk-env"
    monkeypatch.setenv("TOOLLOOM_MODELS", str(tmp_path / "missing.yaml"))
    with pytest.raises(SettingsError, match="TOOLLOOM_MODELS: Value error, no such file"):
        load_settings()


def test_environment_reads_dotenv_under_the_process_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("FROM_FILE=file\nBOTH=file\n")
    monkeypatch.setenv("BOTH", "process")
    env = environment(tmp_path / ".env")
    assert env["FROM_FILE"] == "file" and env["BOTH"] == "process"


def test_the_name_clients_use_for_the_default_is_reserved(settings: Settings) -> None:
    with pytest.raises(ModelsConfigError) as error:
        parse_models("- {name: toolloom, base_url: 'http://a/v1'}", settings=settings, env={})
    assert "entry 'toolloom': name: reserved" in str(error.value)


def test_the_embedded_model_runs_only_when_needed(settings: Settings) -> None:
    plain = parse_models("- {name: gpu, base_url: 'http://a/v1'}", settings=settings, env={})
    assert not plain.needs_embedded() and [e.name for e in plain.served()] == ["gpu"]
    falling = parse_models(
        "- {name: gpu, base_url: 'http://a/v1', fallbacks: [embedded]}", settings=settings, env={}
    )
    assert falling.needs_embedded() and [e.name for e in falling.served()] == ["gpu", "embedded"]
    listed = parse_models(
        "- {name: gpu, base_url: 'http://a/v1'}\n- {name: embedded}", settings=settings, env={}
    )
    assert listed.needs_embedded() and listed.embedded_listed
