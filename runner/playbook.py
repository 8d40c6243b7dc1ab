"""The playbook and step model, built only from a playbook that passed its checks."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from runner.catalog import Catalog, Endpoint, load_catalog
from runner.checks import Checker
from runner.datafiles import load_data, load_vars_file
from runner.errors import InvalidPlaybook, Problem
from runner.export import Export
from runner.loader import Document, load_document
from runner.pages import Pages
from runner.retry import NO_RETRY, Retry
from runner.templating import Expression, compile_expression


@dataclass(frozen=True)
class Expect:
    """What a response must look like for its step to succeed."""

    status: tuple[int, ...] = ()
    that: tuple[Expression, ...] = ()


class OnError(StrEnum):
    """What a failed step (or loop item) does to the rest of the run."""

    STOP = "stop"
    CONTINUE = "continue"


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
    when: Expression | None = None
    for_each: Any = None  # a template or a list; None for a single call
    as_name: str = "item"
    pages: Pages | None = None
    retry: Retry = NO_RETRY
    on_error: OnError | None = None  # None: the playbook's
    export: Export | None = None

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
    inputs: Mapping[str, Any] = field(default_factory=dict)
    on_error: OnError = OnError.STOP

    @property
    def folder(self) -> Path:
        """Where relative file paths in the playbook start from."""
        return self.path.parent


def load_playbook(
    path: Path,
    *,
    overrides: Mapping[str, Any] | None = None,
    vars_file: Path | None = None,
    allow_destructive: bool = False,
    catalog: Catalog | None = None,
) -> Playbook:
    """Load, check and build a playbook.

    Raises:
        InvalidPlaybook: with every problem found, each placed in the file.
    """
    document = load_document(path)
    catalog = catalog or load_catalog()
    if isinstance(document.data, dict) and vars_file is not None:
        apply_vars_file(document, vars_file)
    if isinstance(document.data, dict) and overrides:
        apply_overrides(document, overrides)
    inputs, input_problems = load_data(document)
    checker = Checker(
        document, catalog, allow_destructive=allow_destructive, inputs=inputs
    )
    problems = input_problems + checker.problems()
    if problems:
        raise InvalidPlaybook(problems)
    return build_playbook(document, catalog, inputs)


def apply_overrides(document: Document, overrides: Mapping[str, str]) -> None:
    """Put --var values into the document's vars, typed like the values they replace.

    Raises:
        InvalidPlaybook: a value does not fit the type the playbook gives it.
    """
    current = document.data.get("vars")
    merged = dict(current) if isinstance(current, dict) else {}
    problems = []
    for name, text in overrides.items():
        if name not in merged:
            problems.append(_unknown_var(document, name, text, list(merged)))
            continue
        try:
            merged[name] = typed_like(merged.get(name), text)
        except ValueError as error:
            message = f"--var {name}={text}: {error}"
            problems.append(document.problem(("vars", name), message))
    if problems:
        raise InvalidPlaybook(problems)
    document.data["vars"] = merged


def _unknown_var(document: Document, name: str, text: str, known: list[str]) -> Problem:
    """A --var for a name no template can read: a typo, most likely."""
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        hint = f"did you mean --var {close[0]}={text}?"
    elif known:
        hint = f"its vars are {', '.join(known)}"
    else:
        hint = "add it under `vars:` first"
    message = f"--var {name}={text}: the playbook has no var `{name}`"
    return document.problem(("vars",), message, hint=hint)


def apply_vars_file(document: Document, vars_file: Path) -> None:
    """Put a --vars-file's values into the document's vars, typed like theirs.

    Raises:
        InvalidPlaybook: the file is broken, or a value does not fit the type the
            playbook gives it.
    """
    given = load_vars_file(vars_file)
    current = document.data.get("vars")
    merged = dict(current) if isinstance(current, dict) else {}
    problems = []
    for name, value in given.data.items():
        key, existing = str(name), merged.get(str(name))
        try:
            merged[key] = value_like(existing, value)
        except ValueError as error:
            message = f"--vars-file: `{key}` is {_shown(value)}, but {error}"
            hint = f"write it like the playbook's `{key}: {_shown(existing)}`"
            problems.append(given.problem((key,), message, hint=hint))
    if problems:
        raise InvalidPlaybook(problems)
    document.data["vars"] = merged


def value_like(existing: Any, value: Any) -> Any:
    """A vars-file `value` as the type of `existing`; text is read as --var's is.

    Raises:
        ValueError: `value` cannot be that type.
    """
    if isinstance(value, str):
        return typed_like(existing, value)
    if existing is None:
        return value
    # `title: 2026` in the file means the text 2026 when the playbook has text
    if isinstance(existing, str) and isinstance(value, int | float | date):
        return str(value) if isinstance(value, date) else json.dumps(value)
    if isinstance(existing, float) and type(value) is int:
        return float(value)
    if type(value) is not type(existing):
        raise ValueError(f"the playbook's value is {_kind_word(existing)}")
    return value


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


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
    words = {
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        str: "text",
    }
    return words.get(type(value), "a list" if isinstance(value, list) else "a mapping")


def build_playbook(
    document: Document, catalog: Catalog, inputs: Mapping[str, Any] | None = None
) -> Playbook:
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
        inputs=dict(inputs or {}),
        on_error=OnError(data.get("on_error", OnError.STOP)),
    )


def _build_step(
    document: Document, index: int, raw: Mapping[str, Any], catalog: Catalog
) -> Step:
    endpoint = catalog.get(raw["call"])
    assert endpoint is not None, "checked before building"
    on_error = raw.get("on_error")
    return Step(
        id=raw["id"],
        endpoint=endpoint,
        args=raw.get("with") or {},
        save={k: compile_expression(v) for k, v in (raw.get("save") or {}).items()},
        expect=_expect(raw.get("expect") or {}),
        description=raw.get("description"),
        line=document.line(("steps", index)),
        when=_expression(raw.get("when")),
        for_each=raw.get("for_each"),
        as_name=raw.get("as", "item"),
        pages=Pages.parse(raw["pages"]) if "pages" in raw else None,
        retry=_retry(raw.get("retry")),
        on_error=OnError(on_error) if on_error else None,
        export=_export(raw.get("export")),
    )


def _expression(text: str | None) -> Expression | None:
    return compile_expression(text) if text is not None else None


def _expect(raw: Mapping[str, Any]) -> Expect:
    status = raw.get("status", [])
    return Expect(
        status=tuple(status if isinstance(status, list) else [status]),
        that=tuple(compile_expression(t) for t in raw.get("that", ())),
    )


def _retry(raw: Mapping[str, Any] | None) -> Retry:
    if not raw:
        return NO_RETRY
    given = {k: v for k, v in raw.items() if k != "until"}
    return Retry(**given, until=_expression(raw.get("until")))


def _export(raw: Mapping[str, Any] | None) -> Export | None:
    if raw is None:
        return None
    columns = raw.get("columns")
    fmt = Export.format_of(raw["to"], raw.get("format"))
    assert fmt is not None, "checked before building"
    return Export(
        to=raw["to"],
        rows=compile_expression(raw["rows"]),
        columns=tuple(columns) if columns else None,
        format=fmt,
    )
