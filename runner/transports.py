"""How a call reaches Imgur: the call, its URL, and sending it once.

:class:`ImgurTransport` talks to the Imgur API (or anything that answers
like it, such as the sandbox); the LowCodeAPI proxy has its own transport in
:mod:`runner.lowcodeapi`. Whether a failed call may be sent again is
:func:`may_retry`'s to say.
"""

from __future__ import annotations

import logging
import mimetypes
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
import urllib3

from runner import __version__
from runner.catalog import Auth, Endpoint, Param, unsendable_segment
from runner.errors import ConfigError, StepError, TransportError
from runner.redact import Redactor, too_short_to_mask
from runner.replies import Reply, decode

logger = logging.getLogger(__name__)

# Uploads can be large and slow; everything else answers quickly or not at all.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 120.0

PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Methods that change something each time they are sent: one whose answer
# was lost may have been acted on, and sending it again could do it twice.
NOT_REPEATABLE = frozenset({"POST"})


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
        return (value for _, value in self.named_secrets())

    def named_secrets(self) -> Iterator[tuple[str, str]]:
        """(parameter, value) for each value of a parameter marked secret."""
        for param in self.endpoint.params:
            if param.secret and param.name in self.args:
                for value in secret_texts(param, self.args[param.name]):
                    yield param.name, value


def secret_texts(param: Param, value: Any) -> Iterator[str]:
    """Every text `value` sends for `param`, each to be masked on its own.

    Only a parameter that takes a list (``deletehashes``) reads a text as
    comma-separated values, so only there is each part a secret too; a
    password with a comma in it is one secret.
    """
    if isinstance(value, list | tuple):
        for item in value:
            yield from secret_texts(param, item)
    elif isinstance(value, str):
        yield value
        if "array" in param.types and "," in value:
            yield from (part.strip() for part in value.split(","))


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
        if unsendable_segment(given):
            what = "no value" if given is None else f"the value {wire_text(given)!r}"
            raise StepError(
                f"the call's URL {template} got {what} for `{name}`, "
                f"so it was not sent; give `{name}:` a value under `with:`"
            )
        return quote(wire_text(given), safe="")

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
            StepError: the call's URL cannot be made from its arguments, or
                a secret value in it is too short to be masked.
            ConfigError: the target lacks what the call needs.
        """

    def _keep_secrets(self, call: Call) -> None:
        """Mask the call's secret values from now on, before any is sent or logged.

        A deletehash from vars or a CSV is as secret as one Imgur answered
        with.

        Raises:
            StepError: a value is too short to be masked; the call is not sent.
        """
        for name, value in call.named_secrets():
            if too_short_to_mask(value.strip()):
                raise StepError(
                    f"the value of `{name}` is too short to be masked safely in "
                    "the report and logs, so the call was not sent; "
                    f"give `{name}:` the whole value"
                )
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
            raise _unanswered(method, shown, error) from None
        elapsed = self.clock() - started
        logger.info("%s %s -> %s (%.2fs)", method, shown, response.status_code, elapsed)
        headers = {k.lower(): v for k, v in response.headers.items()}
        body, unusable = decode(response)
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
            problem=unusable,
        )


def _with_query(url: str, params: list[tuple[str, str]]) -> str:
    """The URL with its query, as requests sends it (the old format needs it)."""
    prepared = requests.PreparedRequest()
    prepared.prepare_url(url, params)
    return prepared.url or url


def _unanswered(
    method: str, shown: str, error: requests.RequestException
) -> TransportError:
    sent = may_have_arrived(error)
    reason = _network_reason(error, sent)
    lost = TransportError(f"{method} {shown} got no answer: {reason}", sent=sent)
    if may_retry(method, lost):
        return lost
    return TransportError(
        f"{lost}. The request had been sent, so Imgur may have acted on it; it is "
        "not sent again: check on Imgur before running this step again",
        sent=True,
    )


def may_retry(method: str, error: StepError) -> bool:
    """Whether a call of `method` that failed with `error` may be sent again.

    An answer that says the failure passes (a 429, most 5xx) may be tried
    again, and so may a request that got no answer, unless it may have
    reached Imgur and changes something each time it is sent: a lost answer
    to a POST may hide an upload that was made.
    """
    if isinstance(error, TransportError):
        return not (error.sent and method in NOT_REPEATABLE)
    return error.retryable


def _network_reason(error: requests.RequestException, sent: bool) -> str:
    if isinstance(error, requests.Timeout):
        return "timed out"
    if isinstance(error, requests.ConnectionError) and sent:
        return "the connection broke before the answer came"
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


# Why the target's credentials cannot make a call (targets.py knows), or None.
Refusal = Callable[[Call], str | None]


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
        refusal: Refusal | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(base_url, redactor, **kwargs)
        self.client_id = client_id
        self.access_token = access_token
        self.refusal = refusal
        redactor.add(client_id)
        redactor.add(access_token)

    def send(self, call: Call) -> Reply:
        self._keep_secrets(call)
        problem = self.refusal(call) if self.refusal else None
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
