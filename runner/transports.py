"""How a call reaches Imgur: URL, authorization and body envelope per target.

``imgur`` talks to the Imgur API (or anything that answers like it, such as
the sandbox); ``lowcodeapi`` talks to the LowCodeAPI proxy, which wraps every
answer in ``{"data": ...}`` and knows two URL formats.
"""

from __future__ import annotations

import base64
import logging
import math
import mimetypes
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
import urllib3

from runner import __version__
from runner.catalog import Auth, Endpoint
from runner.errors import ApiError, ConfigError, StepError, TransportError
from runner.redact import Redactor

logger = logging.getLogger(__name__)

# Uploads can be large and slow; everything else answers quickly or not at all.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 120.0

ACCESS_TOKEN_VARIABLE = "IMGUR_ACCESS_TOKEN"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Path values that would make the URL another endpoint's (`/3/album/` lists).
UNSENDABLE_SEGMENTS = frozenset({"", ".", ".."})
NO_ROUTE = (
    "LowCodeAPI has no route for this call in the new or the old URL format "
    "(is --base-url right?)"
)


@dataclass(frozen=True)
class FileUpload:
    """A local file to send as a multipart part (or base64 through the proxy)."""

    path: Path

    @property
    def mime(self) -> str:
        return mimetypes.guess_type(self.path.name)[0] or "application/octet-stream"


@dataclass
class Call:
    """An endpoint with its rendered, checked arguments, ready to send."""

    endpoint: Endpoint
    args: dict[str, Any]

    def values(self, place: str) -> Iterator[tuple[str, Any]]:
        """(wire name, value) for each argument given in `place`.

        A list goes as ``ids[]``; the same parameter given as one
        comma-separated string goes as plain ``ids``, as Imgur reads it.
        """
        for param in self.endpoint.in_place(place):
            if param.name in self.args:
                value = self.args[param.name]
                yield param.wire_for(value), value

    def secrets(self) -> Iterator[str]:
        """The values given to parameters the catalog marks secret."""
        for param in self.endpoint.params:
            if param.secret and param.name in self.args:
                yield from _texts(self.args[param.name])


def _texts(value: Any) -> Iterator[str]:
    """Every text in `value`, and each part of a comma-separated one."""
    if isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, str):
        yield value
        if "," in value:
            yield from (part.strip() for part in value.split(","))


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

    def document(self) -> dict[str, Any]:
        """The body as JMESPath sees it, with HTTP status and headers added."""
        base = (
            dict(self.body) if isinstance(self.body, Mapping) else {"data": self.body}
        )
        return {**base, "status": self.status, "headers": self.headers}


def wire_text(value: Any) -> str:
    """A scalar as form and query fields carry it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fill_path(template: str, args: Mapping[str, Any]) -> str:
    """Put path arguments into ``/3/album/{albumHash}``, each percent-encoded.

    Raises:
        StepError: a placeholder has no value, or one that would send the
            call to another URL (empty, ``.`` or ``..``).
    """

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        given = args.get(name)
        text = "" if given is None else wire_text(given)
        if text.strip() in UNSENDABLE_SEGMENTS:
            what = "no value" if given is None else f"the value {text!r}"
            raise StepError(
                f"the call's URL {template} got {what} for `{name}`, "
                f"so it was not sent; give `{name}:` a value under `with:`"
            )
        return quote(text, safe="")

    return PLACEHOLDER.sub(value, template)


def refuse_query(base_url: str) -> None:
    """Refuse a base URL with a query, a fragment or a user name in it.

    They would replace the call's own path and query, or carry a credential
    into the report.

    Raises:
        ConfigError: the URL has one; the message does not repeat the URL.
    """
    if "?" in base_url or "#" in base_url:
        raise ConfigError(
            "--base-url cannot have a query (?...) or a fragment (#...): "
            "write only the address, like http://127.0.0.1:8765; "
            "credentials come from the environment"
        )
    if "@" in base_url.partition("//")[2].partition("/")[0]:
        raise ConfigError(
            "--base-url must not hold a user name or password; "
            "credentials come from the environment (IMGUR_ACCESS_TOKEN, ...)"
        )


def user_token_reason(endpoint: Endpoint, args: Mapping[str, Any]) -> str | None:
    """Why a call needs a user access token ("with username `me` needs"), if so."""
    if endpoint.auth is Auth.BEARER:
        return "needs"
    if args.get("username") == "me":
        return "with username `me` needs"
    # An explicit null leaves the parameter out, so it needs no user.
    given = {name for name, value in args.items() if value is not None}
    names = (p.name for p in endpoint.params if p.needs_user)
    user_only = next((name for name in names if name in given), None)
    return f"with `{user_only}` needs" if user_only else None


def needs_token(endpoint: Endpoint, reason: str) -> tuple[str, str]:
    """What is wrong and how to fix it, when only a Client-ID is set."""
    return (
        f"{endpoint.name} {reason} a user access token, and only a Client-ID is set",
        f"set {ACCESS_TOKEN_VARIABLE} (an OAuth access token of the account)",
    )


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


class Transport(ABC):
    """Sends calls to one target and returns replies or raises step errors."""

    name: str

    def __init__(
        self,
        base_url: str,
        redactor: Redactor,
        *,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        refuse_query(base_url)
        self.base_url = base_url.rstrip("/")
        self.redactor = redactor
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = f"imgur-playbook/{__version__}"
        self.clock = clock

    def close(self) -> None:
        self.session.close()

    @abstractmethod
    def send(self, call: Call) -> Reply:
        """Send `call` once and return whatever answer came, errors included.

        Raises:
            TransportError: no answer arrived.
            StepError: the call's URL cannot be made from its arguments.
            ConfigError: the target lacks what the call needs.
        """

    def check(self, call: Call) -> str | None:
        """Why this target cannot make `call`, or None if it can."""
        return None

    def _keep_secrets(self, call: Call) -> None:
        # Before anything is sent or logged: a deletehash from vars or a CSV
        # is as secret as one Imgur answered with.
        for value in call.secrets():
            self.redactor.add(value)

    def _exchange(
        self,
        method: str,
        url: str,
        params: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> Reply:
        shown = self.redactor.url(_with_query(url, params or []))
        started = self.clock()
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                **kwargs,
            )
        except requests.RequestException as error:
            raise TransportError(
                f"{method} {shown} got no answer: {_network_reason(error)}",
                retryable=True,
                sent=may_have_arrived(error),
            ) from None
        elapsed = self.clock() - started
        logger.info("%s %s -> %s (%.2fs)", method, shown, response.status_code, elapsed)
        headers = {k.lower(): v for k, v in response.headers.items()}
        body = _json_body(response)
        self.redactor.learn(body)
        return Reply(
            method,
            shown,
            response.status_code,
            headers,
            body,
            elapsed=elapsed,
            json=body is not None or not response.content,
            content_type=response.headers.get("Content-Type"),
        )


def _with_query(url: str, params: list[tuple[str, str]]) -> str:
    """The URL with its query, as requests sends it (the old format needs it)."""
    prepared = requests.PreparedRequest()
    prepared.prepare_url(url, params)
    return prepared.url or url


def _network_reason(error: requests.RequestException) -> str:
    if isinstance(error, requests.Timeout):
        return "timed out"
    if isinstance(error, requests.ConnectionError):
        return "could not connect (is the address right and the service up?)"
    return type(error).__name__


def may_have_arrived(error: requests.RequestException) -> bool:
    """Whether the request may have reached the server before it failed.

    A refused connection, a connect timeout and a TLS failure come before a
    byte of the request is sent; after that, only the answer was lost.
    """
    if isinstance(error, requests.ConnectTimeout | requests.exceptions.SSLError):
        return False
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return not isinstance(reason, urllib3.exceptions.NewConnectionError)


def _json_body(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        # An HTML error page from a proxy or load balancer, not Imgur's JSON.
        return None


def reply_error(reply: Reply) -> ApiError | None:
    """The error a reply stands for, with its status and Imgur's words."""
    body_status = reply.body.get("status") if isinstance(reply.body, Mapping) else None
    status = reply.status
    if status < 400 and isinstance(body_status, int) and body_status >= 400:
        status = body_status  # `_fake_status` style: 200 outside, error inside
    if status < 400 and reply.json:
        return None
    message = reply.problem or _reply_message(reply)
    resets = limit_resets(reply.headers) if status == 429 else None
    if resets:
        message += f"; {resets}"
    return ApiError(
        f"{reply.method} {reply.url} failed with HTTP {status}: {message}",
        http_status=status,
        retryable=status == 429 or (status >= 500 and status != 501),
        retry_after=_retry_after(reply.headers),
    )


def _reply_message(reply: Reply) -> str:
    if reply.json:
        return error_message(reply.body) or "no error message"
    return f"a body that is not JSON ({reply.content_type or 'no type'})"


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
    if _spent(_number(headers, "x-ratelimit-clientremaining")):
        reset = _number(headers, "x-ratelimit-clientreset")
        until = f" until {_moment(reset)}" if reset else " for today"
        said.append(f"the app's credits are used up{until}")
    user_reset = _number(headers, "x-ratelimit-userreset")
    user_spent = _spent(_number(headers, "x-ratelimit-userremaining"))
    if user_reset and (user_spent or not said):
        said.append(f"the user credits reset at {_moment(user_reset)}")
    return "; ".join(said) or None


def _number(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name, "").strip()
    return int(value) if value.isdigit() else None


def _spent(remaining: int | None) -> bool:
    return remaining == 0


def _moment(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class ImgurTransport(Transport):
    """Imgur's own API: Client-ID or Bearer in the Authorization header."""

    name = "imgur"

    def __init__(
        self,
        base_url: str,
        redactor: Redactor,
        *,
        client_id: str | None = None,
        access_token: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(base_url, redactor, **kwargs)
        self.client_id = client_id
        self.access_token = access_token
        redactor.add(client_id)
        redactor.add(access_token)

    def check(self, call: Call) -> str | None:
        if self.access_token or not self.client_id:
            return None
        reason = user_token_reason(call.endpoint, call.args)
        if reason is None:
            return None
        problem, fix = needs_token(call.endpoint, reason)
        return f"{problem}; {fix}"

    def send(self, call: Call) -> Reply:
        self._keep_secrets(call)
        problem = self.check(call)
        if problem:
            raise ConfigError(problem)
        endpoint = call.endpoint
        url = self.base_url + fill_path(endpoint.path, dict(call.values("path")))
        headers = {**endpoint.headers, **self._authorization(endpoint)}
        params = [(k, wire_text(v)) for k, v in call.values("query")]
        with ExitStack() as files:
            body = self._body(call, files)
            return self._exchange(
                endpoint.method, url, params=params, headers=headers, **body
            )

    def _authorization(self, endpoint: Endpoint) -> dict[str, str]:
        if endpoint.auth is Auth.NONE:
            return {}
        if self.access_token:
            return {"Authorization": f"Bearer {self.access_token}"}
        if self.client_id:
            return {"Authorization": f"Client-ID {self.client_id}"}
        raise ConfigError(
            "no Imgur credentials: set IMGUR_CLIENT_ID or IMGUR_ACCESS_TOKEN"
        )

    def _body(self, call: Call, files: ExitStack) -> dict[str, Any]:
        fields = [*call.values("body"), *call.values("file")]
        if not fields:
            return {}
        if call.endpoint.body == "json":
            return {"json": dict(fields)}
        data: list[tuple[str, str]] = []
        parts: list[tuple[str, tuple[str, Any, str]]] = []
        for wire, value in fields:
            if isinstance(value, FileUpload):
                handle = files.enter_context(value.path.open("rb"))
                parts.append((wire, (value.path.name, handle, value.mime)))
            elif isinstance(value, list | tuple):
                data.extend((wire, wire_text(item)) for item in value)
            else:
                data.append((wire, wire_text(value)))
        return {"data": data, "files": parts} if parts else {"data": data}


@dataclass(frozen=True)
class ProxyRoute:
    """Where one call goes through LowCodeAPI in one URL format."""

    url_format: str
    path: str
    query: tuple[tuple[str, str], ...]


class LowCodeApiTransport(Transport):
    """The LowCodeAPI proxy: ``api_token`` in the query, JSON bodies, a wrapper.

    The new URL format keeps path arguments in the path; the old one names
    them in lowercase words and sends the values in the query. Until a call
    shows which format the proxy speaks, the new one goes first and the old
    one follows when the proxy says it has no such route; the format that
    answered is kept for the rest of the run. Only a call whose two formats
    differ can show it: ``/3/upload`` is the same in both.
    """

    name = "lowcodeapi"

    def __init__(
        self, base_url: str, redactor: Redactor, *, api_token: str, **kwargs: Any
    ) -> None:
        super().__init__(base_url, redactor, **kwargs)
        self.api_token = api_token
        redactor.add(api_token)
        self.url_format: str | None = None

    def check(self, call: Call) -> str | None:
        if call.endpoint.lowcodeapi is None:
            return f"LowCodeAPI does not offer `{call.endpoint.name}`"
        return None

    def send(self, call: Call) -> Reply:
        self._keep_secrets(call)
        problem = self.check(call)
        if problem:
            raise ConfigError(problem)
        new, old = self._route(call, "new"), self._route(call, "old")
        body = self._json_body(call)
        if (new.path, new.query) == (old.path, old.query):
            return self._send_to(call, new, body)
        routes = {"new": new, "old": old}
        order = [self.url_format] if self.url_format else ["new", "old"]
        first: Reply | None = None
        for url_format in order:
            reply = self._send_to(call, routes[url_format], body)
            if reply.problem is None:
                self._remember(url_format)
                return reply
            logger.debug("LowCodeAPI has no %s-format route here", url_format)
            first = first or reply
        assert first is not None
        if len(order) > 1:
            first.problem = NO_ROUTE
        return first

    def _remember(self, url_format: str) -> None:
        if self.url_format is None:
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

    def _send_to(self, call: Call, route: ProxyRoute, body: dict[str, Any]) -> Reply:
        params = [("api_token", self.api_token), *route.query]
        kwargs: dict[str, Any] = {"json": body} if body else {}
        reply = self._exchange(
            call.endpoint.method, self.base_url + route.path, params=params, **kwargs
        )
        if route_missing(reply.status, reply.body):
            reply.problem = f"LowCodeAPI has no {route.url_format}-format route here"
        reply.body = unwrap(reply.body)
        return reply

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


def route_missing(status: int, body: Any) -> bool:
    """Whether a 404 is the proxy's own "no such route", not Imgur's answer.

    (Inference.) LowCodeAPI is an Express server: a path it has no route
    for gets Express's plain 404 page, while a route that ran answers with
    JSON that carries Imgur's error (its envelope, a ``{"data": {"error"}}``
    wrapper, or the open-source ``{message, provider, error}``).
    """
    if status != 404:
        return False
    layers = (body, unwrap(body))
    return not any(_carries_an_error(layer) for layer in layers)


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
