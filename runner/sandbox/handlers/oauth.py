"""``POST /oauth2/token``: a new access token for a refresh token."""

from __future__ import annotations

from typing import Any

from runner.sandbox.context import Context
from runner.sandbox.errors import ImgurError, bad_request
from runner.sandbox.registry import handles


@handles("auth.refresh_token")
def refresh(ctx: Context) -> dict[str, Any]:
    """The bare token object Imgur answers (samples/generate_access_token.json)."""
    store = ctx.store
    if ctx.text("grant_type") != "refresh_token":
        raise bad_request("grant_type must be refresh_token")
    # As in OAuth 2: a bad client is 401 (invalid_client), a bad grant 400.
    if ctx.text("client_id") not in store.client_ids:
        raise ImgurError(401, "Invalid client_id")
    if ctx.text("client_secret") != store.client_secret:
        raise ImgurError(401, "Invalid client_secret")

    refresh_token = ctx.text("refresh_token") or ""
    account = store.account_for_refresh_token(refresh_token)
    if account is None:
        raise bad_request("Invalid refresh token")
    return {
        "access_token": store.issue_token(account),
        "expires_in": store.token_lifetime,
        "token_type": "bearer",
        "scope": None,
        "refresh_token": refresh_token,
        "account_id": account.id,
        "account_username": account.username,
    }
