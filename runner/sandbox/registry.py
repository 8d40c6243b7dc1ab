"""Which function answers which catalog endpoint.

A handler takes a :class:`~runner.sandbox.context.Context` and returns the
``data`` of the answer (the app wraps it in Imgur's envelope), or raises
:class:`~runner.sandbox.errors.ImgurError`. Register it by endpoint name::

    @handles("album.favorite")
    def favorite(ctx: Context) -> str: ...

Endpoints that share one URL (``image.delete`` and ``image.delete_anonymous``)
share one handler: name both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from runner.catalog import load_catalog
from runner.sandbox.context import Context
from runner.sandbox.routing import Route

Handler = Callable[[Context], Any]
H = TypeVar("H", bound=Handler)

_handlers: dict[str, Handler] = {}


def handles(*names: str) -> Callable[[H], H]:
    """Register the decorated function as the handler of the named endpoints.

    Raises:
        ValueError: a name is not in the catalog, or has another handler.
    """

    def register(handler: H) -> H:
        for name in names:
            _check(name, handler)
            _handlers[name] = handler
        return handler

    return register


def _check(name: str, handler: Handler) -> None:
    catalog = load_catalog()
    if name not in catalog:
        hint = ", ".join(catalog.suggest(name)) or "no close name"
        raise ValueError(f"{name!r} is not a catalog endpoint (close: {hint})")
    known = _handlers.get(name)
    if known is not None and _where(known) != _where(handler):
        raise ValueError(f"{name!r} already has a handler: {_where(known)}")


def _where(handler: Handler) -> str:
    return f"{handler.__module__}.{getattr(handler, '__qualname__', handler)}"


def handler_for(route: Route) -> Handler | None:
    """The handler registered for any of the route's endpoints."""
    found = (_handlers.get(e.name) for e in route.endpoints)
    return next((h for h in found if h is not None), None)


def handled() -> frozenset[str]:
    """Names of the endpoints that have a handler."""
    return frozenset(_handlers)
