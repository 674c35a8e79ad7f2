"""The optional Redis that replicas share (per-key limits, the response cache), and what happens
when it goes away.

Redis is a help, never a dependency of a request: every use goes through :class:`RedisLink`,
which says whether Redis may be tried now, logs one warning when it stops answering, keeps
callers on their in-process fallback for ``retry_interval`` seconds, then tries Redis again and
logs once when it is back. Commands time out after ``timeout`` seconds (a hung Redis costs a
request at most that once per ``retry_interval``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from server.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_TIMEOUT = 0.5
DEFAULT_RETRY_INTERVAL = 2.0


def make_redis(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> Redis:
    """An asyncio Redis client for ``url`` with short timeouts and one immediate retry (a pooled
    connection that died with a Redis restart is replaced at once, not after a backoff).

    Connections are opened lazily on the running event loop: create the client in the app's
    lifespan and close it there (``await client.aclose()``).
    """
    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 1),
        health_check_interval=0,
    )


def redis_from_settings(settings: Settings) -> Redis | None:
    """The client for ``TOOLLOOM_REDIS_URL``, or None when it is unset (call in the lifespan)."""
    if settings.redis_url is None:
        return None
    return make_redis(settings.redis_url.get_secret_value())


class RedisLink:
    """A Redis client plus its health: whether to try it, and the log lines when that changes."""

    def __init__(
        self,
        client: Redis,
        *,
        purpose: str,
        retry_interval: float = DEFAULT_RETRY_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.purpose = purpose
        self.retry_interval = retry_interval
        self._clock = clock
        self._down_since: float | None = None
        self._retry_at = 0.0

    @property
    def down(self) -> bool:
        """True while Redis is considered unavailable (the fallback is in use)."""
        return self._down_since is not None

    def usable(self) -> bool:
        """Try Redis now? False while it is down and the retry interval has not passed."""
        return self._down_since is None or self._clock() >= self._retry_at

    def failed(self, exc: BaseException) -> None:
        """A command failed: warn once per outage and stay away for ``retry_interval``."""
        now = self._clock()
        if self._down_since is None:
            self._down_since = now
            log.warning(
                "Redis unavailable for %s (%s: %s); using the in-process fallback, retrying "
                "every %g s",
                self.purpose,
                type(exc).__name__,
                exc,
                self.retry_interval,
            )
        self._retry_at = now + self.retry_interval

    def succeeded(self) -> None:
        if self._down_since is not None:
            log.info(
                "Redis is back for %s after %.1f s; using it again",
                self.purpose,
                self._clock() - self._down_since,
            )
            self._down_since = None

    async def run(self, command: Callable[[Redis], Awaitable[T]]) -> tuple[bool, T | None]:
        """``(True, result)`` when Redis answered; ``(False, None)`` when it is down or failed
        (the caller then uses its fallback). Never raises for a Redis problem."""
        if not self.usable():
            return False, None
        try:
            result = await command(self.client)
        except Exception as exc:  # any Redis or socket failure: degrade, never fail the request
            self.failed(exc)
            return False, None
        self.succeeded()
        return True, result
