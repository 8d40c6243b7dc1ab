"""The LowCodeAPI proxy in front of the sandbox's Imgur, mounted at ``/imgur``.

It finds the Imgur route in either URL format, checks the ``api_token``
query value, and forwards the call to Imgur as a new request carrying the
Bearer token of the account connected to that api_token (the account, not
its username: the proxy keeps the login, so a rename changes nothing).
Imgur's answer comes back wrapped, with Imgur's status and rate-limit
headers, in one of two styles:

- ``hosted``, as LowCodeAPI documents its service: ``{"data": <Imgur body>}``,
  or for an error ``{"data": {"error": {"message", "code"}}}``;
- ``oss``, as its open-source server answers: ``{message, provider, result}``,
  or for an error ``{message, provider, error: <Imgur body>}``.

The new URL format is the Imgur path (``/imgur/3/album/abc``); the old one is
a fixed path of lowercase words with the values in the query
(``/imgur/3/album/albumhash?albumHash=abc``). A path that is no route in the
formats served gets Express's plain "Cannot GET" page (inference: the proxy
is an Express server with no handler of its own for unknown paths), which is
how a client tells it from Imgur's 404 for an unknown id.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from functools import cache
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.routing import Map, MapAdapter, Rule
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from runner.catalog import Catalog, Endpoint, load_catalog
from runner.sandbox.app import ImgurApp, take_fault
from runner.sandbox.bodies import ApiRequest
from runner.sandbox.envelope import json_response
from runner.sandbox.errors import ImgurError
from runner.sandbox.faults import Fault, fault_error, raw_response, with_retry_after
from runner.sandbox.routing import PLACEHOLDER

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)

FORMATS = frozenset({"new", "old"})
STYLES = frozenset({"hosted", "oss"})
PROVIDER = "imgur"
TOKEN_PREFIX = "at_"
INVALID_API_TOKEN = "A valid API token is required to access this API."
NO_CREDENTIAL = "No Imgur account is connected to this API token."
PASSED_HEADERS = ("x-ratelimit-", "x-post-rate-limit-", "retry-after")
NO_ROUTE_PAGE = (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    "<title>Error</title>\n</head>\n<body>\n<pre>Cannot {method} {path}</pre>\n"
    "</body>\n</html>\n"
)


class LowCodeApiFront:
    """Answers ``/imgur/...`` the way LowCodeAPI does, by asking the Imgur app."""

    def __init__(
        self,
        imgur: ImgurApp,
        formats: Collection[str] = FORMATS,
        catalog: Catalog | None = None,
        style: str = "hosted",
    ) -> None:
        unknown = set(formats) - FORMATS
        if unknown:
            raise ValueError(f"unknown LowCodeAPI URL formats: {sorted(unknown)}")
        if style not in STYLES:
            raise ValueError(f"unknown LowCodeAPI style {style!r}: hosted or oss")
        self.imgur = imgur
        self.store = imgur.store
        self.faults = imgur.faults
        self.formats = frozenset(formats)
        # Formats of single endpoints where they differ from `formats`, as on
        # a proxy part-way through moving its routes: {"image.get": {"old"}}.
        self.endpoint_formats: dict[str, frozenset[str]] = {}
        self.style = style
        self._new, self._old = _formats(catalog or load_catalog())

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        with ApiRequest(environ) as request:
            response = self.respond(request)
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        names = self._endpoint_names(request)
        fault = take_fault(self.faults, request, names, "lowcodeapi")
        if fault is not None and not fault.slow_only:
            return self._faulted(fault)
        path = self._imgur_path(request)
        if path is None:
            return _no_route(request)
        try:
            with self.imgur.lock:  # the store is shared with the Imgur app
                token = self._bearer(request.args.get("api_token"))
            return self._forward(request, path, token)
        except ImgurError as error:
            return self._refusal(error.status, error.message)
        except Exception:
            logger.exception("LowCodeAPI front failed on %s", request.path)
            return self._refusal(500, "Internal error")

    def _bearer(self, api_token: str | None) -> str:
        if not api_token or not api_token.startswith(TOKEN_PREFIX):
            raise ImgurError(401, INVALID_API_TOKEN)
        account = self.store.account_for_api_token(api_token)
        if account is None:
            raise ImgurError(401, INVALID_API_TOKEN)
        token = self.store.live_token(account)
        if token is None:
            raise ImgurError(403, NO_CREDENTIAL)
        return token

    def _endpoint_names(self, request: Request) -> tuple[str, ...]:
        """The catalog names of what `request` calls, in either URL format."""
        old = self._old.get((request.method, request.path))
        if old is not None:
            return (old.name,)
        return self.imgur.endpoint_names(request.method, request.path)

    def _faulted(self, fault: Fault) -> Response:
        """A fault served in front of the proxy: its page, body, or a refusal."""
        response = raw_response(fault)
        if response is None:
            error = fault_error(fault)
            response = self._refusal(error.status, error.message)
        return with_retry_after(fault, response)

    def _imgur_path(self, request: Request) -> str | None:
        """The Imgur path for the request, in whichever format it came."""
        endpoint = self._old.get((request.method, request.path))
        if (
            endpoint is not None
            and self._serves(endpoint.name, "old")
            and _has_path_values(endpoint, request.args)
        ):
            return _old_format_target(endpoint, request.args)
        if self._new_format_offers(request):
            return request.path
        return None

    def _new_format_offers(self, request: Request) -> bool:
        try:
            self._new.match(request.path, request.method)
        except HTTPException:
            return False
        names = self.imgur.endpoint_names(request.method, request.path)
        if not names:
            return "new" in self.formats
        return any(self._serves(name, "new") for name in names)

    def _serves(self, name: str, url_format: str) -> bool:
        return url_format in self.endpoint_formats.get(name, self.formats)

    def _forward(self, request: Request, path: str, token: str) -> Response:
        query = [(k, v) for k, v in request.args.items(multi=True) if k != "api_token"]
        builder = EnvironBuilder(
            path=quote(path),
            method=request.method,
            query_string=urlencode(query),
            headers=[("Authorization", f"Bearer {token}")],
            data=request.get_data(),
            content_type=request.content_type,
            environ_base={"REMOTE_ADDR": request.remote_addr or "unknown"},
        )
        try:
            answer = Response.from_app(self.imgur, builder.get_environ())
        finally:
            builder.close()
        return self._wrapped(answer)

    def _wrapped(self, answer: Response) -> Response:
        """Imgur's answer in the proxy's wrapper, its status and limits kept."""
        passed = {
            name: value
            for name, value in answer.headers.items()
            if name.lower().startswith(PASSED_HEADERS)
        }
        status = answer.status_code
        body = _json_of(answer)
        if self.style == "oss":
            response = json_response(_oss(status, body, answer, passed), status)
        elif status < 400:
            response = json_response({"data": body}, status)
        else:
            response = _hosted_error(status, _message(status, body))
        response.headers.update(passed)
        return response

    def _refusal(self, status: int, message: str) -> Response:
        """The proxy's own error, before Imgur is asked."""
        if self.style == "oss":
            # The open-source server serialises its Error object: code only.
            body = {"message": message, "provider": PROVIDER, "error": {"code": status}}
            return json_response(body, status)
        return _hosted_error(status, message)


@cache
def _formats(
    catalog: Catalog,
) -> tuple[MapAdapter, dict[tuple[str, str], Endpoint]]:
    """The routes LowCodeAPI offers: a map of new-format paths, old paths."""
    offered = [e for e in catalog if e.lowcodeapi is not None]
    return _new_format_map(offered).bind("lowcodeapi"), _old_format_paths(offered)


def _new_format_map(endpoints: list[Endpoint]) -> Map:
    rules: dict[tuple[str, str], Rule] = {}
    for endpoint in endpoints:
        assert endpoint.lowcodeapi is not None
        template = endpoint.lowcodeapi.path
        key = (endpoint.method, PLACEHOLDER.sub("{}", template))
        path = PLACEHOLDER.sub(r"<\1>", template)
        rules.setdefault(key, Rule(path, methods=[endpoint.method]))
    return Map(list(rules.values()), strict_slashes=False, merge_slashes=False)


def _old_format_paths(endpoints: list[Endpoint]) -> dict[tuple[str, str], Endpoint]:
    paths: dict[tuple[str, str], Endpoint] = {}
    for endpoint in endpoints:
        assert endpoint.lowcodeapi is not None
        paths[(endpoint.method, endpoint.lowcodeapi.old_path)] = endpoint
    return paths


def _has_path_values(endpoint: Endpoint, query: Mapping[str, str]) -> bool:
    # A user named "username" has a new-format path equal to an old-format
    # one; the old format always names its required values in the query.
    return all(p.name in query for p in endpoint.in_place("path") if p.required)


def _old_format_target(endpoint: Endpoint, query: Mapping[str, str]) -> str:
    assert endpoint.lowcodeapi is not None
    path = endpoint.lowcodeapi.path
    for param in endpoint.in_place("path"):
        value = query.get(param.name, param.default)
        path = path.replace("{" + param.name + "}", str(value))
    return path


def _json_of(answer: Response) -> Any:
    """Imgur's body as JSON, or None when it is not JSON the proxy can read."""
    try:
        return answer.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes
        return None


def _no_route(request: Request) -> Response:
    page = NO_ROUTE_PAGE.format(
        method=escape(request.method), path=escape(request.script_root + request.path)
    )
    return Response(page, status=404, mimetype="text/html")


def _hosted_error(status: int, message: str) -> Response:
    return json_response(
        {"data": {"error": {"message": message, "code": status}}}, status
    )


def _oss(
    status: int, body: Any, answer: Response, passed: Mapping[str, str]
) -> dict[str, Any]:
    """The open-source server's body: Imgur's (or its text) under a key."""
    imgur = body if body is not None else answer.get_data(as_text=True)
    if status < 400:
        return {
            "message": "Request completed",
            "provider": PROVIDER,
            "result": imgur,
            "response_headers": dict(passed),
        }
    return {
        "message": f"Request failed with status code {status}",
        "provider": PROVIDER,
        "error": imgur,
        "headers": dict(passed),
    }


def _message(status: int, body: Any) -> str:
    """Imgur's error text from any of its error shapes, else the status phrase."""
    if isinstance(body, dict):
        data = body.get("data")
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict):
            error = error.get("message")
        if isinstance(error, str):
            return error
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("detail") or errors[0].get("status"))
    return HTTP_STATUS_CODES.get(status, "Error")
