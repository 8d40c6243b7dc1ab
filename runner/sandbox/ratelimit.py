"""Imgur's credit budgets: per user, per app, and for POSTs, with their headers.

A call costs 1 credit, an upload 10 and an OAuth call nothing. The user budget
is per address (Imgur identifies users by IP) and resets hourly; the app budget
is shared by every caller of the sandbox and resets daily; POSTs have their own
hourly count per address. A call the budgets cannot pay for gets a 429.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from runner.catalog import Endpoint
from runner.sandbox.clock import Clock
from runner.sandbox.errors import RateLimited

UPLOAD_COST = 10
HOUR = 3600
DAY = 86400


@dataclass(frozen=True)
class RateLimits:
    """How many credits each budget holds and how often it refills."""

    user_limit: int = 2000
    user_period: int = HOUR
    client_limit: int = 12500
    client_period: int = DAY
    post_limit: int = 1250
    post_period: int = HOUR


def cost(endpoint: Endpoint) -> int:
    """Credits a call to `endpoint` spends."""
    if endpoint.name == "image.upload":
        return UPLOAD_COST
    return 0 if endpoint.group == "auth" else 1


@dataclass
class Bucket:
    """One budget: what is left of the limit until the reset time."""

    limit: int
    period: int
    remaining: int
    reset_at: float

    def refill(self, now: float) -> None:
        if now >= self.reset_at:
            self.remaining = self.limit
            self.reset_at = now + self.period

    def seconds_left(self, now: float) -> int:
        return max(0, math.ceil(self.reset_at - now))


class RateLimiter:
    """Spends credits from the budgets and describes them in headers."""

    def __init__(self, limits: RateLimits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        self.client = self._bucket(limits.client_limit, limits.client_period)
        self._users: dict[str, Bucket] = {}
        self._posts: dict[str, Bucket] = {}

    def _bucket(self, limit: int, period: int) -> Bucket:
        return Bucket(limit, period, limit, self.clock() + period)

    def user(self, address: str) -> Bucket:
        if address not in self._users:
            limits = self.limits
            self._users[address] = self._bucket(limits.user_limit, limits.user_period)
        return self._refilled(self._users[address])

    def posts(self, address: str) -> Bucket:
        if address not in self._posts:
            limits = self.limits
            self._posts[address] = self._bucket(limits.post_limit, limits.post_period)
        return self._refilled(self._posts[address])

    def _refilled(self, bucket: Bucket) -> Bucket:
        bucket.refill(self.clock())
        return bucket

    def charge(self, address: str, credits: int, post: bool) -> None:
        """Spend `credits` (and one POST) or spend nothing.

        Raises:
            RateLimited: a budget cannot pay; it says when that budget refills.
        """
        self._refilled(self.client)
        spends = [(self.user(address), credits), (self.client, credits)]
        if post and credits:
            spends.append((self.posts(address), 1))
        short = [bucket for bucket, amount in spends if bucket.remaining < amount]
        if short:
            now = self.clock()
            raise RateLimited(max(b.seconds_left(now) for b in short))
        for bucket, amount in spends:
            bucket.remaining -= amount

    def headers(self, address: str, post: bool) -> dict[str, str]:
        """The X-RateLimit-* headers (and X-Post-Rate-Limit-* for a POST)."""
        user = self.user(address)
        client = self._refilled(self.client)
        headers = {
            "X-RateLimit-UserLimit": str(user.limit),
            "X-RateLimit-UserRemaining": str(user.remaining),
            "X-RateLimit-UserReset": str(int(user.reset_at)),
            "X-RateLimit-ClientLimit": str(client.limit),
            "X-RateLimit-ClientRemaining": str(client.remaining),
        }
        if post:
            headers.update(self._post_headers(self.posts(address)))
        return headers

    def _post_headers(self, posts: Bucket) -> dict[str, str]:
        # Unlike the user reset (an epoch time), this reset is in seconds.
        return {
            "X-Post-Rate-Limit-Limit": str(posts.limit),
            "X-Post-Rate-Limit-Remaining": str(posts.remaining),
            "X-Post-Rate-Limit-Reset": str(posts.seconds_left(self.clock())),
        }

    def credits(self, address: str) -> dict[str, int]:
        """What ``GET /3/credits`` answers."""
        user = self.user(address)
        return {
            "UserLimit": user.limit,
            "UserRemaining": user.remaining,
            "UserReset": int(user.reset_at),
            "ClientLimit": self.client.limit,
            "ClientRemaining": self._refilled(self.client).remaining,
        }
