"""The playbook and step model, built only from a playbook that passed its checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from runner.catalog import Catalog, Endpoint, load_catalog
from runner.checks import Checker
from runner.errors import InvalidPlaybook
from runner.loader import Document, load_document
from runner.templating import Expression, compile_expression


@dataclass(frozen=True)
class Expect:
    """What a response must look like for its step to succeed."""

    status: tuple[int, ...] = ()
    that: tuple[Expression, ...] = ()


@dataclass(frozen=True)
class Step:
    """One call of an endpoint, with what to send, check and save."""

    id: str
    endpoint: Endpoint
    args: Mapping[str, Any]
    save: Mapping[str, Expression] = field(default_factory=dict)
    expect: Expect = Expect()
    description: str | None = None
    line: int | None = None

    @property
    def call(self) -> str:
        return self.endpoint.name


@dataclass(frozen=True)
class Playbook:
    """A checked playbook, ready to run."""

    path: Path
    name: str
    vars: Mapping[str, Any]
    secrets: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def folder(self) -> Path:
        """Where relative file paths in the playbook start from."""
        return self.path.parent


def load_playbook(
    path: Path,
    *,
    overrides: Mapping[str, Any] | None = None,
    allow_destructive: bool = False,
    catalog: Catalog | None = None,
) -> Playbook:
    """Load, check and build a playbook.

    Raises:
        InvalidPlaybook: with every problem found, each placed in the file.
    """
    document = load_document(path)
    catalog = catalog or load_catalog()
    if isinstance(document.data, dict) and overrides:
        apply_overrides(document, overrides)
    checker = Checker(document, catalog, allow_destructive=allow_destructive)
    problems = checker.problems()
    if problems:
        raise InvalidPlaybook(problems)
    return build_playbook(document, catalog)


def apply_overrides(document: Document, overrides: Mapping[str, str]) -> None:
    """Put --var values into the document's vars, typed like the values they replace.

    Raises:
        InvalidPlaybook: a value does not fit the type the playbook gives it.
    """
    current = document.data.get("vars")
    merged = dict(current) if isinstance(current, dict) else {}
    problems = []
    for name, text in overrides.items():
        try:
            merged[name] = typed_like(merged.get(name), text)
        except ValueError as error:
            message = f"--var {name}={text}: {error}"
            problems.append(document.problem(("vars", name), message))
    if problems:
        raise InvalidPlaybook(problems)
    document.data["vars"] = merged


def typed_like(existing: Any, text: str) -> Any:
    """`text` as the type of `existing` (text when the playbook has no value).

    Raises:
        ValueError: `text` cannot be that type.
    """
    if existing is None or isinstance(existing, str):
        return text
    value = yaml.safe_load(text) if text.strip() else None
    kind = type(existing)
    if isinstance(existing, float) and isinstance(value, int):
        value = float(value)
    if type(value) is not kind:
        raise ValueError(f"the playbook's value is {_kind_word(existing)}")
    return value


def _kind_word(value: Any) -> str:
    words = {bool: "true or false", int: "a whole number", float: "a number"}
    return words.get(type(value), "a list" if isinstance(value, list) else "a mapping")


def build_playbook(document: Document, catalog: Catalog) -> Playbook:
    data = document.data
    steps = tuple(
        _build_step(document, index, raw, catalog)
        for index, raw in enumerate(data["steps"])
    )
    return Playbook(
        path=document.path,
        name=data.get("name") or document.path.stem,
        vars=data.get("vars") or {},
        secrets=tuple(data.get("secrets") or ()),
        steps=steps,
    )


def _build_step(
    document: Document, index: int, raw: Mapping[str, Any], catalog: Catalog
) -> Step:
    endpoint = catalog.get(raw["call"])
    assert endpoint is not None, "checked before building"
    expect = raw.get("expect") or {}
    status = expect.get("status", [])
    return Step(
        id=raw["id"],
        endpoint=endpoint,
        args=raw.get("with") or {},
        save={k: compile_expression(v) for k, v in (raw.get("save") or {}).items()},
        expect=Expect(
            status=tuple(status if isinstance(status, list) else [status]),
            that=tuple(compile_expression(t) for t in expect.get("that", ())),
        ),
        description=raw.get("description"),
        line=document.line(("steps", index)),
    )
