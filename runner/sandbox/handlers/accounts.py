"""Account endpoints: the profile and the account's own images."""

from __future__ import annotations

from typing import Any

from runner.sandbox.context import Context
from runner.sandbox.errors import ImgurError, forbidden
from runner.sandbox.models import account_json, image_json
from runner.sandbox.registry import handles
from runner.sandbox.store import Account, Image


@handles("account.get")
def get(ctx: Context) -> dict[str, Any]:
    """The profile of ``username`` (``me`` with a Bearer), or of ``account_id``."""
    account_id = ctx.text("account_id")
    if account_id:
        account = _by_id(ctx, account_id)
    else:
        account = ctx.account_named(str(ctx.args["username"]))
    return account_json(account, ctx.account)


def _by_id(ctx: Context, account_id: str) -> Account:
    found = ctx.store.account_by_id(int(account_id)) if account_id.isdigit() else None
    if found is None:
        raise ImgurError(404, f"Unable to find an account with the id, {account_id}")
    return found


@handles("account.list_images")
def list_images(ctx: Context) -> list[dict[str, Any]]:
    """One page of the account's images, newest first; ``perPage`` up to 100."""
    images = ctx.paged(_own_images(ctx))
    return [image_json(image, ctx.store, ctx.account) for image in images]


@handles("account.list_my_images")
def list_my_images(ctx: Context) -> list[dict[str, Any]]:
    return list_images(ctx)


@handles("account.list_image_ids")
def list_image_ids(ctx: Context) -> list[str]:
    return [image.id for image in ctx.paged(_own_images(ctx))]


@handles("account.count_images")
def count_images(ctx: Context) -> int:
    return len(_own_images(ctx))


def _own_images(ctx: Context) -> list[Image]:
    # Imgur lists an account's images only to that account itself.
    account = ctx.account_named(str(ctx.args.get("username", "me")))
    if account is not ctx.me():
        raise forbidden()
    return ctx.store.images_of(account)
