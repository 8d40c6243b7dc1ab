"""Imgur's rate limits as its answers tell them: what is spent, when it is back.

Imgur counts credits per app (a daily budget) and per user (an hourly one),
and POST requests per address; a 429 says one of them is spent. Its headers
say which, and when it fills up again.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime

TOO_MANY_REQUESTS = 429
NOT_IMPLEMENTED = 501


def passing(status: int) -> bool:
    """Whether an error status says the failure may pass: try again later.

    A 429 passes once credits come back and a 5xx once Imgur recovers; a
    501 says the call will never work.
    """
    return status == TOO_MANY_REQUESTS or (status >= 500 and status != NOT_IMPLEMENTED)


def limit_resets(headers: Mapping[str, str]) -> str | None:
    """When the spent rate limits fill up again, as the headers tell it.

    Imgur's user reset is an epoch time, the POST reset a count of seconds.
    A budget with credits left can still refuse a dearer call (an upload
    costs 10), so without one at zero the user reset is the likeliest.
    """
    said = []
    posts_reset = _number(headers, "x-post-rate-limit-reset")
    if _number(headers, "x-post-rate-limit-remaining") == 0 and posts_reset:
        said.append(f"the POST limit resets in {_duration(posts_reset)}")
    if _number(headers, "x-ratelimit-clientremaining") == 0:
        reset = _number(headers, "x-ratelimit-clientreset")
        until = f" until {_moment(reset)}" if reset else " for today"
        said.append(f"the app's credits are used up{until}")
    user_reset = _number(headers, "x-ratelimit-userreset")
    user_spent = _number(headers, "x-ratelimit-userremaining") == 0
    if user_reset and (user_spent or not said):
        said.append(f"the user credits reset at {_moment(user_reset)}")
    return "; ".join(said) or None


def retry_after(headers: Mapping[str, str]) -> float | None:
    """The seconds a ``Retry-After`` header asks to wait, if it gives a number."""
    value = headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _number(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name, "").strip()
    return int(value) if value.isdigit() else None


def _moment(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"
