"""The three targets a playbook runs against, and what each can call.

``imgur`` is the real API, ``lowcodeapi`` the proxy, and ``sandbox`` a local
Imgur started for the run. Credentials come from the environment (or a .env
file) and are never written anywhere.
"""

from __future__ import annotations

import secrets as random_tokens
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from runner.catalog import Auth, Endpoint, load_catalog
from runner.errors import ConfigError, Problem, TemplateError
from runner.known import call_scopes, known_base, render_known
from runner.lowcodeapi import LowCodeApiTransport
from runner.playbook import Playbook, Step
from runner.redact import Redactor, require_maskable
from runner.transports import Call, ImgurTransport, Transport, refuse_query


class Target(StrEnum):
    IMGUR = "imgur"
    LOWCODEAPI = "lowcodeapi"
    SANDBOX = "sandbox"


DEFAULT_BASE_URLS = {
    Target.IMGUR: "https://api.imgur.com",
    Target.LOWCODEAPI: "https://api.lowcodeapi.com/imgur",
}

CLIENT_ID = "IMGUR_CLIENT_ID"
ACCESS_TOKEN = "IMGUR_ACCESS_TOKEN"
API_TOKEN = "LOWCODEAPI_API_TOKEN"
CREDENTIAL_VARIABLES = (CLIENT_ID, ACCESS_TOKEN, API_TOKEN)


@dataclass(frozen=True, repr=False)
class Credentials:
    """What the run authenticates with; never shown."""

    client_id: str | None = None
    access_token: str | None = None
    api_token: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Credentials:
        """The credentials set in `env`, without surrounding blanks.

        Raises:
            ConfigError: a value has a line break (or another control
                character) inside; the message names the variable only.
        """
        return cls(
            client_id=_credential(env, CLIENT_ID),
            access_token=_credential(env, ACCESS_TOKEN),
            api_token=_credential(env, API_TOKEN),
        )

    def __repr__(self) -> str:
        given = [name for name, value in vars(self).items() if value]
        return f"Credentials({', '.join(given) or 'none'})"

    def values(self) -> list[str]:
        return [v for v in (self.client_id, self.access_token, self.api_token) if v]


def _credential(env: Mapping[str, str], name: str) -> str | None:
    # A token pasted with its newline would break the Authorization header.
    value = (env.get(name) or "").strip()
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ConfigError(
            f"{name} has a line break (or another control character) inside; "
            "set it to the credential alone, on one line"
        )
    require_maskable(name, value)
    return value or None


def require_credentials(target: Target, credentials: Credentials) -> None:
    """Raise ConfigError unless `target` has the credentials it cannot do without."""
    if target is Target.LOWCODEAPI and not credentials.api_token:
        raise ConfigError(f"set {API_TOKEN} to run through LowCodeAPI")
    if target is Target.IMGUR and not credentials.values():
        raise ConfigError(f"set {CLIENT_ID} or {ACCESS_TOKEN} to reach Imgur")


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def check_base_url(target: Target, url: str) -> None:
    """Refuse a --base-url that cannot work, before anything is sent.

    Raises:
        ConfigError: not an http(s) URL with a host, a bad port, a query,
            fragment, user name or password in it, or a sandbox that is not
            on this machine.
    """
    refuse_query(url)  # first, so that no message repeats a credential
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = urlsplit(""), -1
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host or " " in host or port == -1:
        raise ConfigError(
            f"--base-url {url!r} is not a usable address; "
            "write it like http://127.0.0.1:8765 or https://api.imgur.com"
        )
    if target is Target.SANDBOX and host not in LOOPBACK_HOSTS:
        raise ConfigError(
            f"--target sandbox runs on this machine, but --base-url points at "
            f"{host}; use 127.0.0.1, or --target imgur for a real host"
        )


def grants(
    target: Target, credentials: Credentials, base_url: str | None = None
) -> set[Auth]:
    """The kinds of authorization a run on `target` can satisfy.

    They follow the credentials the run will send: a sandbox at a
    --base-url given only a Client-ID gets only a Client-ID.
    """
    if target is Target.LOWCODEAPI:
        # The proxy injects the connected user's Bearer token on every call.
        return set(Auth)
    if target is Target.SANDBOX and base_url is None:
        # The sandbox the run starts signs in with an access token it makes.
        return set(Auth)
    sent = (
        _sandbox_credentials(credentials) if target is Target.SANDBOX else credentials
    )
    if sent.access_token:
        return set(Auth)
    if sent.client_id:
        return {Auth.NONE, Auth.CLIENT_ID, Auth.EITHER}
    return {Auth.NONE}


def user_token_reason(endpoint: Endpoint, args: Mapping[str, Any]) -> str | None:
    """Why a call needs a user access token ("with username `me` needs"), if so."""
    if endpoint.auth is Auth.BEARER:
        return "needs"
    if args.get("username") == "me":
        return "with username `me` needs"
    # An explicit null leaves the parameter out, so it needs no user.
    given = {name for name, value in args.items() if value is not None}
    names = (p.name for p in endpoint.params if p.needs_user)
    user_only = next((name for name in names if name in given), None)
    return f"with `{user_only}` needs" if user_only else None


def needs_token(endpoint: Endpoint, reason: str) -> tuple[str, str]:
    """What is wrong and how to fix it, when only a Client-ID is set."""
    fix = f"set {ACCESS_TOKEN} (an OAuth access token of the account)"
    anonymous = f"{endpoint.name}_anonymous"
    if anonymous in load_catalog():
        fix += (
            f"; for one made without an account, call {anonymous} with its deletehash"
        )
    return (
        f"{endpoint.name} {reason} a user access token, and only a Client-ID is set",
        fix,
    )


def token_refusal(granted: set[Auth], call: Call) -> str | None:
    """Why `call`, its arguments final, cannot be made with `granted`, and the fix.

    The checks before the run see only the arguments known then; this one
    sees those that came from earlier answers, such as a username `me`.
    """
    if Auth.BEARER in granted:
        return None
    reason = user_token_reason(call.endpoint, call.args)
    if reason is None:
        return None
    problem, fix = needs_token(call.endpoint, reason)
    return f"{problem}; {fix}"


def target_problems(
    playbook: Playbook,
    target: Target,
    credentials: Credentials,
    base_url: str | None = None,
) -> list[Problem]:
    """Steps this target cannot make with these credentials, found before a run."""
    granted = grants(target, credentials, base_url)
    problems = []
    for step in playbook.steps:
        message = _step_problem(playbook, step, target, granted)
        if message:
            text, hint = message
            problems.append(Problem(playbook.path, step.line, text, step.id, hint))
    return problems


def _step_problem(
    playbook: Playbook, step: Step, target: Target, granted: set[Auth]
) -> tuple[str, str] | None:
    endpoint = step.endpoint
    if target is Target.LOWCODEAPI and endpoint.lowcodeapi is None:
        return (
            f"{endpoint.name} is not offered by LowCodeAPI",
            "run this playbook with --target imgur",
        )
    if Auth.BEARER in granted:
        return None
    if endpoint.auth not in granted:
        return needs_token(endpoint, "needs")
    for args in _known_arguments(playbook, step):
        reason = user_token_reason(endpoint, args)
        if reason:
            return needs_token(endpoint, reason)
    return None


def _known_arguments(playbook: Playbook, step: Step) -> Iterator[dict[str, Any]]:
    """The step's arguments for each of its calls, as far as known before a run.

    Templates of `vars`, `inputs` and a loop's items over them are rendered
    (as the playbook checks do); any other is an Unknown.
    """
    base = known_base(playbook.vars, playbook.inputs)
    for scope in _call_scopes(base, step):
        yield {name: _rendered(value, scope) for name, value in step.args.items()}


def _call_scopes(base: dict[str, Any], step: Step) -> list[dict[str, Any]]:
    try:
        scopes = call_scopes(base, step.for_each, step.as_name)
    except TemplateError:
        scopes = None  # the checks said so
    # A loop over what a response says: its items are not known yet.
    return [base] if scopes is None else scopes


def _rendered(value: Any, scope: Mapping[str, Any]) -> Any:
    try:
        return render_known(value, scope)
    except TemplateError:
        return value  # the checks said so


@contextmanager
def open_transport(
    target: Target,
    credentials: Credentials,
    redactor: Redactor,
    base_url: str | None = None,
) -> Iterator[Transport]:
    """A transport for `target`; for the sandbox, a local Imgur for the run.

    Raises:
        ConfigError: the credentials the target needs are not set.
    """
    for value in credentials.values():
        redactor.add(value)
    if target is Target.SANDBOX and base_url is None:
        with _started_sandbox(credentials, redactor) as transport:
            yield transport
        return
    transport = _transport(target, credentials, redactor, base_url)
    try:
        yield transport
    finally:
        transport.close()


def _transport(
    target: Target,
    credentials: Credentials,
    redactor: Redactor,
    base_url: str | None,
) -> Transport:
    require_credentials(target, credentials)
    if target is Target.LOWCODEAPI:
        url = base_url or DEFAULT_BASE_URLS[target]
        assert credentials.api_token is not None
        return LowCodeApiTransport(url, redactor, api_token=credentials.api_token)
    granted = grants(target, credentials, base_url)
    if target is Target.SANDBOX:
        credentials = _sandbox_credentials(credentials)
    transport = ImgurTransport(
        base_url or DEFAULT_BASE_URLS[Target.IMGUR],
        redactor,
        client_id=credentials.client_id,
        access_token=credentials.access_token,
        refusal=partial(token_refusal, granted),
    )
    transport.name = target.value
    return transport


def _sandbox_credentials(credentials: Credentials) -> Credentials:
    """The given credentials, or the sandbox's published demo ones."""
    from runner.sandbox import DEMO_ACCESS_TOKEN, DEMO_CLIENT_ID

    return Credentials(
        client_id=credentials.client_id or DEMO_CLIENT_ID,
        access_token=credentials.access_token
        or (None if credentials.client_id else DEMO_ACCESS_TOKEN),
    )


@contextmanager
def _started_sandbox(
    credentials: Credentials, redactor: Redactor
) -> Iterator[Transport]:
    from runner.sandbox import DEMO_USER, Sandbox

    client_id = credentials.client_id or "sandbox-" + random_tokens.token_hex(8)
    token = credentials.access_token or random_tokens.token_hex(20)
    redactor.add(client_id)
    redactor.add(token)
    sandbox = Sandbox(client_ids=[client_id], access_tokens={token: DEMO_USER})
    with sandbox:
        transport = ImgurTransport(
            sandbox.url, redactor, client_id=client_id, access_token=token
        )
        transport.name = Target.SANDBOX.value
        try:
            yield transport
        finally:
            transport.close()
