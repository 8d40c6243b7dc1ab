"""The sandbox served over HTTP: in a background thread, or in the foreground.

Imgur answers at the root (``http://127.0.0.1:PORT/3/...``), the LowCodeAPI
front under ``/imgur``. The well-known demo credentials below sign in as
``demo_user`` of the seeded world; they are for rehearsal, not secrets.
"""

from __future__ import annotations

import errno
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from runner.errors import SandboxError
from runner.sandbox.app import ImgurApp
from runner.sandbox.clock import Clock
from runner.sandbox.lowcodeapi import FORMATS, LowCodeApiFront
from runner.sandbox.ratelimit import RateLimiter, RateLimits
from runner.sandbox.seed import DEMO_USER, seed_demo
from runner.sandbox.store import TOKEN_LIFETIME, Account, Store

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

logger = logging.getLogger(__name__)

DEMO_CLIENT_ID = "sandbox-client-id"
DEMO_CLIENT_SECRET = "sandbox-client-secret"
DEMO_ACCESS_TOKEN = "sandbox-access-token"
DEMO_REFRESH_TOKEN = "sandbox-refresh-token"
DEMO_API_TOKEN = "at_sandbox-api-token"

DEMO_ACCESS_TOKENS = MappingProxyType({DEMO_ACCESS_TOKEN: DEMO_USER})
DEMO_REFRESH_TOKENS = MappingProxyType({DEMO_REFRESH_TOKEN: DEMO_USER})
DEMO_API_TOKENS = MappingProxyType({DEMO_API_TOKEN: DEMO_USER})

LOOPBACK = "127.0.0.1"
HIGHEST_PORT = 65535
LOWCODEAPI_PREFIX = "/imgur"
# How often the serving thread looks for stop(); short, so tests stop fast.
POLL_INTERVAL = 0.05


class Sandbox:
    """A local, stateful Imgur (and LowCodeAPI front) over HTTP.

    ``access_tokens`` and ``refresh_tokens`` map tokens to usernames of the
    seeded world; ``api_tokens`` connect LowCodeAPI tokens to the account
    whose Bearer the proxy sends, in the URL formats and wrapper style given.
    ``store`` is open for tests to inspect and arrange; ``faults`` takes the
    misbehaviour they want the next answers to show; ``received`` lists the
    requests that came in.

    Raises:
        SandboxError: the port is not a port number, or an account is unknown.
    """

    def __init__(
        self,
        *,
        client_ids: Iterable[str] = (DEMO_CLIENT_ID,),
        client_secret: str = DEMO_CLIENT_SECRET,
        access_tokens: Mapping[str, str] = DEMO_ACCESS_TOKENS,
        refresh_tokens: Mapping[str, str] = DEMO_REFRESH_TOKENS,
        api_tokens: Mapping[str, str] = DEMO_API_TOKENS,
        clock: Clock = time.time,
        limits: RateLimits | None = None,
        token_lifetime: int = TOKEN_LIFETIME,
        lowcodeapi_formats: Collection[str] = FORMATS,
        lowcodeapi_style: str = "hosted",
        seed: int = 0,
        host: str = LOOPBACK,
        port: int = 0,
    ) -> None:
        _check_port(port)
        self.store = Store(clock, seed, token_lifetime)
        seed_demo(self.store)
        self.store.client_ids = set(client_ids)
        self.store.client_secret = client_secret
        _grant(self.store, access_tokens, refresh_tokens, api_tokens)

        self.limiter = RateLimiter(limits or RateLimits(), clock)
        self.imgur = ImgurApp(self.store, self.limiter)
        self.faults = self.imgur.faults  # the LowCodeAPI front forwards into them
        self.lowcodeapi = LowCodeApiFront(
            self.imgur, lowcodeapi_formats, style=lowcodeapi_style
        )
        self._log = RequestLog(
            DispatcherMiddleware(self.imgur, {LOWCODEAPI_PREFIX: self.lowcodeapi})
        )
        self.wsgi: WSGIApplication = self._log

        self.host = host
        self.port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The Imgur base URL, e.g. ``http://127.0.0.1:PORT``."""
        if self._server is None:
            raise SandboxError("the sandbox is not listening yet: call start()")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._server.port}"

    @property
    def received(self) -> list[Received]:
        """Every request that reached the sandbox so far, first first."""
        return self._log.requests()

    @property
    def lowcodeapi_url(self) -> str:
        """The LowCodeAPI-style base URL: :attr:`url` + ``/imgur``."""
        return self.url + LOWCODEAPI_PREFIX

    def start(self) -> Sandbox:
        """Listen and answer on a background (daemon) thread.

        Raises:
            SandboxError: the address cannot be listened on.
        """
        self._server = self._listen()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            name="imgur-sandbox",
            daemon=True,
        )
        self._thread.start()
        logger.info("Imgur sandbox serving on %s", self.url)
        return self

    def stop(self) -> None:
        """Stop answering (in the background or the foreground); free the port."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()  # waits until serve_forever has returned
        if thread is not None:
            thread.join()
        server.server_close()
        self._server = self._thread = None

    def serve_forever(self, on_ready: Callable[[Sandbox], None] | None = None) -> None:
        """Listen and answer in this thread until Ctrl-C or :meth:`stop`.

        `on_ready` is called once the port is open, e.g. to show :attr:`url`.

        Raises:
            SandboxError: the address cannot be listened on.
        """
        self._server = server = self._listen()
        logger.info("Imgur sandbox serving on %s", self.url)
        try:
            if on_ready is not None:
                on_ready(self)
            server.serve_forever(poll_interval=POLL_INTERVAL)  # returns on Ctrl-C
        finally:
            server.server_close()
            self._server = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def _listen(self) -> BaseWSGIServer:
        if self._server is not None:
            raise SandboxError(f"the sandbox is already serving on {self.url}")
        # Bind here rather than in werkzeug, which prints and exits on failure.
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        try:
            listener = socket.create_server((self.host, self.port), family=family)
        except OSError as error:
            raise SandboxError(self._unusable(error)) from None
        with listener:
            return make_server(
                self.host,
                self.port,
                self.wsgi,
                threaded=True,
                request_handler=_QuietHandler,
                fd=listener.fileno(),
            )

    def _unusable(self, error: OSError) -> str:
        if error.errno == errno.EADDRINUSE:
            return (
                f"port {self.port} on {self.host} is already in use; "
                "choose another --port, or 0 for any free one"
            )
        return f"cannot listen on {self.host}:{self.port}: {error.strerror}"


def _check_port(port: int) -> None:
    if isinstance(port, bool) or not isinstance(port, int):
        raise SandboxError(f"the port must be a whole number, not {port!r}")
    if not 0 <= port <= HIGHEST_PORT:
        raise SandboxError(
            f"port {port} does not exist: choose one from 1 to {HIGHEST_PORT}, "
            "or 0 for any free one"
        )


@dataclass(frozen=True)
class Received:
    """One request as it reached the sandbox: method, path and query string."""

    method: str
    path: str
    query: str


class RequestLog:
    """Notes every request before the sandbox answers it; safe across threads."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self._requests: list[Received] = []
        self._lock = threading.Lock()

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        received = Received(
            environ.get("REQUEST_METHOD", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        )
        with self._lock:
            self._requests.append(received)
        return self.app(environ, start_response)

    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._requests)


def serve(
    host: str = LOOPBACK,
    port: int = 0,
    *,
    on_ready: Callable[[Sandbox], None] | None = None,
) -> None:
    """Serve the demo sandbox in the foreground until interrupted (Ctrl-C).

    Raises:
        SandboxError: the address cannot be listened on.
    """
    Sandbox(host=host, port=port).serve_forever(on_ready)


def _grant(
    store: Store,
    access_tokens: Mapping[str, str],
    refresh_tokens: Mapping[str, str],
    api_tokens: Mapping[str, str],
) -> None:
    """Give the seeded accounts their configured tokens (never expiring)."""
    for token, username in access_tokens.items():
        _known(store, username).tokens[token] = None
    for token, username in refresh_tokens.items():
        _known(store, username).refresh_tokens.add(token)
    for token, username in api_tokens.items():
        _known(store, username).api_tokens.add(token)


def _known(store: Store, username: str) -> Account:
    account = store.account(username)
    if account is None:
        known = ", ".join(a.username for a in store.accounts.values())
        raise SandboxError(f"no sandbox account is called {username!r} ({known} are)")
    return account


# Request lines carry api_token values; mask them in anything werkzeug logs.
_API_TOKEN = re.compile(r"(api_token=)[^&\s\"]+")


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's request handler without its per-request access log."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def log(self, type: str, message: str, *args: Any) -> None:
        text = message % args if args else message
        logger.debug("%s", _API_TOKEN.sub(r"\1***", text))
