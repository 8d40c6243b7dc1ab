"""The Imgur API as a WSGI application: fault, route, authorize, charge, handle."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from runner.catalog import Auth, Catalog, load_catalog
from runner.sandbox import handlers
from runner.sandbox.auth import NOBODY, Caller, authorize, identify
from runner.sandbox.bodies import ApiRequest, read_args, read_files
from runner.sandbox.context import Context
from runner.sandbox.envelope import failure, success
from runner.sandbox.errors import ImgurError
from runner.sandbox.faults import Fault, Faults, fault_response
from runner.sandbox.ratelimit import RateLimiter, cost
from runner.sandbox.registry import handler_for
from runner.sandbox.routing import Route, routes_for
from runner.sandbox.store import Store

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)


class ImgurApp:
    """Answers Imgur API requests from the store, one at a time."""

    def __init__(
        self, store: Store, limiter: RateLimiter, catalog: Catalog | None = None
    ) -> None:
        handlers.load()
        self.store = store
        self.limiter = limiter
        catalog = catalog or load_catalog()
        self.routes = routes_for(catalog)
        self.faults = Faults(catalog)
        # The server answers on many threads; the store is not thread-safe.
        self.lock = threading.Lock()
        self._error_ids = itertools.count(1)

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        with ApiRequest(environ) as request:  # closes uploaded files' temp files
            response = self.respond(request)
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        """The answer to `request`, rate-limit headers included."""
        address = request.remote_addr or "unknown"
        fault = self._fault(request)
        if fault is None or fault.slow_only:
            response = self._answered(request, address)
        else:
            response = self._faulted(request, fault)
        # An HTML error page comes from the edge in front of the API, which
        # knows nothing of credits.
        if fault is None or not fault.html:
            with self.lock:
                post = request.method == "POST"
                response.headers.update(self.limiter.headers(address, post))
        logger.debug("%s %s -> %s", request.method, request.path, response.status_code)
        return response

    def _fault(self, request: Request) -> Fault | None:
        """The pending fault for `request`, if any, once its delay is over."""
        names = self.endpoint_names(request.method, request.path)
        return take_fault(self.faults, request, names, "imgur")

    def endpoint_names(self, method: str, path: str) -> tuple[str, ...]:
        """The catalog names of the endpoints an Imgur path is a route of."""
        try:
            route, _ = self.routes.match(method, path)
        except ImgurError:
            return ()  # only a fault for any request applies
        return tuple(endpoint.name for endpoint in route.endpoints)

    def _faulted(self, request: Request, fault: Fault) -> Response:
        return fault_response(fault, request.method, request.path, self._error_id())

    def _answered(self, request: Request, address: str) -> Response:
        try:
            return self._answer(request, address)
        except ImgurError as error:
            return self._failure(request, error)
        except HTTPException as error:  # werkzeug's own, e.g. a body too large
            reason = error.description or error.name
            return self._failure(request, ImgurError(error.code or 400, reason))
        except Exception:
            logger.exception("sandbox failed on %s %s", request.method, request.path)
            return self._failure(request, ImgurError(500, "Internal error"))

    def _answer(self, request: Request, address: str) -> Response:
        route, path_args = self.routes.match(request.method, request.path)
        args = {**read_args(request, route.endpoint), **path_args}
        with self.lock:
            caller = self._caller(route, request)
            authorize(route.auth, caller, path_args)
            post = request.method == "POST"
            self.limiter.charge(address, cost(route.endpoint), post)
            context = Context(
                endpoint=route.endpoint,
                store=self.store,
                caller=caller,
                args=args,
                files=read_files(request),
                credits=self.limiter.credits(address),
                lock=self.lock,
            )
            data = self._handle(route, context)
        return data if isinstance(data, Response) else success(request.path, data)

    def _caller(self, route: Route, request: Request) -> Caller:
        if route.auth is Auth.NONE:
            return NOBODY
        return identify(request.headers.get("Authorization"), self.store)

    def _handle(self, route: Route, context: Context) -> Any:
        handler = handler_for(route)
        if handler is None:
            names = " or ".join(e.name for e in route.endpoints)
            raise ImgurError(501, f"The sandbox does not implement {names} yet")
        return handler(context)

    def _failure(self, request: Request, error: ImgurError) -> Response:
        return failure(error, request.method, request.path, self._error_id())

    def _error_id(self) -> str:
        return f"imgur-sandbox/{next(self._error_ids)}"


def take_fault(
    faults: Faults, request: Request, names: tuple[str, ...], at: str
) -> Fault | None:
    """The pending fault served `at` for `request`, once its delay is over."""
    fault = faults.take(names, at)
    if fault is not None:
        logger.debug("%s %s gets %s", request.method, request.path, fault)
        time.sleep(fault.delay)  # without the lock: other calls go on meanwhile
    return fault
