"""What came back from Imgur (or the proxy), and the error it stands for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from runner.errors import ApiError
from runner.ratelimit import TOO_MANY_REQUESTS, limit_resets, passing, retry_after

# Imgur's bodies nest a handful of levels; far deeper is no answer of Imgur's,
# and would exhaust Python's recursion wherever the body is read.
MOST_NESTING = 64
UNUSABLE = "Imgur answered with a body that is not usable JSON ({})"


@dataclass
class Reply:
    """What came back: status, headers and the unwrapped Imgur body."""

    method: str
    url: str  # redacted
    status: int
    headers: dict[str, str]
    body: Any
    elapsed: float = 0.0
    json: bool = True
    content_type: str | None = None
    problem: str | None = None  # what the transport knows of a failure
    hint: str | None = None  # what may fix a failure, added to its message

    def document(self) -> dict[str, Any]:
        """The body as JMESPath sees it, with HTTP status and headers added."""
        base = (
            dict(self.body) if isinstance(self.body, Mapping) else {"data": self.body}
        )
        return {**base, "status": self.status, "headers": self.headers}


def decode(response: requests.Response) -> tuple[Any, str | None]:
    """The JSON body of `response` (None when empty) and why it is unusable, if so.

    A page that is not JSON at all (a proxy's HTML error page) is no problem
    here: the reply's content type tells it.
    """
    if not response.content:
        return None, None
    try:
        body = response.json()
    except RecursionError:
        return None, UNUSABLE.format(f"nested more than {MOST_NESTING} levels deep")
    except ValueError:  # UnicodeDecodeError included
        if "json" not in (response.headers.get("Content-Type") or ""):
            return None, None
        return None, UNUSABLE.format("it is cut short or not valid JSON")
    if _nesting(body) > MOST_NESTING:
        return None, UNUSABLE.format(f"nested more than {MOST_NESTING} levels deep")
    return body, None


def _nesting(body: Any) -> int:
    """How many lists and objects deep `body` goes, counted without recursion."""
    deepest = 0
    pending = [(body, 1)]
    while pending and deepest <= MOST_NESTING:
        value, depth = pending.pop()
        if isinstance(value, Mapping):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            pending.extend((item, depth + 1) for item in value)
    return deepest


def reply_error(reply: Reply) -> ApiError | None:
    """The error a reply stands for, with its status and Imgur's words."""
    body_status = reply.body.get("status") if isinstance(reply.body, Mapping) else None
    status = reply.status
    if status < 400 and isinstance(body_status, int) and body_status >= 400:
        status = body_status  # `_fake_status` style: 200 outside, error inside
    if status < 400 and reply.json and reply.problem is None:
        return None
    message = reply.problem or _reply_message(reply)
    resets = limit_resets(reply.headers) if status == TOO_MANY_REQUESTS else None
    if resets:
        message += f"; {resets}"
    if reply.hint:
        message += f"; {reply.hint}"
    return ApiError(
        f"{reply.method} {reply.url} failed with HTTP {status}: {message}",
        http_status=status,
        retryable=passing(status),
        retry_after=retry_after(reply.headers),
    )


def _reply_message(reply: Reply) -> str:
    if reply.json:
        return error_message(reply.body) or "no error message"
    return f"a body that is not JSON ({reply.content_type or 'no type'})"


def error_message(body: Any) -> str | None:
    """The error text in any of Imgur's (or the proxy's) error shapes."""
    if not isinstance(body, Mapping):
        return None
    data = body.get("data")
    if isinstance(data, Mapping) and "error" in data:
        return _error_text(data["error"])
    if isinstance(body.get("errors"), list) and body["errors"]:
        return "; ".join(_error_text(e) for e in body["errors"])
    if "error" in body:
        return _error_text(body["error"])
    if isinstance(body.get("message"), str):
        return str(body["message"])
    return None


def _error_text(error: Any) -> str:
    if isinstance(error, str):
        return error
    if isinstance(error, Mapping):
        nested = error_message(error)
        if nested:
            return nested
        for key in ("detail", "title", "status", "code"):
            if error.get(key):
                return str(error[key])
    return str(error)
