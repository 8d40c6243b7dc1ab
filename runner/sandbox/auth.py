"""Who is calling: the Authorization header checked against the sandbox's apps
and accounts, and the rules on what each kind of caller may call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runner.catalog import Auth
from runner.sandbox.errors import auth_required, forbidden
from runner.sandbox.store import Account, Store

INVALID_CLIENT_ID = "Invalid client_id"
INVALID_TOKEN = "The access token provided is invalid."


@dataclass(frozen=True)
class Caller:
    """An app acting anonymously (its Client-ID) or an account (a Bearer)."""

    account: Account | None = None
    client_id: str | None = None


NOBODY = Caller()


def identify(header: str | None, store: Store) -> Caller:
    """The caller an Authorization header names.

    Raises:
        ImgurError: 401 without usable credentials, 403 with unknown ones.
    """
    scheme, _, credential = (header or "").strip().partition(" ")
    credential = credential.strip()
    if not credential:
        raise auth_required()
    if scheme.lower() == "client-id":
        if credential not in store.client_ids:
            raise forbidden(INVALID_CLIENT_ID)
        return Caller(client_id=credential)
    if scheme.lower() == "bearer":
        account = store.account_for_token(credential)
        if account is None:
            raise forbidden(INVALID_TOKEN)
        return Caller(account=account)
    raise auth_required()


def authorize(auth: Auth, caller: Caller, path_args: Mapping[str, Any]) -> None:
    """Refuse a Client-ID caller what only an account may do, as Imgur does.

    `auth` is what the route needs; ``me`` in place of a username always
    needs an account.

    Raises:
        ImgurError: 401 "Authentication required".
    """
    if caller.account is not None or auth is Auth.NONE:
        return
    if auth is Auth.BEARER or path_args.get("username") == "me":
        raise auth_required()
