from __future__ import annotations

from pathlib import Path

import pytest

from server.settings import SettingsError, load_settings


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    for name in ("TOOLLOOM_LLM_BASE_URL", "TOOLLOOM_PORT", "TOOLLOOM_HOST"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.embedded and settings.port == 8001 and settings.host == "127.0.0.1"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TOOLLOOM_PORT", "99999"),
        ("TOOLLOOM_PORT", "eighty"),
        ("TOOLLOOM_LLM_BASE_URL", "not a url"),
        ("TOOLLOOM_EMBEDDED_MODEL", "/no/such/model.gguf"),
        ("TOOLLOOM_MAX_STEPS", "0"),
        ("TOOLLOOM_HOST", "bad host!"),
        ("TOOLLOOM_INTENT_MODEL", "/no/such/intent_model.json"),
    ],
)
def test_invalid_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert name in str(error.value)


def test_secret_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOOLLOOM_LLM_API_KEY", "sk-very-secret")
    settings = load_settings()
    assert "sk-very-secret" not in repr(settings)


def test_comma_separated_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOOLLOOM_NET_ALLOWED_HOSTS", "api.example.com, data.example.org")
    monkeypatch.setenv("TOOLLOOM_NET_METHODS", "get,head")
    settings = load_settings()
    assert settings.net_allowed_hosts == ("api.example.com", "data.example.org")
    assert settings.net_methods == ("GET", "HEAD")
    monkeypatch.setenv("TOOLLOOM_NET_METHODS", "GET,TRACE")
    with pytest.raises(SettingsError, match="TOOLLOOM_NET_METHODS"):
        load_settings()


def test_database_url_is_checked_and_its_password_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOOLLOOM_DATABASE_URL", "mysql://app:hunter2@db/toolloom")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "TOOLLOOM_DATABASE_URL" in str(error.value) and "hunter2" not in str(error.value)
    monkeypatch.setenv("TOOLLOOM_DATABASE_URL", "postgresql://app:hunter2@db:5432/toolloom")
    settings = load_settings()
    assert "hunter2" not in repr(settings)
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value().endswith("@db:5432/toolloom")
    monkeypatch.setenv("TOOLLOOM_RUN_LEASE", "1")
    with pytest.raises(SettingsError, match="TOOLLOOM_RUN_LEASE"):
        load_settings()


def test_the_embedded_model_uses_the_machines_cores_unless_told() -> None:
    import os

    import psutil

    from backends.embedded import EmbeddedServer

    command = EmbeddedServer(Path("m.gguf")).command()
    threads = command[command.index("--n_threads") + 1]
    batch = command[command.index("--n_threads_batch") + 1]
    assert int(threads) == (psutil.cpu_count(logical=False) or os.cpu_count())
    assert int(batch) == os.cpu_count()
    told = EmbeddedServer(Path("m.gguf"), threads=3).command()
    assert told[told.index("--n_threads") + 1] == told[told.index("--n_threads_batch") + 1] == "3"


def test_the_intent_model_setting_picks_shipped_a_file_or_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from intent.model import DEFAULT_PATH, ArtefactError, IntentModel
    from server.runtime import intent_from

    assert intent_from(load_settings()) is not None  # shipped by default
    monkeypatch.setenv("TOOLLOOM_INTENT_MODEL", "OFF")
    assert intent_from(load_settings()) is None
    monkeypatch.setenv("TOOLLOOM_INTENT_MODEL", str(DEFAULT_PATH))
    model = intent_from(load_settings())
    assert isinstance(model, IntentModel)
    assert model.classify("What is 7*8?").tools == ("calculator",)
    foreign = tmp_path / "model.json"
    foreign.write_text('{"not": "a model"}')
    monkeypatch.setenv("TOOLLOOM_INTENT_MODEL", str(foreign))
    with pytest.raises(ArtefactError):
        intent_from(load_settings())
