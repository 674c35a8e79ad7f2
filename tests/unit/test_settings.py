from __future__ import annotations

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
