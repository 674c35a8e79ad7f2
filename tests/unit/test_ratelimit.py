"""Per-key limits in process (a fake clock, no Redis), and the 429 they produce over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi import Depends, FastAPI, Header
from fastapi.testclient import TestClient

from server import api_error as errors
from server.auth.api_keys import Principal
from server.storage.rate_limits import KeyLimits, RateLimiter, rate_limit_dependency

NOON = datetime(2026, 3, 14, 12, 0, 0, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self, now: float = NOON) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_requests_per_minute_is_a_sliding_window() -> None:
    clock = Clock()
    limiter = RateLimiter(KeyLimits(requests_per_minute=5), clock=clock)
    for second in range(5):  # one request a second
        clock.now = NOON + second
        assert (await limiter.check("alice")).allowed
    clock.now = NOON + 10
    refused = await limiter.check("alice")
    assert not refused.allowed and refused.limit == "requests_per_minute"
    assert refused.retry_after == pytest.approx(50.0)  # the first request leaves at NOON + 60
    assert refused.limit_value == 5 and refused.retry_after_header == "50"
    assert (await limiter.check("bob")).allowed  # limits are per key
    clock.now = NOON + 60  # the first request has left the window: exactly one slot
    assert (await limiter.check("alice")).allowed
    again = await limiter.check("alice")
    assert not again.allowed and again.retry_after == pytest.approx(1.0)
    clock.now = NOON + 65  # all of the first five have left; the one at NOON + 60 has not
    assert [(await limiter.check("alice")).allowed for _ in range(5)] == [True] * 4 + [False]


async def test_refused_requests_are_not_counted() -> None:
    clock = Clock()
    limiter = RateLimiter(KeyLimits(requests_per_minute=2), clock=clock)
    assert (await limiter.check("k")).allowed and (await limiter.check("k")).allowed
    for _ in range(20):  # hammering while refused does not push the window forward
        clock.now += 1
        assert not (await limiter.check("k")).allowed
    clock.now = NOON + 60
    assert (await limiter.check("k")).allowed


async def test_tokens_per_day_refuse_until_utc_midnight() -> None:
    clock = Clock()
    limiter = RateLimiter(KeyLimits(tokens_per_day=1000), clock=clock)
    assert (await limiter.check("alice")).allowed
    await limiter.add_tokens("alice", 600)
    assert (await limiter.check("alice")).allowed  # 600 < 1000: the next request may run
    await limiter.add_tokens("alice", 600)  # that request crossed the limit
    assert await limiter.tokens_used("alice") == 1200
    refused = await limiter.check("alice")
    assert not refused.allowed and refused.limit == "tokens_per_day"
    assert refused.retry_after == pytest.approx(12 * 3600)  # noon to midnight UTC
    assert "1000 tokens per day" in refused.message()
    assert (await limiter.check("bob")).allowed
    clock.now = NOON + 12 * 3600  # the next UTC day
    assert (await limiter.check("alice")).allowed and await limiter.tokens_used("alice") == 0


async def test_per_key_overrides_and_zero_means_no_limit() -> None:
    overrides = {
        "batch": KeyLimits(requests_per_minute=0),  # unlimited requests, default tokens
        "trial": KeyLimits(requests_per_minute=1, tokens_per_day=10),
    }
    limiter = RateLimiter(
        KeyLimits(requests_per_minute=3, tokens_per_day=100),
        limits_for=overrides.get,
        clock=Clock(),
    )
    assert limiter.limits("batch") == (0, 100)
    assert limiter.limits("trial") == (1, 10)
    assert limiter.limits("someone") == (3, 100)
    assert all([(await limiter.check("batch")).allowed for _ in range(50)])
    assert [(await limiter.check("someone")).allowed for _ in range(4)] == [True] * 3 + [False]
    assert [(await limiter.check("trial")).allowed for _ in range(2)] == [True, False]
    await limiter.add_tokens("batch", 100)
    assert (await limiter.check("batch")).limit == "tokens_per_day"


async def test_no_limits_costs_nothing_and_allows_everything() -> None:
    limiter = RateLimiter(KeyLimits(0, 0))
    assert not limiter.enabled
    assert all([(await limiter.check("k")).allowed for _ in range(100)])
    assert limiter._local.hits == {}  # nothing was even counted


async def test_a_failing_override_lookup_falls_back_to_the_defaults(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(name: str) -> KeyLimits:
        raise RuntimeError("database is locked")

    limiter = RateLimiter(KeyLimits(requests_per_minute=1), limits_for=broken, clock=Clock())
    assert (await limiter.check("k")).allowed
    assert not (await limiter.check("k")).allowed
    assert "per-key limits for 'k' could not be read" in caplog.text


def make_app(limiter: RateLimiter) -> FastAPI:
    app = FastAPI()
    errors.install(app)

    def get_principal(x_key: str = Header("anonymous")) -> Principal:
        return Principal(x_key)

    limited = rate_limit_dependency(lambda: limiter, get_principal)

    @app.post("/v1/chat/completions")
    async def chat(principal: Principal = Depends(limited)) -> dict[str, str]:  # noqa: B008
        return {"caller": principal.name}

    @app.post("/agent/invoke")
    async def invoke(principal: Principal = Depends(limited)) -> dict[str, str]:  # noqa: B008
        return {"caller": principal.name}

    return app


def test_the_sixth_request_in_a_minute_gets_429_with_retry_after() -> None:
    limiter = RateLimiter(KeyLimits(requests_per_minute=5), clock=Clock())
    with TestClient(make_app(limiter)) as client:
        for _ in range(5):
            response = client.post("/v1/chat/completions", headers={"X-Key": "alice"})
            assert response.status_code == 200 and response.json() == {"caller": "alice"}
        response = client.post("/v1/chat/completions", headers={"X-Key": "alice"})
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "60"
        error = response.json()["error"]
        assert error["code"] == "rate_limit_exceeded"
        assert error["type"] == "rate_limit_error"
        assert error["param"] == "requests_per_minute"
        assert error["message"].startswith("Rate limit reached: 5 requests per minute")
        # another key is not affected; outside /v1 the same refusal is FastAPI's shape
        assert client.post("/v1/chat/completions", headers={"X-Key": "bob"}).status_code == 200
        other = client.post("/agent/invoke", headers={"X-Key": "alice"})
        assert other.status_code == 429 and other.headers["Retry-After"] == "60"
        assert other.json()["detail"].startswith("Rate limit reached")


def test_the_openai_client_sees_a_rate_limit_error() -> None:
    import openai

    limiter = RateLimiter(KeyLimits(requests_per_minute=1), clock=Clock())
    with TestClient(make_app(limiter)) as http:
        client = openai.OpenAI(
            base_url="http://testserver/v1", api_key="k", http_client=http, max_retries=0
        )
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
        with pytest.raises(openai.RateLimitError) as error:
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
        assert error.value.response.headers["retry-after"] == "60"
        assert error.value.code == "rate_limit_exceeded"


def test_limits_and_redis_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from server.settings import SettingsError, load_settings
    from server.storage.rate_limits import limiter_from_settings
    from server.storage.redis_link import redis_from_settings

    monkeypatch.setenv("TOOLLOOM_RATE_LIMIT_RPM", "5")
    monkeypatch.setenv("TOOLLOOM_TOKENS_PER_DAY", "100000")
    monkeypatch.delenv("TOOLLOOM_REDIS_URL", raising=False)
    settings = load_settings()
    limiter = limiter_from_settings(settings)
    assert limiter.limits("anyone") == (5, 100000) and limiter.link is None
    assert redis_from_settings(settings) is None

    monkeypatch.setenv("TOOLLOOM_REDIS_URL", "redis://:hunter2@cache.internal:6379/1")
    settings = load_settings()
    assert "hunter2" not in repr(settings)
    client = redis_from_settings(settings)
    assert client is not None
    assert client.connection_pool.connection_kwargs["password"] == "hunter2"
    assert client.connection_pool.connection_kwargs["db"] == 1
    assert limiter_from_settings(settings, redis=client).link is not None

    monkeypatch.setenv("TOOLLOOM_REDIS_URL", "http://:hunter2@cache.internal")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "TOOLLOOM_REDIS_URL: Value error, must start with redis://" in str(error.value)
    assert "hunter2" not in str(error.value)
    monkeypatch.setenv("TOOLLOOM_REDIS_URL", "redis://localhost")
    monkeypatch.setenv("TOOLLOOM_RATE_LIMIT_RPM", "-1")
    with pytest.raises(SettingsError, match="TOOLLOOM_RATE_LIMIT_RPM"):
        load_settings()
