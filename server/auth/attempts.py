"""Failed authentications per client address, in a sliding 60-second window.

After ``limit`` failures (401s to a credential that was tried: a request that carried none is
not an attempt) from one address within 60 seconds, every further request from
that address is answered 429 with ``Retry-After`` (the seconds until its oldest failure leaves the
window), before its credentials are looked at: a key guesser is slowed to ``limit`` tries a
minute, and a custom handler that asks an identity provider is not called for it. Other
addresses are not affected. With Redis the counts are shared by every replica (one Lua script
each, on Redis's clock); without it, or while it is away, each process counts on its own.
"""

from __future__ import annotations

import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis

from server.storage.redis_link import RedisLink

WINDOW = 60.0
MAX_ADDRESSES = 100_000
"""In-process: most addresses tracked (the idle ones are dropped first)."""

# KEYS[1]: the address's failure times (a sorted set, score = microseconds on Redis's clock).
# ARGV[1]: the limit; ARGV[2]: 1 to add a failure, 0 to only check; ARGV[3]: a unique member.
# Returns microseconds until the address may try again (0: not blocked).
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = 60000000
local limit = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if ARGV[2] == '1' then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], 61000)
end
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end
return 0
"""


class FailureLimiter:
    def __init__(
        self,
        limit: int,
        *,
        redis: Redis | None = None,
        prefix: str = "toolloom:authfail:",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.prefix = prefix
        self.link = RedisLink(redis, purpose="failed-auth limits") if redis is not None else None
        self._script = redis.register_script(_SCRIPT) if redis is not None else None
        self._clock = clock
        self._local: dict[str, deque[float]] = {}

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    async def blocked(self, address: str) -> float:
        """Seconds until ``address`` may try again (0: it may now)."""
        return await self._call(address, add=False)

    async def failed(self, address: str) -> float:
        """Count one failure of ``address``; seconds it must now wait (0: none)."""
        return await self._call(address, add=True)

    async def _call(self, address: str, *, add: bool) -> float:
        if not self.enabled:
            return 0.0
        if self.link is not None and self._script is not None:
            script = self._script
            args: list[Any] = [self.limit, "1" if add else "0", uuid.uuid4().hex]

            async def run(_: Redis) -> Any:
                return await script(keys=[self.prefix + address], args=args)

            answered, result = await self.link.run(run)
            if answered and result is not None:
                return max(0.0, int(result) / 1e6)
        return self._local_call(address, add)

    def _local_call(self, address: str, add: bool) -> float:
        now = self._clock()
        hits = self._local.get(address)
        if hits is None:
            if not add:
                return 0.0
            if len(self._local) >= MAX_ADDRESSES:
                self._sweep(now)
            hits = self._local[address] = deque()
        while hits and hits[0] <= now - WINDOW:
            hits.popleft()
        if add:
            hits.append(now)
        if len(hits) >= self.limit:
            return max(0.0, hits[-self.limit] + WINDOW - now)
        if not hits:
            del self._local[address]
        return 0.0

    def _sweep(self, now: float) -> None:
        idle = [a for a, hits in self._local.items() if not hits or hits[-1] <= now - WINDOW]
        for address in idle:
            del self._local[address]
        while len(self._local) >= MAX_ADDRESSES:  # all busy: drop the oldest-seen
            del self._local[next(iter(self._local))]
