"""Text views of the catalog for `imgur-playbook endpoints`."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

import yaml

from runner.catalog import Catalog, Endpoint, Param

UNCONFIRMED = "(unconfirmed)"


def matching(catalog: Catalog, words: Iterable[str]) -> list[Endpoint]:
    """Endpoints in a group named by `words`, or whose text has every word."""
    words = [w.lower() for w in words]
    if not words:
        return list(catalog)
    groups = {e.group for e in catalog}
    if len(words) == 1 and words[0] in groups:
        return [e for e in catalog if e.group == words[0]]
    return [e for e in catalog if all(w in _haystack(e) for w in words)]


def _haystack(endpoint: Endpoint) -> str:
    return " ".join((endpoint.name, endpoint.summary, endpoint.path)).lower()


def endpoint_list(endpoints: list[Endpoint]) -> str:
    """Endpoints by group: name, method, path and summary, one line each."""
    lines: list[str] = []
    by_group = groupby(sorted(endpoints, key=lambda e: e.group), key=lambda e: e.group)
    for group, grouped in by_group:
        members = list(grouped)
        lines.append(f"{group} ({len(members)})")
        for endpoint in members:
            summary = _short(endpoint.summary, 44)
            lines.append(f"  {endpoint.name:<34} {endpoint.method:<6} {summary}")
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
        f"  LowCodeAPI: {_lowcodeapi(endpoint)}",
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
    lines += [_param_line(p) for p in endpoint.params] or ["  (none)"]
    groups = endpoint.one_of_required
    lines += [f"  give at least one of: {', '.join(g)}" for g in groups]
    lines += ["", f"Response: {endpoint.response['shape']}" + _mark(endpoint.response)]
    lines += [f"  note: {note}" for note in endpoint.notes]
    lines += [f"Sources: {', '.join(endpoint.sources)}"]
    lines += ["", "Step to paste:", paste_step(endpoint)]
    return "\n".join(lines)


def _lowcodeapi(endpoint: Endpoint) -> str:
    paths = endpoint.lowcodeapi
    if paths is None:
        return "not offered"
    text = f"/imgur{paths.path} (old format: /imgur{paths.old_path})"
    if paths.listed_path:
        text += (
            f" {UNCONFIRMED}; LowCodeAPI's table lists /imgur{paths.listed_path},"
            " which is another endpoint's route, so the real one is sent"
        )
    return text


def _param_line(param: Param) -> str:
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
    if param.deprecated:
        facts.append("deprecated")
    if param.unconfirmed:
        facts.append("unconfirmed")
    if param.description:
        facts.append(param.description)
    detail = "; ".join(facts)
    return f"  {param.name:<18} {param.place:<5} {kind:<12} {need:<8} {detail}".rstrip()


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
        step["with"] = {p.name: _example(p) for p in params}
    if endpoint.destructive:
        step["allow_destructive"] = True
    text = yaml.safe_dump([step], sort_keys=False, default_flow_style=False)
    # A step reading secrets is refused unless the playbook lists them.
    names = paste_secrets(endpoint)
    lines = [f"# the playbook needs: secrets: [{', '.join(names)}]"] if names else []
    return "\n".join("  " + line for line in [*lines, *text.splitlines()])


def paste_secrets(endpoint: Endpoint) -> list[str]:
    """The names the pasted step reads as ``{{ secrets.NAME }}``."""
    names = (_secret_name(p) for p in _pasted_params(endpoint))
    return [name for name in names if name]


def _pasted_params(endpoint: Endpoint) -> list[Param]:
    """Required parameters and one of each group; else the first, to show how."""
    names = {p.name for p in endpoint.params if p.required}
    names |= {group[0] for group in endpoint.one_of_required}
    params = [p for p in endpoint.params if p.name in names]
    return params or list(endpoint.params[:1])


def _secret_name(param: Param) -> str | None:
    # Deletehashes are secret, but are saved from earlier steps, not configured.
    if param.secret and "hash" not in param.name.lower():
        return "IMGUR_" + param.name.upper()
    return None


def _example(param: Param) -> object:
    secret = _secret_name(param)
    if secret:
        return "{{ secrets." + secret + " }}"
    if param.values is not None:
        return param.values[0]
    if param.default is not None:
        return param.default
    if "file" in param.types:
        return {"file": "images/photo.jpg"}
    if param.name == "username":
        return "me"
    examples = {"integer": 0, "boolean": True, "array": ["ID1", "ID2"]}
    return examples.get(param.types[0], f"<{param.name}>")


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
