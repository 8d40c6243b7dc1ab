"""Misbehaviour on demand: the next answers a test wants to go wrong.

A test schedules faults on ``Sandbox.faults``; the Imgur app serves the first
pending fault that matches a request instead of answering it, before the call
is authorized, charged or handled, so a faulted call changes nothing and costs
no credits. A fault of status 200 is a slow answer: the call is answered as
usual, only after the fault's delay. A fault can say what the error reads
(`message`) and in which of Imgur's error shapes (`style`), or give the whole
body (`body`, served as JSON: a cut-short or otherwise broken one).

A fault ``at="lowcodeapi"`` is served by the LowCodeAPI front before it routes
the call, as a gateway in front of the proxy would; the Imgur app never
sees that call.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass
from html import escape

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

from runner.catalog import Catalog
from runner.sandbox.envelope import ErrorStyle, failure
from runner.sandbox.errors import (
    AUTH_REQUIRED,
    PERMISSION_DENIED,
    ImgurError,
    RateLimited,
)

SLOW = 200
TOO_MANY_REQUESTS = 429
PLACES = frozenset({"imgur", "lowcodeapi"})
# What the sandbox itself says for these statuses, so a fault reads the same.
MESSAGES = {401: AUTH_REQUIRED, 403: PERMISSION_DENIED, 500: "Internal error"}
HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n"
    "<body><h1>{title}</h1><p>Imgur is temporarily over capacity."
    " Please try again later.</p></body></html>\n"
)


@dataclass(frozen=True)
class Fault:
    """One misbehaviour: what to answer instead, to which endpoint, how late."""

    status: int = 500
    retry_after: int | None = None
    html: bool = False
    endpoint: str | None = None
    delay: float = 0.0
    message: str | None = None  # None: what the sandbox says for the status
    style: ErrorStyle | None = None  # None: the route's own error style
    body: str | None = None  # the whole body instead, served as JSON
    at: str = "imgur"  # or "lowcodeapi": the proxy's front serves it

    def __post_init__(self) -> None:
        if self.status != SLOW and not 400 <= self.status <= 599:
            raise ValueError(f"a fault answers 200 or 400-599, not {self.status}")
        if self.status == SLOW and (self.html or self.message or self.style):
            raise ValueError("an error page, message or style needs an error status")
        if self.html and (self.message or self.style):
            raise ValueError("an HTML error page has no JSON message or style")
        if self.body is not None and (self.html or self.message or self.style):
            raise ValueError("a fault's body is whole: no HTML, message or style")
        if self.at not in PLACES:
            raise ValueError(f"a fault is served at imgur or lowcodeapi, not {self.at}")
        if self.retry_after is not None and self.retry_after < 0:
            raise ValueError(f"retry_after cannot be negative: {self.retry_after}")
        if self.delay < 0:
            raise ValueError(f"delay cannot be negative: {self.delay}")

    @property
    def slow_only(self) -> bool:
        """Whether the call is answered as usual once the delay is over."""
        return self.status == SLOW and self.body is None

    def matches(self, endpoints: Collection[str]) -> bool:
        """Whether a call to one of `endpoints` (catalog names) gets this fault."""
        return self.endpoint is None or self.endpoint in endpoints


class Faults:
    """The faults still to serve, first added first; safe across threads.

    With a `catalog`, a fault naming an endpoint it lacks is refused at once,
    rather than silently never served.
    """

    def __init__(self, catalog: Catalog | None = None) -> None:
        self._catalog = catalog
        self._pending: list[Fault] = []
        self._served = 0
        self._lock = threading.Lock()

    def add(self, fault: Fault, times: int = 1) -> None:
        """Serve `fault` to the next `times` matching requests.

        Raises:
            ValueError: `times` is below 1, or the endpoint is not in the catalog.
        """
        if times < 1:
            raise ValueError(f"times must be at least 1, not {times}")
        self._check_endpoint(fault.endpoint)
        with self._lock:
            self._pending.extend([fault] * times)

    def clear(self) -> None:
        """Drop every pending fault; :attr:`served` keeps its count."""
        with self._lock:
            self._pending.clear()

    @property
    def served(self) -> int:
        """How many faults were served so far."""
        with self._lock:
            return self._served

    def take(self, endpoints: Collection[str], at: str = "imgur") -> Fault | None:
        """The first pending fault served `at` for a call to `endpoints`, now spent."""
        with self._lock:
            for index, fault in enumerate(self._pending):
                if fault.at == at and fault.matches(endpoints):
                    self._served += 1
                    return self._pending.pop(index)
        return None

    def _check_endpoint(self, name: str | None) -> None:
        if name is None or self._catalog is None or name in self._catalog:
            return
        close = self._catalog.suggest(name)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        raise ValueError(f"no catalog endpoint is called {name!r}{hint}")


def fault_response(fault: Fault, method: str, path: str, error_id: str) -> Response:
    """What the sandbox answers for `fault`: a page, a body or Imgur's JSON error."""
    response = raw_response(fault)
    if response is None:
        response = failure(_error(fault), method, path, error_id, fault.style)
    return with_retry_after(fault, response)


def fault_error(fault: Fault) -> ImgurError:
    """The error `fault` stands for: its status and what it reads."""
    return _error(fault)


def raw_response(fault: Fault) -> Response | None:
    """The HTML page or the whole body `fault` answers with, if it has one."""
    if fault.html:
        return _html_page(fault.status)
    if fault.body is not None:
        return Response(fault.body, status=fault.status, mimetype="application/json")
    return None


def with_retry_after(fault: Fault, response: Response) -> Response:
    """`response` saying when to retry only if `fault` says so."""
    # RateLimited always says when to retry; a fault says so only if told to.
    response.headers.pop("Retry-After", None)
    if fault.retry_after is not None:
        response.headers["Retry-After"] = str(fault.retry_after)
    return response


def _error(fault: Fault) -> ImgurError:
    # RateLimited is what makes failure() answer JSON:API style, as Imgur's 429.
    if fault.status == TOO_MANY_REQUESTS and fault.message is None:
        return RateLimited(fault.retry_after or 0)
    phrase = HTTP_STATUS_CODES.get(fault.status, "Error")
    return ImgurError(fault.status, fault.message or MESSAGES.get(fault.status, phrase))


def _html_page(status: int) -> Response:
    title = escape(f"{status} {HTTP_STATUS_CODES.get(status, 'Error')}")
    return Response(HTML_PAGE.format(title=title), status=status, mimetype="text/html")
