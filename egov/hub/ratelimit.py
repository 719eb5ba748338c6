"""The hub's limiters (per worker process; see egov.core.ratelimit)."""

from egov.core.ratelimit import RateLimiter, TokenBucket

__all__ = ["RateLimiter", "TokenBucket", "systems", "unauthenticated_log"]

systems = RateLimiter()
# Limits how often a caller that failed to authenticate gets a rejection row written (not how often it may try).
unauthenticated_log = RateLimiter(max_keys=10_000)
