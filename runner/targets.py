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
from urllib.parse import urlsplit

from runner.catalog import Auth, Endpoint
from runner.errors import ConfigError, Problem
from runner.playbook import Playbook, Step
from runner.redact import Redactor
from runner.transports import ImgurTransport, LowCodeApiTransport, Transport


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


@dataclass(frozen=True, repr=False)
class Credentials:
    """What the run authenticates with; never shown."""

    client_id: str | None = None
    access_token: str | None = None
    api_token: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Credentials:
        return cls(
            client_id=env.get(CLIENT_ID) or None,
            access_token=env.get(ACCESS_TOKEN) or None,
            api_token=env.get(API_TOKEN) or None,
        )

    def __repr__(self) -> str:
        given = [name for name, value in vars(self).items() if value]
        return f"Credentials({', '.join(given) or 'none'})"

    def values(self) -> list[str]:
        return [v for v in (self.client_id, self.access_token, self.api_token) if v]


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
        ConfigError: not an http(s) URL with a host, a bad port, a user name
            or password in it, or a sandbox that is not on this machine.
    """
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
    if parts.username or parts.password:
        raise ConfigError(
            "--base-url must not hold a user name or password; "
            "credentials come from the environment (IMGUR_ACCESS_TOKEN, ...)"
        )
    if target is Target.SANDBOX and host not in LOOPBACK_HOSTS:
        raise ConfigError(
            f"--target sandbox runs on this machine, but --base-url points at "
            f"{host}; use 127.0.0.1, or --target imgur for a real host"
        )


def grants(target: Target, credentials: Credentials) -> set[Auth]:
    """The kinds of authorization a run on `target` can satisfy."""
    if target is Target.LOWCODEAPI:
        # The proxy injects the connected user's Bearer token on every call.
        return set(Auth)
    if target is Target.SANDBOX or credentials.access_token:
        return set(Auth)
    if credentials.client_id:
        return {Auth.NONE, Auth.CLIENT_ID, Auth.EITHER}
    return {Auth.NONE}


def target_problems(
    playbook: Playbook, target: Target, credentials: Credentials
) -> list[Problem]:
    """Steps this target cannot make with these credentials, found before a run."""
    granted = grants(target, credentials)
    problems = []
    for step in playbook.steps:
        message = _step_problem(step, target, granted)
        if message:
            text, hint = message
            problems.append(Problem(playbook.path, step.line, text, step.id, hint))
    return problems


def _step_problem(
    step: Step, target: Target, granted: set[Auth]
) -> tuple[str, str] | None:
    endpoint = step.endpoint
    if target is Target.LOWCODEAPI and endpoint.lowcodeapi is None:
        return (
            f"{endpoint.name} is not offered by LowCodeAPI",
            "run this playbook with --target imgur",
        )
    if endpoint.auth not in granted:
        return _needs_token(endpoint, "needs")
    if Auth.BEARER in granted:
        return None
    if step.args.get("username") == "me":
        return _needs_token(endpoint, "with username `me` needs")
    user_only = _user_only_param(step)
    if user_only:
        return _needs_token(endpoint, f"with `{user_only}` needs")
    return None


def _user_only_param(step: Step) -> str | None:
    """The first parameter the step gives that only a signed-in user may send."""
    # An explicit null leaves the parameter out, so it needs no user.
    given = {name for name, value in step.args.items() if value is not None}
    names = (p.name for p in step.endpoint.params if p.needs_user)
    return next((name for name in names if name in given), None)


def _needs_token(endpoint: Endpoint, verb: str) -> tuple[str, str]:
    return (
        f"{endpoint.name} {verb} a user access token, and only a Client-ID is set",
        f"set {ACCESS_TOKEN} (an OAuth access token of the account)",
    )


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
    if target is Target.SANDBOX:
        credentials = _sandbox_credentials(credentials)
    transport = ImgurTransport(
        base_url or DEFAULT_BASE_URLS[Target.IMGUR],
        redactor,
        client_id=credentials.client_id,
        access_token=credentials.access_token,
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
