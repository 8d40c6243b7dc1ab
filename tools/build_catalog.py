"""Build runner/catalog.yaml from the shared Imgur reference.

The reference (``../shared/reference/imgur-endpoints.yaml``) keeps its facts
in the shape its sources gave them. The catalog holds the same facts in the
shape the runner reads: one parameter list with a place for each parameter,
plain type names, and the project's own marks (secret parameters, the
destructive endpoint, parameters that need a user, groups of which one is
required). Run it again when the reference changes:

    python tools/build_catalog.py ../shared/reference/imgur-endpoints.yaml
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

CATALOG = Path(__file__).resolve().parents[1] / "runner" / "catalog.yaml"

# Values that are capabilities or credentials: masked in every report and log.
SECRET_PARAMS = {
    "albumDeleteHash",
    "imageDeleteHash",
    "deleteHash",
    "deletehashes",
    "refresh_token",
    "client_id",
    "client_secret",
    "password",
}

# Endpoints that cannot be undone at account level.
DESTRUCTIVE = {"account.delete_me": "deletes the whole Imgur account"}

# The reference marks `image` required, but an upload sends `image` or `video`
# (notes, Uploads); the `rule:` of a body adds the groups it states.
ONE_OF_REQUIRED = {"image.upload": [["image", "video"]]}
RULE = re.compile(r"at least one of (.+)")

# Anonymous albums take deletehashes[], not ids[]: ids[] needs a logged-in user
# (notes, Deletehash). Only these endpoints also take a Client-ID alone.
NEEDS_USER = {"album.create": {"ids"}, "album.update": {"ids"}}

# A list the reference says Imgur also reads as one comma-separated string,
# in the field's notes or the endpoint's ("... a comma-separated `ids` string").
COMMA_STRING = "comma-separated"
NAMED_COMMA_STRING = re.compile(r"comma-separated `(\w+)`")

HEADER = """\
# The Imgur endpoint catalog: every endpoint a playbook can call by name.
# Built by tools/build_catalog.py from ../shared/reference/imgur-endpoints.yaml
# and checked against schemas/catalog.schema.json by the tests. Facts that no
# source states outright carry `unconfirmed: true`.
"""


def convert_type(raw: str) -> str | list[str]:
    """Map the reference's type words to the catalog's."""
    if raw == "array[string]":
        return "array"
    if "|" in raw:
        return raw.split("|")
    return raw


def convert_param(raw: dict[str, Any], place: str) -> dict[str, Any]:
    name = raw["name"]
    param: dict[str, Any] = {"name": name.removesuffix("[]"), "in": place}
    if name.endswith("[]"):
        param["wire_name"] = name
    kind = convert_type(raw["type"])
    if "file" in (kind if isinstance(kind, list) else [kind]):
        param["in"] = "file"
    param["type"] = kind
    param["required"] = bool(raw.get("required", False))
    for key in ("values", "default", "deprecated", "unconfirmed"):
        if key in raw:
            param[key] = raw[key]
    if param["name"] in SECRET_PARAMS:
        param["secret"] = True
    if raw.get("notes"):
        param["description"] = raw["notes"]
    return param


def convert_encoding(body: dict[str, Any] | None) -> str | None:
    if not body:
        return None
    encoding = str(body["encoding"])
    if encoding.startswith("multipart"):
        return "multipart"
    if encoding.startswith("json"):
        return "json"
    return "form"


def convert_auth(raw: dict[str, Any]) -> dict[str, Any]:
    auth: dict[str, Any] = {"kind": raw["imgur"]}
    if raw.get("extra_headers"):
        auth["headers"] = raw["extra_headers"]
    if raw.get("unconfirmed"):
        auth["unconfirmed"] = True
    return auth


def comma_string_params(raw: dict[str, Any]) -> set[str]:
    """Names of the list parameters that also take a comma-separated string."""
    fields = (raw.get("body") or {}).get("fields", [])
    names = {
        field["name"].removesuffix("[]")
        for field in fields
        if field["type"] == "array[string]"
        and COMMA_STRING in str(field.get("notes", ""))
    }
    for note in raw.get("notes") or []:
        names.update(NAMED_COMMA_STRING.findall(note))
    return names


def one_of_required(raw: dict[str, Any]) -> list[list[str]]:
    """Groups of parameters of which a call must give at least one."""
    groups = list(ONE_OF_REQUIRED.get(raw["name"], []))
    rule = RULE.match(str((raw.get("body") or {}).get("rule", "")))
    if rule:
        groups.append([n.strip().removesuffix("[]") for n in rule[1].split("/")])
    return groups


def convert_params(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """The endpoint's parameters in one list, with the project's marks."""
    body = raw.get("body") or {}
    params = [convert_param(p, "path") for p in raw["path_params"]]
    params += [convert_param(p, "query") for p in raw["query_params"]]
    params += [convert_param(p, "body") for p in body.get("fields", [])]
    in_groups = {name for group in one_of_required(raw) for name in group}
    comma = comma_string_params(raw)
    for param in params:
        if param["name"] in comma:
            param["type"] = ["array", "string"]
        if param["name"] in in_groups:
            param["required"] = False  # the group is, not each member
        if param["name"] in NEEDS_USER.get(raw["name"], set()):
            param["needs_user"] = True
    return params


def convert_endpoint(raw: dict[str, Any]) -> dict[str, Any]:
    params = convert_params(raw)
    entry: dict[str, Any] = {
        "name": raw["name"],
        "row": raw["n"],
        "category": raw["category"],
        "summary": raw.get("full_description") or raw["seed_description"],
        "method": raw["method"],
        "path": raw["imgur_path"],
        "lowcodeapi": convert_lowcodeapi(raw),
        "auth": convert_auth(raw["auth"]),
        "body": convert_encoding(raw.get("body")),
        "params": params,
        "response": raw["response"],
        "sources": raw["sources"],
        "confirmed": raw["fully_confirmed"],
    }
    if one_of_required(raw):
        entry["one_of_required"] = one_of_required(raw)
    if raw["name"] in DESTRUCTIVE:
        entry["destructive"] = DESTRUCTIVE[raw["name"]]
    notes = list(raw.get("notes") or [])
    if raw.get("seed_row_ambiguity"):
        notes.append(raw["seed_row_ambiguity"])
    if notes:
        entry["notes"] = notes
    return entry


def convert_lowcodeapi(raw: dict[str, Any]) -> dict[str, Any]:
    """LowCodeAPI's paths; where its table lists a wrong route, the real one.

    The new URL format is the Imgur path under /imgur, so the real route is
    what gets sent. LowCodeAPI's listed paths are kept as facts.
    """
    paths: dict[str, Any] = {
        "intent": raw["lca_intent_name"],
        "path": raw["lowcodeapi_path"],
        "old_path": raw["lowcodeapi_old_path"].split("?")[0],
    }
    if raw["lowcodeapi_path"] == raw["imgur_path"]:
        return paths
    real = {
        "path": raw["imgur_path"],
        "old_path": re.sub(r"{(\w+)}", lambda m: m[1].lower(), raw["imgur_path"]),
        "listed_path": paths["path"],
        "listed_old_path": paths["old_path"],
        "unconfirmed": True,
    }
    return {**paths, **real}


def credits_endpoint(raw: dict[str, Any]) -> dict[str, Any]:
    """``credits.get`` is not in LowCodeAPI's list, so it has no proxy paths."""
    return {
        "name": "credits.get",
        "row": None,
        "category": "Credits",
        "summary": "Rate-limit status of the application and the user",
        "method": raw["method"],
        "path": raw["imgur_path"],
        "lowcodeapi": None,
        "auth": {"kind": "client_id_or_bearer"},
        "body": None,
        "params": [],
        "response": {
            "shape": "data: {UserLimit, UserRemaining, UserReset, ClientLimit, "
            "ClientRemaining}",
            "model": "Credits",
        },
        "sources": raw["sources"],
        "confirmed": True,
        "notes": [raw["notes"]],
    }


def build(reference: dict[str, Any]) -> dict[str, Any]:
    endpoints = [convert_endpoint(raw) for raw in reference["endpoints"]]
    extras = {e["name"]: e for e in reference["extra_endpoints_not_in_seed"]}
    endpoints.append(credits_endpoint(extras["credits.get"]))
    via = {e["auth"]["via_lowcodeapi"] for e in reference["endpoints"]}
    return {
        "meta": {
            "title": reference["meta"]["title"],
            "lowcodeapi_auth": via.pop() if len(via) == 1 else sorted(via),
            "sources": reference["meta"]["sources"],
        },
        "endpoints": endpoints,
    }


class CatalogDumper(yaml.SafeDumper):
    """Block mappings, with short lists of plain values kept on one line."""


def represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = all(not isinstance(item, dict | list) for item in data)
    return dumper.represent_sequence(
        "tag:yaml.org,2002:seq", data, flow_style=flat and bool(data)
    )


CatalogDumper.add_representer(list, represent_list)


def main(argv: list[str]) -> int:
    default = "../shared/reference/imgur-endpoints.yaml"
    source = Path(argv[1] if len(argv) > 1 else default)
    reference = yaml.safe_load(source.read_text(encoding="utf-8"))
    text = yaml.dump(build(reference), Dumper=CatalogDumper, sort_keys=False, width=88)
    CATALOG.write_text(HEADER + text, encoding="utf-8")
    print(f"wrote {CATALOG} ({len(reference['endpoints']) + 1} endpoints)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
