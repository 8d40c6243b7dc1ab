"""JSON Schema checks of a loaded document, every error placed in its file."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft7Validator, ValidationError
from jsonschema.validators import validator_for

from runner.errors import Problem
from runner.loader import Document

IDENTIFIER = "^[A-Za-z_][A-Za-z0-9_]*$"
STEP = "<step>"  # a whole step; no key can have this name


def schema_text(name: str) -> str:
    """The text of ``schemas/<name>.schema.json`` as shipped in the package."""
    files = resources.files("runner").joinpath("schemas", f"{name}.schema.json")
    return files.read_text("utf-8")


@cache
def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_text(name))
    return schema


@cache
def playbook_validator() -> Draft7Validator:
    """The playbook schema without its per-endpoint part.

    The editor schema also checks each call's parameters; the runner does
    that itself against the catalog, with did-you-mean suggestions, so the
    generated ``calls`` part is left out here.
    """
    schema = dict(load_schema("playbook"))
    schema["definitions"] = {**schema["definitions"], "calls": {}}
    return Draft7Validator(schema)


def validator(name: str) -> Any:
    """A validator for any schema in ``schemas/`` by its short name."""
    schema = load_schema(name)
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def playbook_problems(document: Document) -> list[Problem]:
    """Every way the document breaks the playbook schema, in file order."""
    errors = playbook_validator().iter_errors(document.data)
    problems = [_problem(document, error) for error in errors]
    return sorted(problems, key=lambda p: p.line or 0)


def _problem(document: Document, error: ValidationError) -> Problem:
    where = tuple(error.absolute_path)
    step = _step_id(document.data, where)
    message, hint = _explain(error)
    if error.validator == "additionalProperties":
        extra = _unexpected(error)
        where = (*where, extra) if extra else where
    return document.problem(where, message, step=step, hint=hint)


def _step_id(data: Any, where: tuple[str | int, ...]) -> str | None:
    if len(where) >= 2 and where[0] == "steps" and isinstance(where[1], int):
        steps = data.get("steps") if isinstance(data, dict) else None
        if isinstance(steps, list) and where[1] < len(steps):
            step = steps[where[1]]
            if isinstance(step, dict) and isinstance(step.get("id"), str):
                return str(step["id"])
            return f"#{where[1] + 1}"
    return None


def _explain(error: ValidationError) -> tuple[str, str | None]:
    """A message for the playbook's author, and a fix where one is clear."""
    field = _field_name(error)
    kind = error.validator
    expected: Any = error.validator_value
    if kind == "required":
        missing = str(error.message).split("'")[1]
        return f"`{missing}` is missing{_in(field)}", f"add `{missing}:`"
    if kind == "additionalProperties":
        return _unknown_key(error, field)
    if kind == "type":
        return (
            f"{_subject(field)} must be {_type_words(error.validator_value)}, "
            f"not {_shown(error.instance)}",
            None,
        )
    if kind == "const":
        return f"{_subject(field)} must be {error.validator_value!r}", None
    if kind == "enum":
        allowed = ", ".join(map(str, expected))
        return f"{_subject(field)} must be one of {allowed}", None
    if kind == "pattern" and error.validator_value == IDENTIFIER:
        return (
            f"{_subject(field)} {_shown(error.instance)} is not a usable name",
            "use letters, digits and _ only, starting with a letter",
        )
    if kind in ("oneOf", "anyOf"):
        return (
            f"{_subject(field)} {_shown(error.instance)} is not valid here",
            _schema_of(error).get("description"),
        )
    return f"{_subject(field)}: {error.message}", None


def _unknown_key(error: ValidationError, field: str | None) -> tuple[str, str | None]:
    extra = _unexpected(error)
    known = list(_schema_of(error).get("properties", {}))
    close = difflib.get_close_matches(extra or "", known, n=1)
    hint = f"did you mean `{close[0]}`?" if close else f"allowed: {', '.join(known)}"
    return f"unknown key `{extra}`{_in(field)}", hint


def _unexpected(error: ValidationError) -> str | None:
    allowed = set(_schema_of(error).get("properties", {}))
    instance: Any = error.instance
    extras = [k for k in instance if k not in allowed]
    return str(extras[0]) if extras else None


def _schema_of(error: ValidationError) -> dict[str, Any]:
    schema = error.schema
    return dict(schema) if isinstance(schema, Mapping) else {}


def _field_name(error: ValidationError) -> str | None:
    path = list(error.absolute_path)
    if len(path) >= 2 and path[-2] == "steps" and isinstance(path[-1], int):
        return STEP
    names = [p for p in path if isinstance(p, str)]
    return names[-1] if names else None


def _in(field: str | None) -> str:
    if field is None:
        return " at the top of the playbook"
    if field == STEP:
        return " in this step"
    return f" in `{field}`"


def _subject(field: str | None) -> str:
    return f"`{field}`" if field else "the playbook"


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _type_words(kind: Any) -> str:
    words = {
        "object": "a mapping (key: value lines)",
        "array": "a list",
        "string": "text",
        "integer": "a whole number",
        "boolean": "true or false",
        "number": "a number",
    }
    kinds = kind if isinstance(kind, list) else [kind]
    return " or ".join(words.get(k, str(k)) for k in kinds)
