"""The per-endpoint part of the playbook schema, generated from the catalog.

Editors that read JSON Schema for YAML use it to complete `call:` to the
endpoint names and `with:` to the chosen endpoint's parameters. The runner
itself checks parameters against the catalog (with better messages), so
`runner.schema` leaves this part out when it validates.
"""

from __future__ import annotations

import json
from typing import Any

from runner.catalog import Catalog, Endpoint, Param

TEMPLATE = {"$ref": "#/definitions/template"}
FILE = {
    "type": "object",
    "required": ["file"],
    "additionalProperties": False,
    "properties": {
        "file": {"description": "Path relative to the playbook.", "type": "string"}
    },
}
KINDS: dict[str, dict[str, Any]] = {
    "string": {"type": ["string", "number"]},
    "integer": {"type": "integer", "minimum": 0},
    "boolean": {"type": "boolean"},
    "array": {"type": "array", "items": {"type": "string"}},
    "file": FILE,
}


def calls_definition(catalog: Catalog) -> dict[str, Any]:
    """``definitions.calls``: the endpoint names and each one's parameters."""
    names = [endpoint.name for endpoint in catalog]
    return {
        "properties": {
            "call": {
                "enum": names,
                "markdownEnumDescriptions": [_summary(e) for e in catalog],
            }
        },
        "allOf": [_when_called(endpoint) for endpoint in catalog],
    }


def _when_called(endpoint: Endpoint) -> dict[str, Any]:
    then: dict[str, Any] = {"properties": {"with": _with_schema(endpoint)}}
    if _needs_with(endpoint):
        then["required"] = ["with"]
    return {
        "if": {"properties": {"call": {"const": endpoint.name}}, "required": ["call"]},
        "then": then,
    }


def _needs_with(endpoint: Endpoint) -> bool:
    return bool(endpoint.one_of_required) or any(p.required for p in endpoint.params)


def _with_schema(endpoint: Endpoint) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "description": _summary(endpoint),
        "type": "object",
        "additionalProperties": False,
        "properties": {p.name: _param_schema(p) for p in endpoint.params},
    }
    required = [p.name for p in endpoint.params if p.required]
    if required:
        schema["required"] = required
    groups = [_one_of_required(group) for group in endpoint.one_of_required]
    if groups:
        schema["allOf"] = groups
    return schema


def _one_of_required(group: tuple[str, ...]) -> dict[str, Any]:
    return {"anyOf": [{"required": [name]} for name in group]}


def _param_schema(param: Param) -> dict[str, Any]:
    if param.values is not None:
        shapes = [{"enum": list(param.values)}]
    else:
        shapes = [_kind_schema(param, kind) for kind in param.types]
    schema: dict[str, Any] = {"anyOf": [*shapes, TEMPLATE]}
    schema["description"] = _param_description(param)
    if param.default is not None:
        schema["default"] = param.default
    if param.deprecated:
        schema["deprecated"] = True
    return schema


def _kind_schema(param: Param, kind: str) -> dict[str, Any]:
    schema = KINDS[kind]
    if kind != "integer":
        return schema
    bounds = {"minimum": param.minimum, "maximum": param.maximum}
    return {**schema, **{k: v for k, v in bounds.items() if v is not None}}


def _param_description(param: Param) -> str:
    words = [param.description] if param.description else []
    facts = [param.place]
    if param.sent_as:
        facts.append(f"sent as {param.sent_as}")
    if param.secret:
        facts.append("secret")
    words.append(f"({', '.join(facts)})")
    return " ".join(words)


def _summary(endpoint: Endpoint) -> str:
    return f"{endpoint.summary} ({endpoint.method} {endpoint.path})"


def playbook_schema(structure: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """The full playbook schema: the hand-written structure plus the calls."""
    definitions = {**structure["definitions"], "calls": calls_definition(catalog)}
    return {**structure, "definitions": definitions}


def schema_json(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
