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
from urllib.parse import urlsplit

from runner.errors import ConfigError
from runner.ratelimit import TOO_MANY_REQUESTS
from runner.redact import Redactor
from runner.replies import Reply, error_message
from runner.transports import Call, FileUpload, Transport, fill_path, wire_text

logger = logging.getLogger(__name__)

NOT_FOUND = 404
UNAUTHORIZED = 401
# LowCodeAPI serves each provider under its own name: Imgur under /imgur.
PROVIDER_PATH = "/imgur"
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

    Each endpoint remembers the format that last proved its route; one not
    proven yet starts with the format proven most recently (the new one
    before any). The other format follows when the proxy says it has no
    such route. Only an answer that shows the route ran (a success, or
    Imgur's own error) proves a format; a 503 or 429 from in front of the
    proxy does not. ``/3/upload`` is the same in both formats, so it proves
    nothing.

    Every old-format path is also a new-format URL whose ids are the
    placeholder words (``/3/image/imagehash``), so a proxy that has only the
    new format runs an old-format call on the id ``imagehash`` and Imgur
    answers 404. Imgur's 404 to an old-format request therefore only maybe
    means "not found": the new format is tried once for that call, and
    shown unless it has no route. A 404 to a new-format request is sure.
    """

    name = "lowcodeapi"

    def __init__(
        self, base_url: str, redactor: Redactor, *, api_token: str, **kwargs: Any
    ) -> None:
        super().__init__(base_url, redactor, **kwargs)
        self.api_token = api_token
        redactor.add(api_token)
        self.url_format: str | None = None  # the format proven most recently
        self.proven: dict[str, str] = {}  # endpoint name -> format of its route

    def send(self, call: Call) -> Reply:
        reply = self._send_routes(call)
        if reply.status in (UNAUTHORIZED, NOT_FOUND) and not _provider_path(
            self.base_url
        ):
            reply.hint = (
                f"LowCodeAPI serves Imgur under {PROVIDER_PATH}, and --base-url "
                f"{self.base_url} does not end with it"
            )
        return reply

    def _send_routes(self, call: Call) -> Reply:
        self._keep_secrets(call)
        if call.endpoint.lowcodeapi is None:
            raise ConfigError(f"LowCodeAPI does not offer `{call.endpoint.name}`")
        routes = [self._route(call, url_format) for url_format in self._order(call)]
        body = self._json_body(call)
        if routes[0].path == routes[1].path and routes[0].query == routes[1].query:
            routes = routes[:1]
        shown: Reply | None = None  # the answer to show if no other proves a route
        doubted: ProxyRoute | None = None  # the old format, answered with a 404
        for route in routes:
            reply, routing = self._send_to(call, route, body)
            if routing is Routing.UNKNOWN:
                return reply
            last = route is routes[-1]
            if routing is Routing.FOUND and (last or not _maybe_no_route(route, reply)):
                self._remember(call, route, len(routes))
                return reply
            if routing is Routing.FOUND:
                shown, doubted = reply, route
                logger.debug("Imgur's 404 to the old format may be no route: new next")
            else:
                logger.debug("LowCodeAPI has no %s-format route here", route.url_format)
                shown = shown or reply
        assert shown is not None
        if doubted is not None:  # the new format has no route: the old one ran
            self._remember(call, doubted, len(routes))
        else:
            shown.problem = NO_ROUTE
        return shown

    def _order(self, call: Call) -> tuple[str, str]:
        """The formats in the order to try them: the proven one first."""
        if self.proven.get(call.endpoint.name, self.url_format) == "old":
            return ("old", "new")
        return ("new", "old")

    def _remember(self, call: Call, route: ProxyRoute, tried: int) -> None:
        if tried < 2:
            return  # both formats have this path: it proves neither
        if self.url_format != route.url_format:
            logger.debug("LowCodeAPI answers in the %s URL format", route.url_format)
        self.url_format = route.url_format
        self.proven[call.endpoint.name] = route.url_format

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


def _provider_path(base_url: str) -> bool:
    return urlsplit(base_url).path.rstrip("/").endswith(PROVIDER_PATH)


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
    return Routing.MISSING if status == NOT_FOUND else Routing.UNKNOWN


def _maybe_no_route(route: ProxyRoute, reply: Reply) -> bool:
    """Whether Imgur's answer may come from the placeholder words taken as ids."""
    return route.url_format == "old" and reply.status == NOT_FOUND


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
