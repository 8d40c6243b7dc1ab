"""The LowCodeAPI proxy: its two URL formats, its ``api_token`` and its wrapper.

The new URL format keeps path arguments in the path; the old one names them
in lowercase words and sends the values in the query. Which one a proxy
speaks is learnt from the answers, never assumed.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from runner.errors import ConfigError
from runner.ratelimit import TOO_MANY_REQUESTS
from runner.redact import Redactor
from runner.replies import Reply, error_message
from runner.transports import Call, FileUpload, Transport, fill_path, wire_text

logger = logging.getLogger(__name__)

NO_ROUTE = (
    "LowCodeAPI has no route for this call in the new or the old URL format "
    "(is --base-url right?)"
)


class Routing(Enum):
    """What an answer shows of the route a call was sent to."""

    FOUND = "found"  # the proxy ran the route: Imgur's answer came back
    MISSING = "missing"  # the proxy has no such route
    UNKNOWN = "unknown"  # a passing failure, from wherever it came


@dataclass(frozen=True)
class ProxyRoute:
    """Where one call goes through LowCodeAPI in one URL format."""

    url_format: str
    path: str
    query: tuple[tuple[str, str], ...]


class LowCodeApiTransport(Transport):
    """The LowCodeAPI proxy: ``api_token`` in the query, JSON bodies, a wrapper.

    Until an answer shows which URL format the proxy speaks, the new one goes
    first and the old one follows when the proxy says it has no such route.
    Only an answer that shows the route ran (a success, or Imgur's own
    error) teaches the format; a 503 or 429 from in front of the proxy does
    not. A learnt format goes first from then on, and the other follows
    when it has no route for a call. ``/3/upload`` is the same in both
    formats, so it teaches nothing.
    """

    name = "lowcodeapi"

    def __init__(
        self, base_url: str, redactor: Redactor, *, api_token: str, **kwargs: Any
    ) -> None:
        super().__init__(base_url, redactor, **kwargs)
        self.api_token = api_token
        redactor.add(api_token)
        self.url_format: str | None = None

    def send(self, call: Call) -> Reply:
        self._keep_secrets(call)
        if call.endpoint.lowcodeapi is None:
            raise ConfigError(f"LowCodeAPI does not offer `{call.endpoint.name}`")
        routes = [self._route(call, url_format) for url_format in self._order()]
        body = self._json_body(call)
        if routes[0].path == routes[1].path and routes[0].query == routes[1].query:
            routes = routes[:1]
        first: Reply | None = None
        for route in routes:
            reply, routing = self._send_to(call, route, body)
            if routing is not Routing.MISSING:
                if routing is Routing.FOUND and len(routes) > 1:
                    self._remember(route.url_format)
                return reply
            logger.debug("LowCodeAPI has no %s-format route here", route.url_format)
            first = first or reply
        assert first is not None
        first.problem = NO_ROUTE
        return first

    def _order(self) -> tuple[str, str]:
        """The formats in the order to try them: the learnt one first."""
        if self.url_format == "old":
            return ("old", "new")
        return ("new", "old")

    def _remember(self, url_format: str) -> None:
        if self.url_format != url_format:
            logger.debug("LowCodeAPI answers in the %s URL format", url_format)
        self.url_format = url_format

    def _route(self, call: Call, url_format: str) -> ProxyRoute:
        paths = call.endpoint.lowcodeapi
        assert paths is not None
        path_args = dict(call.values("path"))
        query = [(k, wire_text(v)) for k, v in call.values("query")]
        # Always made, so that a missing path value stops the call in any format.
        new_path = fill_path(paths.path, path_args)
        if url_format == "new":
            return ProxyRoute(url_format, new_path, tuple(query))
        query += [(k, wire_text(v)) for k, v in path_args.items()]
        return ProxyRoute(url_format, paths.old_path, tuple(query))

    def _send_to(
        self, call: Call, route: ProxyRoute, body: dict[str, Any]
    ) -> tuple[Reply, Routing]:
        params = [("api_token", self.api_token), *route.query]
        kwargs: dict[str, Any] = {"json": body} if body else {}
        reply = self._exchange(
            call.endpoint.method, self.base_url + route.path, params=params, **kwargs
        )
        routing = routing_shown(reply.status, reply.body)
        reply.body = unwrap(reply.body)
        return reply, routing

    def _json_body(self, call: Call) -> dict[str, Any]:
        # The proxy forwards bodies to Imgur as JSON and has no multipart route
        # for Imgur, so files travel as base64 text (Imgur's type=base64).
        body: dict[str, Any] = {}
        for wire, value in [*call.values("body"), *call.values("file")]:
            if isinstance(value, FileUpload):
                body[wire] = base64.b64encode(value.path.read_bytes()).decode()
                body.setdefault("type", "base64")
                body.setdefault("name", value.path.name)
            else:
                body[wire] = value
        return body


def routing_shown(status: int, body: Any) -> Routing:
    """What an answer of the proxy shows of the route it was sent to.

    (Inference.) LowCodeAPI is an Express server: a path it has no route
    for gets Express's plain 404 page, while a route that ran answers with
    JSON that carries Imgur's error (its envelope, a ``{"data": {"error"}}``
    wrapper, or the open-source ``{message, provider, error}``). A 5xx or a
    429 may come from a gateway in front of the proxy, so it shows nothing.
    """
    if 200 <= status < 300:
        return Routing.FOUND
    if not 400 <= status < 500 or status == TOO_MANY_REQUESTS:
        return Routing.UNKNOWN
    if any(_carries_an_error(layer) for layer in (body, unwrap(body))):
        return Routing.FOUND
    return Routing.MISSING if status == 404 else Routing.UNKNOWN


def _carries_an_error(body: Any) -> bool:
    if not isinstance(body, Mapping):
        return False
    data = body.get("data")
    return (
        "provider" in body
        or isinstance(body.get("errors"), list)
        or (isinstance(data, Mapping) and "error" in data)
    )


def unwrap(body: Any) -> Any:
    """Imgur's body from inside the proxy's wrapper (``data`` or ``result``)."""
    if not isinstance(body, Mapping):
        return body
    imgur_keys = {"success", "status"}
    if "data" in body and not imgur_keys & body.keys() and len(body) == 1:
        return body["data"]
    if "result" in body and "provider" in body:
        return body["result"]
    if "error" in body and "provider" in body:
        if error_message(body["error"]):
            return body["error"]
        # A refusal of the proxy's own (a bad api_token), or a page that is
        # not JSON, says why only in `message`.
        return {key: value for key, value in body.items() if key != "error"}
    return body
