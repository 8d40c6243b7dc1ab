"""The Imgur URL map, built from the endpoint catalog.

Some endpoints share a method and path shape and differ only in what goes in
the path: ``DELETE /3/image/{imageHash}`` and ``DELETE /3/image/{imageDeleteHash}``
are one URL to Imgur, which decides by value. Such endpoints share one rule,
named after the endpoint that is not ``_anonymous``, and its handler decides.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from runner.catalog import Auth, Catalog, Endpoint
from runner.sandbox.errors import ImgurError

PLACEHOLDER = re.compile(r"\{(\w+)\}")

# Imgur still answers uploads at this older address.
ALIASES = {("POST", "/3/image"): "image.upload"}


@dataclass(frozen=True)
class Route:
    """One rule of the map and the catalog endpoints it serves, main one first."""

    endpoints: tuple[Endpoint, ...]

    @property
    def endpoint(self) -> Endpoint:
        return self.endpoints[0]

    @property
    def auth(self) -> Auth:
        """The least a caller needs: a deletehash route needs no account."""
        relaxed = [e.auth for e in self.endpoints if e.auth is not Auth.BEARER]
        return relaxed[0] if relaxed else Auth.BEARER


class Routes:
    """Finds the route and path values for a method and path."""

    def __init__(self, catalog: Catalog) -> None:
        self.by_name = _routes(catalog)
        rules = list(_rules(self.by_name.values()))
        rules += [
            Rule(path, methods=[m], endpoint=n) for (m, path), n in ALIASES.items()
        ]
        # No redirects: a client that sent a POST must get an answer, not a 308.
        self.map = Map(
            rules, strict_slashes=False, merge_slashes=False, redirect_defaults=False
        )
        self._adapter = self.map.bind("sandbox")

    def match(self, method: str, path: str) -> tuple[Route, dict[str, Any]]:
        """The route for the request and its path values.

        Raises:
            ImgurError: 404 for an unknown path, 405 for a known path and
                a method it does not take.
        """
        try:
            name, values = self._adapter.match(path, method)
        except MethodNotAllowed:
            raise ImgurError(405, f"{method} is not allowed on {path}") from None
        except NotFound:
            raise ImgurError(404, f"No API endpoint answers {method} {path}") from None
        return self.by_name[str(name)], dict(values)


@cache
def routes_for(catalog: Catalog) -> Routes:
    """The routes of `catalog`, built once: compiling the map takes a while."""
    return Routes(catalog)


def shape(endpoint: Endpoint) -> tuple[str, str]:
    """Method and path with placeholders blanked: equal shapes are one URL."""
    return endpoint.method, PLACEHOLDER.sub("{}", endpoint.path)


def _routes(catalog: Catalog) -> dict[str, Route]:
    groups: dict[tuple[str, str], list[Endpoint]] = {}
    anonymous_last = sorted(catalog, key=lambda e: e.name.endswith("_anonymous"))
    for endpoint in anonymous_last:
        groups.setdefault(shape(endpoint), []).append(endpoint)
    routes = (Route(tuple(endpoints)) for endpoints in groups.values())
    return {route.endpoint.name: route for route in routes}


def _rules(routes: Collection[Route]) -> Iterator[Rule]:
    taken: set[tuple[str, str]] = set()
    for route in routes:
        endpoint = route.endpoint
        taken.add(shape(endpoint))
        yield Rule(
            _rule_path(endpoint.path), methods=[endpoint.method], endpoint=endpoint.name
        )
    for route in routes:
        yield from _shortened(route.endpoint, taken)


def _shortened(endpoint: Endpoint, taken: set[tuple[str, str]]) -> Iterator[Rule]:
    # Imgur lets optional path segments be left off the end (page 0, newest).
    path = endpoint.path
    defaults: dict[str, Any] = {}
    while (last := PLACEHOLDER.fullmatch(path.rsplit("/", 1)[-1])) is not None:
        param = endpoint.param(last.group(1))
        if param is None or param.required or param.default is None:
            return
        defaults[param.name] = param.default
        path = path.rsplit("/", 1)[0]
        key = (endpoint.method, PLACEHOLDER.sub("{}", path))
        if key not in taken:
            taken.add(key)
            rule_path = _rule_path(path)
            yield Rule(
                rule_path,
                methods=[endpoint.method],
                endpoint=endpoint.name,
                defaults=dict(defaults),
            )


def _rule_path(template: str) -> str:
    def converter(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"<int:{name}>" if name == "page" else f"<{name}>"

    return PLACEHOLDER.sub(converter, template)
