"""The playbook and step model, built only from a playbook that passed its checks."""

from __future__ import annotations

import difflib
import json
import math
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from runner.catalog import Catalog, Endpoint, load_catalog
from runner.checks import Checker
from runner.datafiles import input_files, load_data, load_vars_file
from runner.errors import InvalidPlaybook, Problem
from runner.export import Export
from runner.loader import (
    Document,
    bool_for,
    core_bool,
    core_float,
    core_int,
    load_document,
    load_yaml_value,
)
from runner.pages import Pages
from runner.retry import NO_RETRY, Retry
from runner.templating import LOOP_NAME, Expression, compile_expression
from runner.wording import shown, type_in_words


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
    as_name: str = LOOP_NAME
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
    # The files `inputs:` reads, with what names each (see datafiles.input_files).
    input_files: Mapping[Path, str] = field(default_factory=dict)

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
    planning: bool = False,
) -> Playbook:
    """Load, check and build a playbook.

    With `planning` (for `plan`, which sends no write), destructive steps
    are let through whatever allows them.

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
        document,
        catalog,
        allow_destructive=allow_destructive,
        inputs=inputs,
        planning=planning,
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
            hint = f"write it like {_var_example(name, merged[name], text)}"
            problems.append(document.problem(("vars", name), message, hint=hint))
        document.var_origins[name] = "--var"
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


# `vars.album_id` in a template or expression, wherever it stands.
VAR_READ = re.compile(r"\bvars\.([A-Za-z_][\w-]*)")


def _typo_of(name: str, known: list[str]) -> str | None:
    """The playbook var that `name` looks like a misspelling of, if any."""
    same = [var for var in known if var.lower() == name.lower()]
    close = same or difflib.get_close_matches(name, known, n=1)
    return close[0] if close else None


def _vars_read(document: Document) -> set[str]:
    """The names any text of the playbook reads as `vars.<name>`: wanted ones."""
    text = json.dumps(document.data, default=str, ensure_ascii=False)
    return set(VAR_READ.findall(text))


def _misspelt_file_var(given: Document, name: str, meant: str) -> Problem:
    """A --vars-file name one letter or so from a var: left, it changes nothing."""
    message = (
        f"--vars-file: the playbook has no var `{name}`, "
        f"so its `{meant}` would keep the playbook's value"
    )
    return given.problem((name,), message, hint=f"did you mean `{meant}`?")


def _var_example(name: str, existing: Any, given: str) -> str:
    """A --var that fits the playbook's value, ready to paste into a shell.

    A yes, on or 1 given for true or false is meant as true, whatever the
    playbook's value is.
    """
    if isinstance(existing, bool):
        value = bool_for(given) or json.dumps(existing)
    elif isinstance(existing, list):
        value = _flow(existing) or "[a, b]"
    elif isinstance(existing, dict):
        value = _flow(existing) or "{a: 1}"
    else:
        value = str(existing)
    return f"--var {shlex.quote(f'{name}={value}')}"


def _flow(value: Any) -> str | None:
    """`value` written on one line as YAML, if that line is short."""
    text = yaml.safe_dump(value, default_flow_style=True, width=1000).strip()
    return text if len(text) <= 60 and "\n" not in text else None


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
    read = _vars_read(document)
    for name, value in given.data.items():
        key, existing = str(name), merged.get(str(name))
        typo = None if key in merged or key in read else _typo_of(key, list(merged))
        if typo is not None:
            problems.append(_misspelt_file_var(given, key, typo))
            continue
        try:
            merged[key] = value_like(existing, value)
        except ValueError as error:
            message = f"--vars-file: `{key}` is {shown(value)}, but {error}"
            hint = given.bool_hint((key,)) if isinstance(existing, bool) else None
            hint = hint or f"write it like the playbook's `{key}: {shown(existing)}`"
            problems.append(given.problem((key,), message, hint=hint))
        document.var_origins[key] = "--vars-file"
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
    if isinstance(existing, str) and isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(existing, float) and type(value) is int:
        return float(value)
    if type(value) is not type(existing):
        raise ValueError(f"the playbook's value is {type_in_words(existing)}")
    return value


def typed_like(existing: Any, text: str) -> Any:
    """`text` read as the type of `existing` (text when the playbook has no value).

    A value is read as a playbook's value is (YAML 1.2's core schema): a
    whole number is digits (010 is ten), 0x1F or 0o17, a number is written like
    2.5 or 1e3, true or false is `true` or `false`, and a list or a mapping
    is written as JSON or YAML on one line (`[cats, aww]`).

    Raises:
        ValueError: `text` cannot be that type.
    """
    if existing is None or isinstance(existing, str):
        return text
    read = _READERS.get(type(existing))
    value = read(text.strip()) if read else None
    if value is None:
        raise ValueError(f"the playbook's value is {type_in_words(existing)}")
    return value


def _float(text: str) -> float | None:
    number = core_float(text)
    return number if number is not None and math.isfinite(number) else None


def _list(text: str) -> list[Any] | None:
    value = _flow_value(text)
    return value if isinstance(value, list) else None


def _dict(text: str) -> dict[str, Any] | None:
    value = _flow_value(text)
    return value if isinstance(value, dict) else None


def _flow_value(text: str) -> Any:
    """JSON or one line of YAML, read as the playbook is (dates stay text)."""
    try:
        return load_yaml_value(text)
    except yaml.YAMLError:
        return None


_READERS: dict[type, Callable[[str], Any]] = {
    bool: core_bool,
    int: core_int,
    float: _float,
    list: _list,
    dict: _dict,
}


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
        input_files=input_files(document, dict(inputs or {})),
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
        as_name=raw.get("as", LOOP_NAME),
        pages=Pages.parse(raw["pages"]) if "pages" in raw else None,
        retry=_retry(raw.get("retry")),
        on_error=OnError(on_error) if on_error else None,
        export=_export(
            raw.get("export"), document.line(("steps", index, "export", "to"))
        ),
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


def _export(raw: Mapping[str, Any] | None, line: int | None) -> Export | None:
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
        line=line,
    )
