"""Token buckets in process memory: a limit applies per worker process, not across all of them."""

from __future__ import annotations

import math
import threading
import time


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up; each request takes one."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: int, now: float | None = None) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self.tokens = float(self.burst)
        self.stamp = time.monotonic() if now is None else now

    def take(self, now: float) -> float:
        """0 when a token was taken, else the seconds until one will be there."""
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        if self.rate <= 0:
            return 3600.0
        return (1 - self.tokens) / self.rate


class RateLimiter:
    def __init__(self, max_keys: int = 50_000) -> None:
        self._buckets: dict[object, TokenBucket] = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def hit(self, key: object, rate: float, burst: int) -> int:
        """0 when allowed, else the whole seconds to wait (for Retry-After)."""
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None or bucket.rate != rate or bucket.burst != max(1, burst):
                if len(self._buckets) >= self._max_keys:
                    self._buckets.clear()
                bucket = self._buckets[key] = TokenBucket(rate, burst, now)
            wait = bucket.take(now)
        return 0 if wait == 0 else max(1, math.ceil(wait))

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
