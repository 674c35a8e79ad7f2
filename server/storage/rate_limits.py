"""Per-key limits: requests per minute and model tokens per day, answered with 429.

- **Requests per minute**: at most N requests in any 60 seconds (a sliding window: the times of
  the last N accepted requests are kept). A refused request is not counted; its ``retry_after``
  is when the oldest counted request leaves the window.
- **Tokens per day**: the model tokens (prompt + completion) a key used since 00:00 UTC. Tokens
  are only known after a request, so :meth:`RateLimiter.check` refuses once the day's count has
  reached the limit (the request that crosses it finishes); ``retry_after`` is the next midnight.

Limits come from the settings (``TOOLLOOM_RATE_LIMIT_RPM``, ``TOOLLOOM_TOKENS_PER_DAY``; 0 = no
limit) unless ``limits_for(key_name)`` gives an override for that key (``None`` in a field: the
default; 0: no limit for that key).

With Redis (``TOOLLOOM_REDIS_URL``) the counts are shared by every process: one Lua script
checks and counts atomically on Redis's own clock, so two replicas together accept exactly N a
minute. Without Redis, or while it is unreachable, each process counts on its own (one warning
when Redis goes away; Redis is used again when it answers; a request never fails because of it).
Counts kept in process during an outage are not copied to Redis, and a Redis without persistence
forgets counts when it restarts: limits are a guard, not an invoice.

The core knows nothing of HTTP; :func:`rate_limit_error` and :func:`rate_limit_dependency` turn
a refusal into the 429 the API sends (OpenAI's error JSON under /v1, with ``Retry-After``).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from fastapi import Depends
from redis.asyncio import Redis

from server.api_error import ApiError
from server.settings import Settings
from server.storage.redis_link import DEFAULT_RETRY_INTERVAL, RedisLink

log = logging.getLogger(__name__)

LimitName = Literal["requests_per_minute", "tokens_per_day"]
WINDOW_SECONDS = 60.0
DAY_KEY_TTL = 2 * 86400  # a day's token count outlives its day by one (for clock skew)

# KEYS[1]: the key's request times (a sorted set, score = microseconds on Redis's clock)
# KEYS[2]: today's token count. ARGV: rpm limit, tokens/day limit (0 = none), a unique member.
# Returns {allowed (1/0), which (0 none, 1 rpm, 2 tokens), retry after (microseconds), count}.
_CHECK_SCRIPT = """
local rpm = tonumber(ARGV[1])
local tpd = tonumber(ARGV[2])
if tpd > 0 then
  local used = tonumber(redis.call('GET', KEYS[2]) or '0')
  if used >= tpd then
    return {0, 2, 0, used}
  end
end
if rpm > 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local window = 60000000
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[1])
  if count >= rpm then
    local oldest = redis.call('ZRANGE', KEYS[1], count - rpm, count - rpm, 'WITHSCORES')
    return {0, 1, tonumber(oldest[2]) + window - now, count}
  end
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], 61000)
end
return {1, 0, 0, 0}
"""


@dataclass(frozen=True)
class KeyLimits:
    """Limits for one key. ``None``: the default from the settings; 0: no limit."""

    requests_per_minute: int | None = None
    tokens_per_day: int | None = None


@dataclass(frozen=True)
class Decision:
    """The answer for one request: allowed, or which limit refused it and for how long."""

    allowed: bool
    limit: LimitName | None = None
    retry_after: float = 0.0
    """Seconds until a request would be accepted (0 when allowed)."""
    limit_value: int = 0
    """The limit that refused the request (requests per minute or tokens per day)."""

    @property
    def retry_after_header(self) -> str:
        """``Retry-After`` in whole seconds, at least 1."""
        return str(max(1, math.ceil(self.retry_after)))

    def message(self) -> str:
        if self.allowed:
            return "allowed"
        wait = self.retry_after_header
        if self.limit == "tokens_per_day":
            return (
                f"Rate limit reached: {self.limit_value} tokens per day (UTC) for this API key; "
                f"try again in {wait} s."
            )
        return (
            f"Rate limit reached: {self.limit_value} requests per minute for this API key; "
            f"try again in {wait} s."
        )


ALLOWED = Decision(True)


class _LocalCounts:
    """The in-process counts (no Redis, or Redis unreachable)."""

    def __init__(self) -> None:
        self.hits: dict[str, deque[float]] = {}
        self.tokens: dict[str, int] = {}
        self.day = ""
        self._checks = 0

    def _roll_day(self, day: str) -> None:
        if day != self.day:
            self.day = day
            self.tokens.clear()

    def check(self, key: str, rpm: int, tpd: int, now: float, day: str) -> Decision:
        self._roll_day(day)
        if tpd > 0 and self.tokens.get(key, 0) >= tpd:
            return Decision(False, "tokens_per_day", _seconds_to_midnight(now), tpd)
        if rpm > 0:
            hits = self.hits.setdefault(key, deque())
            while hits and hits[0] <= now - WINDOW_SECONDS:
                hits.popleft()
            if len(hits) >= rpm:
                oldest = hits[len(hits) - rpm]
                return Decision(False, "requests_per_minute", oldest + WINDOW_SECONDS - now, rpm)
            hits.append(now)
            self._sweep(now)
        return ALLOWED

    def add_tokens(self, key: str, n: int, day: str) -> None:
        self._roll_day(day)
        self.tokens[key] = self.tokens.get(key, 0) + n

    def _sweep(self, now: float) -> None:
        """Forget keys idle for a minute (every 1000 checks), so memory follows active keys."""
        self._checks += 1
        if self._checks % 1000:
            return
        idle = [k for k, hits in self.hits.items() if not hits or hits[-1] <= now - WINDOW_SECONDS]
        for key in idle:
            del self.hits[key]


class RateLimiter:
    """Per-key request and token limits, shared through Redis when a client is given."""

    def __init__(
        self,
        defaults: KeyLimits,
        *,
        limits_for: Callable[[str], KeyLimits | None] | None = None,
        redis: Redis | None = None,
        prefix: str = "toolloom:rl:",
        retry_interval: float = DEFAULT_RETRY_INTERVAL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.defaults = KeyLimits(defaults.requests_per_minute or 0, defaults.tokens_per_day or 0)
        self.limits_for = limits_for
        self.prefix = prefix
        self.link = (
            RedisLink(redis, purpose="rate limits", retry_interval=retry_interval)
            if redis is not None
            else None
        )
        self._script = redis.register_script(_CHECK_SCRIPT) if redis is not None else None
        self._clock = clock
        self._local = _LocalCounts()
        self._quiet_until = 0.0

    def limits(self, key: str) -> tuple[int, int]:
        """(requests per minute, tokens per day) in force for ``key``; 0 = no limit."""
        override: KeyLimits | None = None
        if self.limits_for is not None:
            try:
                override = self.limits_for(key)
            except Exception:  # a failing override lookup must not fail the request
                now = time.monotonic()
                if now >= self._quiet_until:  # one line a minute, not one per request
                    self._quiet_until = now + 60
                    log.warning(
                        "per-key limits for %r could not be read; using the defaults",
                        key,
                        exc_info=True,
                    )
        rpm = self.defaults.requests_per_minute or 0
        tpd = self.defaults.tokens_per_day or 0
        if override is not None:
            if override.requests_per_minute is not None:
                rpm = override.requests_per_minute
            if override.tokens_per_day is not None:
                tpd = override.tokens_per_day
        return rpm, tpd

    @property
    def enabled(self) -> bool:
        """False when no limit is set anywhere (the check is then free)."""
        return self.limits_for is not None or any(
            (self.defaults.requests_per_minute, self.defaults.tokens_per_day)
        )

    async def check(self, key: str) -> Decision:
        """Count one request for ``key`` if every limit allows it; otherwise say which refused."""
        rpm, tpd = self.limits(key)
        if rpm <= 0 and tpd <= 0:
            return ALLOWED
        now = self._clock()
        day = _utc_day(now)
        if self.link is not None and self._script is not None:
            script = self._script
            keys = [self._rpm_key(key), self._tokens_key(key, day)]
            args: list[str | int] = [rpm, tpd, uuid.uuid4().hex]

            async def run(_: Redis) -> Any:
                return await script(keys=keys, args=args)

            answered, result = await self.link.run(run)
            if answered and result is not None:
                allowed, which, wait_us, _count = (int(v) for v in result)
                if allowed:
                    return ALLOWED
                if which == 2:
                    return Decision(False, "tokens_per_day", _seconds_to_midnight(now), tpd)
                return Decision(False, "requests_per_minute", max(0.0, wait_us / 1e6), rpm)
        return self._local.check(key, rpm, tpd, now, day)

    async def add_tokens(self, key: str, n: int) -> None:
        """Count ``n`` model tokens (prompt + completion) used by ``key`` today."""
        if n <= 0:
            return
        day = _utc_day(self._clock())
        if self.link is not None:
            name = self._tokens_key(key, day)

            async def run(client: Redis) -> Any:
                async with client.pipeline(transaction=True) as pipe:
                    pipe.incrby(name, n)
                    pipe.expire(name, DAY_KEY_TTL)
                    return await pipe.execute()

            answered, _ = await self.link.run(run)
            if answered:
                return
        self._local.add_tokens(key, n, day)

    async def tokens_used(self, key: str) -> int:
        """Tokens ``key`` used today (from Redis when it answers)."""
        day = _utc_day(self._clock())
        if self.link is not None:
            name = self._tokens_key(key, day)

            async def run(client: Redis) -> Any:
                return await client.get(name)

            answered, value = await self.link.run(run)
            if answered:
                return int(value or 0)
        self._local._roll_day(day)
        return self._local.tokens.get(key, 0)

    # The key's name in braces: a Redis Cluster keeps both of a key's counts in one slot (the
    # script touches both).
    def _rpm_key(self, key: str) -> str:
        return f"{self.prefix}{{{key}}}:rpm"

    def _tokens_key(self, key: str, day: str) -> str:
        return f"{self.prefix}{{{key}}}:tpd:{day}"


class StoredLimits:
    """The per-key overrides stored with the keys (``toolloom keys limits``), as the limiter's
    ``limits_for``: a lookup in memory, refreshed from the database by :meth:`refresh` (called
    on the request path, off the event loop) at most every ``every`` seconds, so a change made
    with ``toolloom keys`` applies on every replica within about a second. A database that cannot
    be read keeps the last values (one warning a minute), never fails a request."""

    def __init__(
        self,
        load: Callable[[], Mapping[str, tuple[int | None, int | None]]],
        *,
        every: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.load = load
        self.every = every
        self._clock = clock
        self._limits: dict[str, KeyLimits] = {}
        self._loaded_at: float | None = None
        self._lock = asyncio.Lock()
        self._quiet_until = 0.0

    def __call__(self, key: str) -> KeyLimits | None:
        return self._limits.get(key)

    def _fresh(self) -> bool:
        return self._loaded_at is not None and self._clock() - self._loaded_at < self.every

    async def refresh(self) -> None:
        if self._fresh():
            return
        async with self._lock:
            if self._fresh():  # another request refreshed while this one waited
                return
            try:
                rows = await asyncio.to_thread(self.load)
            except Exception:
                now = self._clock()
                if now >= self._quiet_until:
                    self._quiet_until = now + 60
                    log.warning(
                        "per-key limits could not be read; using the last known", exc_info=True
                    )
            else:
                self._limits = {name: KeyLimits(rpm, tpd) for name, (rpm, tpd) in rows.items()}
            self._loaded_at = self._clock()


def limiter_from_settings(
    settings: Settings,
    *,
    redis: Redis | None = None,
    limits_for: Callable[[str], KeyLimits | None] | None = None,
) -> RateLimiter:
    """The limiter for the server: defaults from the settings, Redis if a client is given
    (``server.storage.redis_link.make_redis(settings.redis_url...)``, made in the lifespan)."""
    return RateLimiter(
        KeyLimits(settings.rate_limit_rpm, settings.tokens_per_day),
        limits_for=limits_for,
        redis=redis,
    )


# --- HTTP -------------------------------------------------------------------------------------------


def rate_limit_error(decision: Decision) -> ApiError:
    """The 429 for a refused request: OpenAI's error JSON (``code: rate_limit_exceeded``) under
    /v1, ``{"detail": ...}`` elsewhere, with ``Retry-After`` in seconds."""
    return ApiError(
        429,
        decision.message(),
        code="rate_limit_exceeded",
        param=decision.limit,
        headers={"Retry-After": decision.retry_after_header},
    )


async def enforce(limiter: RateLimiter, key: str) -> None:
    """Raise the 429 :class:`ApiError` when ``key`` is over a limit; count the request otherwise."""
    decision = await limiter.check(key)
    if not decision.allowed:
        raise rate_limit_error(decision)


def rate_limit_dependency(
    get_limiter: Callable[..., Any], get_principal: Callable[..., Any]
) -> Callable[..., Awaitable[Any]]:
    """A FastAPI dependency that authenticates (through ``get_principal``), applies the caller's
    limits and returns the principal: use it where routes use ``get_principal`` today."""

    async def limited_principal(
        limiter: RateLimiter = Depends(get_limiter),  # noqa: B008 - FastAPI's dependency idiom
        principal: Any = Depends(get_principal),  # noqa: B008 - anything with a ``name``
    ) -> Any:
        await enforce(limiter, principal.name)
        return principal

    return limited_principal


# --- time -------------------------------------------------------------------------------------------


def _utc_day(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).strftime("%Y%m%d")


def _seconds_to_midnight(now: float) -> float:
    moment = datetime.fromtimestamp(now, UTC)
    midnight = (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - moment).total_seconds()
