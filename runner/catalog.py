"""The endpoint catalog: every Imgur endpoint a playbook can call by name.

The facts live in ``catalog.yaml`` beside this module; its shape is checked
by ``schemas/catalog.schema.json``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml

from runner.wording import preview

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader  # type: ignore[assignment]


class Auth(StrEnum):
    """What an endpoint needs in the Authorization header."""

    NONE = "none"
    CLIENT_ID = "client_id"
    BEARER = "bearer"
    EITHER = "client_id_or_bearer"

    @property
    def label(self) -> str:
        return {
            Auth.NONE: "no authorization",
            Auth.CLIENT_ID: "Client-ID",
            Auth.BEARER: "user access token (Bearer)",
            Auth.EITHER: "Client-ID or user access token",
        }[self]


@dataclass(frozen=True)
class Param:
    """One parameter of an endpoint, with the place it goes in a request."""

    name: str
    place: str  # path | query | body | file
    types: tuple[str, ...]
    required: bool
    values: tuple[Any, ...] | None = None
    default: Any = None
    wire_name: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    secret: bool = False
    needs_user: bool = False  # giving it needs a user token, whatever the auth
    deprecated: bool = False
    unconfirmed: bool = False
    description: str = ""

    @property
    def may_publish(self) -> bool:
        """Whether Imgur may show the value to others (a title), not act on it.

        A path names what the call acts on (an anonymous album by its
        deletehash) and is masked wherever the URL is shown; a secret
        parameter takes a deletehash or a credential by design.
        """
        return not self.secret and self.place in ("query", "body")

    @property
    def wire(self) -> str:
        """The name Imgur reads, e.g. ``ids[]`` for ``ids``."""
        return self.wire_name or self.name

    @property
    def sent_as(self) -> str | None:
        """Imgur's name where it is another than the playbook's (not ``[]``)."""
        return self.wire if self.wire.removesuffix("[]") != self.name else None

    def wire_for(self, value: Any) -> str:
        """The name Imgur reads `value` under.

        A list goes as ``ids[]``; the same parameter given as one
        comma-separated string goes as plain ``ids``, as Imgur reads it.
        """
        return self.wire.removesuffix("[]") if isinstance(value, str) else self.wire

    @property
    def needs_value(self) -> bool:
        """Whether a call cannot be sent without a value for this parameter."""
        return self.required or (self.place == "path" and self.default is None)

    def type_problem(self, value: Any) -> ValueProblem | None:
        """Why `value` does not fit this parameter, or None if it does."""
        if not any(_fits(kind, value) for kind in self.types):
            wanted = " or ".join(_TYPE_WORDS[kind] for kind in self.types)
            return self._problem(f"must be {wanted}", value)
        if self.values is not None and not _allowed(value, self.values):
            allowed = ", ".join(str(v) for v in self.values)
            return self._problem(f"must be one of {allowed}", value)
        if not self._in_range(value):
            return self._problem(f"must be {self.range_text}", value)
        if self.place == "path" and unsendable_segment(value):
            # An empty or dot segment would reach another endpoint's URL.
            rule = "cannot be empty, . or .. (it is part of the URL)"
            said = "`{name}` cannot be {value}: it is part of the URL"
            return self._problem(rule, value, said)
        return None

    def _problem(self, rule: str, value: Any, said: str = "") -> ValueProblem:
        problem = ValueProblem(self.name, rule, value, self.secret)
        return replace(problem, said=said) if said else problem

    @property
    def range_text(self) -> str:
        """The allowed numbers in words, e.g. "from 1 to 100"; "" for any."""
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"from {low} to {high}"
        if low is not None:
            return f"{low} or more"
        return f"{high} or less" if high is not None else ""

    def _in_range(self, value: Any) -> bool:
        if not _fits("integer", value):
            return True  # a text value of a text-or-number parameter
        number = int(value)
        low, high = self.minimum, self.maximum
        return (low is None or number >= low) and (high is None or number <= high)


@dataclass(frozen=True)
class ValueProblem:
    """A value that does not fit its parameter: the rule it breaks, and it."""

    name: str
    rule: str  # "must be a whole number (0 or more)"
    value: Any
    secret: bool = False
    said: str = "`{name}` {rule}, not {value}"  # the whole problem in words

    @property
    def broken(self) -> str:
        """The rule the value breaks: "`page` must be a whole number"."""
        return f"`{self.name}` {self.rule}"

    @property
    def shown(self) -> str:
        """The value for a message; only its kind when the parameter is secret."""
        return preview(self.value, secret=self.secret)

    def __str__(self) -> str:
        return self.said.format(name=self.name, rule=self.rule, value=self.shown)


def unsendable_segment(value: Any) -> bool:
    """Whether `value` cannot be a segment of a URL path: nothing, "", . or ..

    Sent, such a segment would reach another endpoint's URL (or none).
    """
    return value is None or str(value).strip() in ("", ".", "..")


_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number (0 or more)",
    "boolean": "true or false",
    "array": "a list",
    "file": "a file ({file: path})",
}


def _fits(kind: str, value: Any) -> bool:
    # Text from CSV rows and --var arrives as strings: "3" is a whole number.
    if kind == "integer":  # Imgur's numbers (pages, ids) are never negative
        if isinstance(value, str):
            return value.strip().isdigit()
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if kind == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if kind == "array":
        return isinstance(value, list | tuple)
    if kind == "file":
        return isinstance(value, Mapping) and set(value) == {"file"}
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _allowed(value: Any, values: tuple[Any, ...]) -> bool:
    return str(value) in {str(v) for v in values}


@dataclass(frozen=True)
class LowCodeApiPaths:
    """Where LowCodeAPI serves an endpoint, in its new and old URL formats."""

    intent: str
    path: str
    old_path: str
    listed_path: str | None = None  # LowCodeAPI's table, where it lists a slip
    listed_old_path: str | None = None
    unconfirmed: bool = False


@dataclass(frozen=True)
class Endpoint:
    """One Imgur endpoint as the catalog describes it."""

    name: str
    category: str
    summary: str
    method: str
    path: str
    lowcodeapi: LowCodeApiPaths | None
    auth: Auth
    headers: Mapping[str, str]
    body: str | None  # form | json | multipart
    params: tuple[Param, ...]
    response: Mapping[str, Any]
    confirmed: bool
    destructive: str | None
    notes: tuple[str, ...]
    sources: tuple[str, ...]
    unconfirmed_auth: bool = False
    one_of_required: tuple[tuple[str, ...], ...] = ()

    @property
    def group(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def paged(self) -> bool:
        return self.param("page") is not None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def in_place(self, place: str) -> Iterator[Param]:
        return (p for p in self.params if p.place == place)

    def named(self, sent: Mapping[str, Any], place: str) -> dict[str, Any]:
        """Values sent in `place` under Imgur's names, keyed by the catalog's.

        Lists arrive without their ``[]``; a field that shares Imgur's name with
        a path value has its own name here (``new_username``, not ``username``).
        Imgur reads no field under such an own name, so one sent so is left out.
        """
        names = {p.wire.removesuffix("[]"): p.name for p in self.in_place(place)}
        own = set(names.values()) - set(names)
        return {
            names.get(key, key): value
            for key, value in sent.items()
            if key in names or key not in own
        }

    def unmet_groups(self, given: Iterable[str]) -> list[tuple[str, ...]]:
        """The one-of-required groups of which `given` names no parameter."""
        names = set(given)
        return [group for group in self.one_of_required if not names & set(group)]


class Catalog:
    """Endpoints by name, with suggestions for names that are not there."""

    def __init__(self, endpoints: list[Endpoint]) -> None:
        self._by_name = {e.name: e for e in endpoints}

    def __iter__(self) -> Iterator[Endpoint]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def get(self, name: str) -> Endpoint | None:
        return self._by_name.get(name)

    def suggest(self, name: str) -> list[str]:
        """Names close to `name`, best first."""
        names = list(self._by_name)
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        if close and difflib.SequenceMatcher(None, name, close[0]).ratio() > 0.9:
            return close[:1]  # one obvious typo: no need for runners-up
        if close:
            return close
        tail = name.rsplit(".", 1)[-1]
        return [n for n in names if n.endswith("." + tail)][:3]


def endpoint_from_data(data: Mapping[str, Any]) -> Endpoint:
    """Build an Endpoint from one entry of catalog.yaml."""
    lowcodeapi = data["lowcodeapi"]
    auth = data["auth"]
    return Endpoint(
        name=data["name"],
        category=data["category"],
        summary=data["summary"],
        method=data["method"],
        path=data["path"],
        lowcodeapi=LowCodeApiPaths(**lowcodeapi) if lowcodeapi else None,
        auth=Auth(auth["kind"]),
        headers=auth.get("headers", {}),
        body=data["body"],
        params=tuple(_param_from_data(p) for p in data["params"]),
        response=data["response"],
        confirmed=data["confirmed"],
        destructive=data.get("destructive"),
        notes=tuple(data.get("notes", ())),
        sources=tuple(data["sources"]),
        unconfirmed_auth=bool(auth.get("unconfirmed")),
        one_of_required=tuple(tuple(g) for g in data.get("one_of_required", ())),
    )


def _param_from_data(data: Mapping[str, Any]) -> Param:
    kind = data["type"]
    values = data.get("values")
    return Param(
        name=data["name"],
        place=data["in"],
        types=tuple(kind) if isinstance(kind, list) else (kind,),
        required=data["required"],
        values=tuple(values) if values is not None else None,
        default=data.get("default"),
        wire_name=data.get("wire_name"),
        minimum=data.get("minimum"),
        maximum=data.get("maximum"),
        secret=bool(data.get("secret")),
        needs_user=bool(data.get("needs_user")),
        deprecated=bool(data.get("deprecated")),
        unconfirmed=bool(data.get("unconfirmed")),
        description=data.get("description", ""),
    )


def catalog_data() -> dict[str, Any]:
    """The raw contents of catalog.yaml."""
    text = resources.files("runner").joinpath("catalog.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=SafeLoader)
    return data


@cache
def load_catalog() -> Catalog:
    """The catalog shipped with the package (read once per process)."""
    return Catalog([endpoint_from_data(e) for e in catalog_data()["endpoints"]])
