"""How a call reaches Imgur: URL, authorization and body envelope per target.

``imgur`` talks to the Imgur API (or anything that answers like it, such as
the sandbox); ``lowcodeapi`` talks to the LowCodeAPI proxy, which wraps every
answer in ``{"data": ...}`` and knows two URL formats.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from runner import __version__
from runner.catalog import Endpoint
from runner.errors import ApiError, ConfigError, TransportError
from runner.redact import Redactor

logger = logging.getLogger(__name__)

# Uploads can be large and slow; everything else answers quickly or not at all.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 120.0


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
                wire = param.name if isinstance(value, str) else param.wire
                yield wire, value


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
    """Put path arguments into ``/3/album/{albumHash}``, each percent-encoded."""
    path = template
    for name, value in args.items():
        path = path.replace("{" + name + "}", quote(wire_text(value), safe=""))
    return path


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
    if body.get("success") is False and isinstance(body.get("message"), str):
        return str(body["message"])
    return None


def _error_text(error: Any) -> str:
    if isinstance(error, str):
        return error
    if isinstance(error, Mapping):
        nested = error_message(error)
        if nested:
            return nested
        for key in ("message", "detail", "title", "status", "code"):
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
            ConfigError: the target lacks what the call needs.
        """

    def check(self, call: Call) -> str | None:
        """Why this target cannot make `call`, or None if it can."""
        return None

    def _exchange(self, method: str, url: str, **kwargs: Any) -> Reply:
        shown = self.redactor.url(url)
        started = self.clock()
        try:
            response = self.session.request(
                method, url, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), **kwargs
            )
        except requests.RequestException as error:
            raise TransportError(
                f"{method} {shown} got no answer: {_network_reason(error)}",
                retryable=True,
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


def _network_reason(error: requests.RequestException) -> str:
    if isinstance(error, requests.Timeout):
        return "timed out"
    if isinstance(error, requests.ConnectionError):
        return "could not connect (is the address right and the service up?)"
    return type(error).__name__


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
    if reply.json:
        message = error_message(reply.body) or "no error message"
    else:
        message = f"a body that is not JSON ({reply.content_type or 'no type'})"
    return ApiError(
        f"{reply.method} {reply.url} failed with HTTP {status}: {message}",
        http_status=status,
        retryable=status == 429 or (status >= 500 and status != 501),
        retry_after=_retry_after(reply.headers),
    )


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

    def send(self, call: Call) -> Reply:
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
        if endpoint.auth.value == "none":
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


class LowCodeApiTransport(Transport):
    """The LowCodeAPI proxy: ``api_token`` in the query, JSON bodies, a wrapper.

    The new URL format keeps path arguments in the path; the old one names
    them in lowercase words and sends the values in the query. The new format
    goes first; on a 404 the old one is tried, and whichever answered is used
    for the rest of the run.
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
        problem = self.check(call)
        if problem:
            raise ConfigError(problem)
        formats = [self.url_format] if self.url_format else ["new", "old"]
        reply: Reply | None = None
        for url_format in formats:
            reply = self._send_as(call, url_format)
            if reply.status != 404:
                self._remember(url_format)
                break
            logger.debug("LowCodeAPI %s format answered 404", url_format)
        assert reply is not None
        return reply

    def _remember(self, url_format: str) -> None:
        if self.url_format is None:
            logger.debug("LowCodeAPI answers in the %s URL format", url_format)
        self.url_format = url_format

    def _send_as(self, call: Call, url_format: str) -> Reply:
        endpoint = call.endpoint
        assert endpoint.lowcodeapi is not None
        path_args = dict(call.values("path"))
        params = [("api_token", self.api_token)]
        params += [(k, wire_text(v)) for k, v in call.values("query")]
        if url_format == "new":
            path = fill_path(endpoint.lowcodeapi.path, path_args)
        else:
            path = endpoint.lowcodeapi.old_path
            params += [(k, wire_text(v)) for k, v in path_args.items()]
        body = self._json_body(call)
        kwargs: dict[str, Any] = {"json": body} if body else {}
        reply = self._exchange(
            endpoint.method, self.base_url + path, params=params, **kwargs
        )
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
        return body["error"]
    return body
