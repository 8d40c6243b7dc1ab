"""Text views of the catalog for `imgur-playbook endpoints`."""

from __future__ import annotations

import re
from collections.abc import Iterable

import yaml

from runner.catalog import Catalog, Endpoint, Param
from runner.wording import shortened

UNCONFIRMED = "(not confirmed)"

# Parameters a call cannot do without though no documentation marks them
# required; the catalog's notes say so (a search without `q` finds nothing).
NEEDED_IN_PRACTICE = {"gallery.search": ("q",)}
# Calls about another account: with `me` a pasted step would block yourself.
ABOUT_OTHERS = frozenset(
    {"account.block_user", "account.unblock_user", "account.block_status"}
)
PLACEHOLDER_NOTE = "# replace each <...> with a real value before the run"

# The catalog spells as Imgur does; people search as they write.
SPELLINGS = {"favour": "favor", "colour": "color", "cancell": "cancel"}
WORD = re.compile(r"[a-z]+")
# A deletehash is a key, not a deletion: `delete` does not find it.
NAMES_OF_KEYS = frozenset({"deletehash", "deletehashes"})
# Words a search leaves out: "delete my picture" is about deleting images.
LITTLE_WORDS = frozenset({"a", "an", "the", "my", "your", "of", "to", "for", "from"})
# People's words for what the catalog calls otherwise; each finds both.
SYNONYMS = {
    "picture": "image",
    "photo": "image",
    "post": "gallery",
    "remove": "delete",
    "user": "account",
}

# Who documents what, in words, for the source keys of catalog.yaml's meta.
SOURCE_NAMES = {
    "PM": "Imgur's API docs",
    "PMMD": "Imgur's API docs",
    "README": "Imgur's API docs",
    "LEGACY": "Imgur's old API docs",
    "CPAN": "Imgur's old API docs",
    "LCA": "LowCodeAPI",
    "LCA_OLD": "LowCodeAPI",
    "LCA_SRV": "LowCodeAPI",
    "SEED": "LowCodeAPI",
    "IPY": "other Imgur clients",
    "PHP": "other Imgur clients",
    "RS": "other Imgur clients",
    "USERSCRIPT": "a script that reads the API",
}


def matching(catalog: Catalog, words: Iterable[str]) -> list[Endpoint]:
    """Endpoints whose name, group, summary or path has every word.

    A word matches its singular and American spellings too (``favourites``
    finds ``favorite``), and the catalog's word for it (``photo`` finds
    ``image``); little words (``my``, ``the``) are left out. A group named by
    the only word comes first.
    """
    words = _meaningful([w.lower() for w in words])
    found = [e for e in catalog if all(_mentions(e, word) for word in words)]
    named = {form for word in words[:1] for form in _forms(word)}
    first = [e for e in found if len(words) == 1 and e.group in named]
    return first + sorted((e for e in found if e not in first), key=_group)


def _mentions(endpoint: Endpoint, word: str) -> bool:
    """Whether a word of the endpoint's text starts with a form of `word`."""
    forms = tuple(_forms(word))
    return any(token.startswith(forms) for token in _words_of(endpoint))


def _words_of(endpoint: Endpoint) -> list[str]:
    """The words of the name, summary and path; `{imageDeleteHash}` is one."""
    text = " ".join((endpoint.name, endpoint.summary, endpoint.path)).lower()
    return [word for word in WORD.findall(text) if word not in NAMES_OF_KEYS]


def _meaningful(words: list[str]) -> list[str]:
    """The words without the little ones, unless nothing else is left."""
    kept = [word for word in words if word not in LITTLE_WORDS]
    return kept or words


def _forms(word: str) -> set[str]:
    """`word` and its synonym as the catalog may write them."""
    forms = _spellings(word)
    for form in list(forms):
        if form in SYNONYMS:
            forms |= _spellings(SYNONYMS[form])
    return forms


def _spellings(word: str) -> set[str]:
    """`word`, spelled the American way, in the singular too."""
    for british, american in SPELLINGS.items():
        word = word.replace(british, american)
    forms = {word}
    if word.endswith("ies") and len(word) > 4:
        forms.add(word[:-3] + "y")  # replies -> reply
    elif word.endswith("s") and len(word) > 3:
        forms.add(word[:-1])  # tags -> tag
    return forms


def _group(endpoint: Endpoint) -> str:
    return endpoint.group


def endpoint_list(endpoints: list[Endpoint]) -> str:
    """Endpoints by group, in the order given: name, method and summary."""
    lines: list[str] = []
    by_group: dict[str, list[Endpoint]] = {}
    for endpoint in endpoints:
        by_group.setdefault(endpoint.group, []).append(endpoint)
    width = max((len(endpoint.name) for endpoint in endpoints), default=0)
    for group, members in by_group.items():
        lines.append(f"{group} ({len(members)})")
        for endpoint in members:
            summary = shortened(endpoint.summary, 44)
            lines.append(f"  {endpoint.name:<{width}}  {endpoint.method:<6} {summary}")
        lines.append("")
    count = len(endpoints)
    lines.append(
        f"{count} endpoint{'s' if count != 1 else ''}; "
        "`imgur-playbook endpoints show NAME` for one in full"
    )
    return "\n".join(lines)


def endpoint_details(endpoint: Endpoint) -> str:
    """Everything the catalog knows of one endpoint, and a step to paste."""
    lines = [
        f"{endpoint.name}: {endpoint.summary}",
        "",
        f"  {endpoint.method} {endpoint.path}",
        *_lowcodeapi(endpoint),
        f"  Auth: {endpoint.auth.label}"
        + (f" {UNCONFIRMED}" if endpoint.unconfirmed_auth else ""),
    ]
    if endpoint.headers:
        sent = ", ".join(f"{k}: {v}" for k, v in endpoint.headers.items())
        lines.append(f"  Headers: {sent}")
    if endpoint.body:
        lines.append(f"  Body: {endpoint.body}")
    if endpoint.destructive:
        lines.append(
            f"  DESTRUCTIVE: {endpoint.destructive}; needs "
            "`allow_destructive: true` and --allow-destructive"
        )
    lines += ["", "Parameters:"]
    width = max((len(p.name) for p in endpoint.params), default=0) + 1
    lines += [_param_line(p, max(width, 18)) for p in endpoint.params] or ["  (none)"]
    groups = endpoint.one_of_required
    lines += [f"  give at least one of: {', '.join(g)}" for g in groups]
    lines += ["", f"Response: {endpoint.response['shape']}" + _mark(endpoint.response)]
    lines += [f"  note: {note}" for note in endpoint.notes]
    lines += ["", *_unconfirmed(endpoint), _documented_by(endpoint)]
    lines += ["", "Step to paste:", paste_step(endpoint)]
    return "\n".join(lines)


def _lowcodeapi(endpoint: Endpoint) -> list[str]:
    paths = endpoint.lowcodeapi
    if paths is None:
        return ["  LowCodeAPI: not offered"]
    line = f"  LowCodeAPI: /imgur{paths.path}"
    if paths.old_path != paths.path:
        line += f" (old format: /imgur{paths.old_path}, values in the query)"
    if not paths.listed_path:
        return [line]
    return [
        line,
        f"    LowCodeAPI's table lists /imgur{paths.listed_path}, which is another"
        f" endpoint's route, so the real one is sent {UNCONFIRMED}",
    ]


def _unconfirmed(endpoint: Endpoint) -> list[str]:
    """What no documentation states: one line naming each such fact."""
    facts = [f"`{p.name}`" for p in endpoint.params if p.unconfirmed]
    if endpoint.unconfirmed_auth:
        facts.append("the authorization")
    if endpoint.lowcodeapi is not None and endpoint.lowcodeapi.unconfirmed:
        facts.append("the LowCodeAPI route")
    if endpoint.response.get("unconfirmed"):
        facts.append("the response")
    if not facts:
        return []
    return [
        f"Not confirmed by Imgur's docs or any client checked: {', '.join(facts)}."
        " Those are inferred; check them on a first run."
    ]


def _documented_by(endpoint: Endpoint) -> str:
    names = [SOURCE_NAMES.get(key, key) for key in endpoint.sources]
    return f"Documented by: {', '.join(dict.fromkeys(names))}"


def _param_line(param: Param, width: int) -> str:
    need = "required" if param.required else "optional"
    kind = "|".join(param.types)
    facts = []
    if param.values is not None:
        facts.append("one of " + ", ".join(map(str, param.values)))
    if param.default is not None:
        facts.append(f"default {param.default}")
    if param.secret:
        facts.append("secret")
    if param.needs_user:
        facts.append("needs a user access token")
    if param.range_text:
        facts.append(param.range_text)
    if param.sent_as:
        facts.append(f"sent as `{param.sent_as}`")
    if param.deprecated:
        facts.append("deprecated")
    if param.unconfirmed:
        facts.append("not confirmed")
    if param.description:
        facts.append(param.description)
    detail = "; ".join(facts)
    line = f"  {param.name:<{width}} {param.place:<5} {kind:<12} {need:<8} {detail}"
    return line.rstrip()


def _mark(facts: object) -> str:
    unconfirmed = isinstance(facts, dict) and facts.get("unconfirmed")
    return f" {UNCONFIRMED}" if unconfirmed else ""


def paste_step(endpoint: Endpoint) -> str:
    """A YAML step calling `endpoint`, with its required parameters filled in."""
    step: dict[str, object] = {
        "id": endpoint.name.replace(".", "_"),
        "call": endpoint.name,
    }
    params = _pasted_params(endpoint)
    if params:
        step["with"] = {p.name: _example(p, endpoint) for p in params}
    if endpoint.destructive:
        step["allow_destructive"] = True
    text = yaml.safe_dump([step], sort_keys=False, default_flow_style=False)
    # A step reading secrets is refused unless the playbook lists them.
    names = paste_secrets(endpoint)
    lines = [f"# the playbook needs: secrets: [{', '.join(names)}]"] if names else []
    if "<" in text:
        lines.append(PLACEHOLDER_NOTE)
    return "\n".join("  " + line for line in [*lines, *text.splitlines()])


def paste_secrets(endpoint: Endpoint) -> list[str]:
    """The names the pasted step reads as ``{{ secrets.NAME }}``."""
    names = (_secret_name(p) for p in _pasted_params(endpoint))
    return [name for name in names if name]


def _pasted_params(endpoint: Endpoint) -> list[Param]:
    """Needed parameters and one of each group; else the first, to show how."""
    names = {p.name for p in endpoint.params if p.required}
    names |= {group[0] for group in endpoint.one_of_required}
    names |= set(NEEDED_IN_PRACTICE.get(endpoint.name, ()))
    params = [p for p in endpoint.params if p.name in names]
    return params or list(endpoint.params[:1])


def _secret_name(param: Param) -> str | None:
    # Deletehashes are secret, but are saved from earlier steps, not configured.
    if param.secret and "hash" not in param.name.lower():
        return "IMGUR_" + param.name.upper()
    return None


def _example(param: Param, endpoint: Endpoint) -> object:
    secret = _secret_name(param)
    if secret:
        return "{{ secrets." + secret + " }}"
    if param.values is not None:
        return param.values[0]
    if param.default is not None:
        return param.default
    if "file" in param.types:
        return {"file": "images/photo.jpg"}
    if param.name == "username" and endpoint.name not in ABOUT_OTHERS:
        return "me"
    if param.secret and "array" in param.types:
        return [f"<{param.name}>"]  # real ones are saved, never made up
    examples = {"integer": 0, "boolean": True, "array": ["ID1", "ID2"]}
    return examples.get(param.types[0], f"<{param.name}>")
