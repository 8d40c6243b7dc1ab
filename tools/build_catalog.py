"""Build runner/catalog.yaml from the shared Imgur reference.

The reference (``../shared/reference/imgur-endpoints.yaml``) keeps its facts
in the shape its sources gave them. The catalog holds the same facts in the
shape the runner reads: one parameter list with a place for each parameter,
plain type names, and the project's own marks (secret parameters, the
destructive endpoint, parameters that need a user, groups of which one is
required). It reads the copy of the reference kept in tools/reference/ (see
the README there), so that the tests can rebuild the catalog on any checkout.
Run it again when the reference changes:

    cp ../shared/reference/imgur-endpoints.yaml tools/reference/
    python tools/build_catalog.py
"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "runner" / "catalog.yaml"
REFERENCE = ROOT / "tools" / "reference" / "imgur-endpoints.yaml"
PLAIN_WORDS = ROOT / "tools" / "plain_words.yaml"

# The names the reference gives its sources, which mean nothing to whoever
# writes a playbook: a note holding one is shown as plain_words.yaml says.
SOURCE_WORDS = re.compile(
    r"Postman|PMMD|\bPM\b|\bLCA|\bRS\b|README|\b[Ss]eed\b|PHP|imgurpython|CPAN"
    r"|userscript|artefact|corpus|imgur_path|lowcodeapi_path"
)

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

# Endpoints that cannot be undone at account level. A rename (the settings'
# `new_username`) is not one: renaming back undoes it.
DESTRUCTIVE = {"account.delete_me": "deletes the whole Imgur account"}

# A body field named like a path parameter would take the path's value too:
# `with: {username: me}` would ask Imgur to rename the account to "me". Such a
# field gets a playbook name of its own and keeps Imgur's name on the wire.
OWN_NAMES = {
    ("account.update_settings", "username"): (
        "new_username",
        "renames the account",
    ),
}

# Notes, Pagination: "`perPage` is a query parameter: default 50, maximum 100"
# [README] on the plural routes, which take the page as a path segment, while
# /gallery/* ignores it. It is unconfirmed where no note names the endpoint's
# own route ("Supports ?perPage=").
PER_PAGE: dict[str, Any] = {
    "name": "perPage",
    "in": "query",
    "type": "integer",
    "required": False,
    "default": 50,
    "minimum": 1,
    "maximum": 100,
    "unconfirmed": True,
    "description": "items per page, as Imgur's paging docs describe",
}
PER_PAGE_SOURCE = "README"
PER_PAGE_STATED = "?perPage="

# Summaries for rows whose text in the reference is not a summary. LowCodeAPI
# took the first line of each Postman description, which for these is a
# parameter table or a heading (the reference's `seed_row_ambiguity`), a
# {{placeholder}} or a cut-off link, another endpoint's text (feed.get, see its
# notes), or an outdated misspelt line (avatars: notes, Quirks, row 11). Each
# is written from the endpoint's Postman name, route, parameters and response.
SUMMARIES = {
    "account.list_my_images": "Return all of the images of the logged-in user",
    "account.list_available_avatars": (
        "List the avatars a user can select from (the defaults if unauthenticated)"
    ),
    "account.get_album": (
        "Get additional information about an album of the account, as album.get"
    ),
    "account.follow_tag": "Follows the tag `tagName` for the logged-in user",
    "account.unfollow_tag": "Unfollows the tag `tagName` for the logged-in user",
    "album.get_image": "Get information about an image in an album",
    "album.add_images_anonymous": (
        "Adds images, given by their deletehashes, to an anonymous album"
    ),
    "album.remove_images_anonymous": (
        "Removes images, given by their ids, from an anonymous album"
    ),
    "album.remove_images": "Removes images, given by their ids, from an album",
    "feed.get": "Returns the posts of the tags and users the logged-in user follows",
    "gallery.list": "Returns a page of the gallery's hot, top or user-submitted posts",
    "gallery.list_item_tags": "Returns the tags of a post in the gallery",
    "gallery.create_comment": "Creates a comment on an image or album in the gallery",
}

# What a summary must not look like: markup, a placeholder, a wire name, a cut.
NOT_A_SUMMARY = re.compile(r"\{\{|\||\]\(|^#|\[\]|\.\.\.$")

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
# Built by tools/build_catalog.py from tools/reference/imgur-endpoints.yaml (a
# copy of ../shared/reference/imgur-endpoints.yaml) and checked against
# schemas/catalog.schema.json by the tests. Facts that no source states
# outright carry `unconfirmed: true`.
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
        described = plain(raw["notes"])
        if described:
            param["description"] = described
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
    if takes_per_page(raw):
        params.append(per_page(raw))
    params += [convert_param(p, "body") for p in body.get("fields", [])]
    own_names(raw["name"], params)
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


def takes_per_page(raw: dict[str, Any]) -> bool:
    """A plural route outside /gallery: its page is a path segment."""
    paged = any(p["name"] == "page" for p in raw["path_params"])
    return paged and not raw["imgur_path"].startswith("/3/gallery/")


def per_page(raw: dict[str, Any]) -> dict[str, Any]:
    param = dict(PER_PAGE)
    if per_page_stated(raw):
        del param["unconfirmed"]
    return param


def per_page_stated(raw: dict[str, Any]) -> bool:
    return any(PER_PAGE_STATED in note for note in raw.get("notes") or [])


def own_names(endpoint: str, params: list[dict[str, Any]]) -> None:
    """Give fields that share a path parameter's name a name of their own.

    Raises:
        SystemExit: a name is still used twice; add it to OWN_NAMES.
    """
    for index, param in enumerate(params):
        renamed = OWN_NAMES.get((endpoint, param["name"]))
        if renamed and param["in"] != "path":
            name, why = renamed
            known = param.get("description")
            described = {"description": f"{why}: {known}" if known else why}
            params[index] = {"name": name, "wire_name": param["name"]}
            params[index].update({**param, **described, "name": name})
    names = [param["name"] for param in params]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise SystemExit(f"{endpoint}: {', '.join(twice)} named twice; see OWN_NAMES")


def summary(raw: dict[str, Any]) -> str:
    """A one-line summary; SystemExit when the reference's is not one."""
    text = SUMMARIES.get(raw["name"]) or raw.get("full_description")
    text = text or raw["seed_description"]
    if NOT_A_SUMMARY.search(text):
        raise SystemExit(f"{raw['name']}: {text!r} is no summary; see SUMMARIES")
    return str(text)


def convert_endpoint(raw: dict[str, Any]) -> dict[str, Any]:
    params = convert_params(raw)
    entry: dict[str, Any] = {
        "name": raw["name"],
        "row": raw["n"],
        "category": raw["category"],
        "summary": summary(raw),
        "method": raw["method"],
        "path": raw["imgur_path"],
        "lowcodeapi": convert_lowcodeapi(raw),
        "auth": convert_auth(raw["auth"]),
        "body": convert_encoding(raw.get("body")),
        "params": params,
        "response": raw["response"],
        "sources": convert_sources(raw),
        "confirmed": raw["fully_confirmed"] and not guessed_per_page(raw),
    }
    if one_of_required(raw):
        entry["one_of_required"] = one_of_required(raw)
    if raw["name"] in DESTRUCTIVE:
        entry["destructive"] = DESTRUCTIVE[raw["name"]]
    # `seed_row_ambiguity` explains a summary that SUMMARIES replaces.
    notes = plain_notes(raw.get("notes") or [])
    if notes:
        entry["notes"] = notes
    return entry


def plain_notes(notes: list[str]) -> list[str]:
    """The notes in plain words, without those meant for the catalog's builder."""
    return [text for text in map(plain, notes) if text]


def plain(text: str) -> str | None:
    """`text` as plain_words.yaml writes it; None to leave it out.

    Raises:
        SystemExit: the text names a source and plain_words.yaml lacks it.
    """
    rewritten = plain_words()
    if text in rewritten:
        return rewritten[text]
    if SOURCE_WORDS.search(text):
        raise SystemExit(f"{text!r} names a source; add it to {PLAIN_WORDS.name}")
    return text


@cache
def plain_words() -> dict[str, str | None]:
    entries = yaml.safe_load(PLAIN_WORDS.read_text(encoding="utf-8"))
    return {entry["was"]: entry["now"] for entry in entries}


def guessed_per_page(raw: dict[str, Any]) -> bool:
    return takes_per_page(raw) and not per_page_stated(raw)


def convert_sources(raw: dict[str, Any]) -> list[str]:
    sources = list(raw["sources"])
    if takes_per_page(raw) and PER_PAGE_SOURCE not in sources:
        sources.append(PER_PAGE_SOURCE)
    return sources


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
        "notes": plain_notes([raw["notes"]]),
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


def catalog_text(source: Path = REFERENCE) -> str:
    """The text of catalog.yaml built from the reference at `source`."""
    reference = yaml.safe_load(source.read_text(encoding="utf-8"))
    text = yaml.dump(build(reference), Dumper=CatalogDumper, sort_keys=False, width=88)
    return HEADER + text


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else REFERENCE
    CATALOG.write_text(catalog_text(source), encoding="utf-8")
    print(f"wrote {CATALOG} from {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
