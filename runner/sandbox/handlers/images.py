"""Image endpoints: upload, read, retitle, favourite, delete."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from runner.sandbox.context import Context
from runner.sandbox.errors import bad_request, not_found
from runner.sandbox.media import from_base64, from_url, inspect
from runner.sandbox.models import image_json
from runner.sandbox.ownership import album_to_change, image_to_change
from runner.sandbox.registry import handles
from runner.sandbox.store import Album

NO_IMAGE = "No image data was sent to the upload api"
NO_VIDEO = "The sandbox does not take video uploads; send an image"
URL_PREFIXES = ("http://", "https://")
FAVORITED = "favorited"
UNFAVORITED = "unfavorited"


@handles("image.upload")
def upload(ctx: Context) -> dict[str, Any]:
    """Store a new image: the caller's with a Bearer, anonymous with a Client-ID."""
    if "video" in ctx.files or ctx.args.get("video"):
        raise bad_request(NO_VIDEO)
    data, file_name = _image_bytes(ctx)
    media = inspect(data)
    album = _album(ctx)

    image = ctx.store.add_image(
        ctx.account,
        mime=media.mime,
        width=media.width,
        height=media.height,
        size=media.size,
        animated=media.animated,
    )
    image.name = ctx.text("name") or file_name
    image.title = ctx.text("title")
    image.description = ctx.text("description")
    if album is not None:
        ctx.store.add_to_album(album, image)
    return image_json(image, ctx.store, ctx.account, uploader=True)


def _image_bytes(ctx: Context) -> tuple[bytes, str]:
    part = ctx.files.get("image")
    if part is not None:
        return part.read(), part.filename or ""
    value = ctx.text("image")
    if not value:
        raise bad_request(NO_IMAGE)

    kind = (ctx.text("type") or "").lower()
    if kind == "url" or (not kind and value.startswith(URL_PREFIXES)):
        with ctx.unlocked():
            data = from_url(value)
        return data, urlsplit(value).path.rsplit("/", 1)[-1]
    return from_base64(value), ""


def _album(ctx: Context) -> Album | None:
    # An album id works for its owner, an album deletehash for anyone.
    key = ctx.text("album")
    return album_to_change(ctx, key) if key else None


@handles("image.get")
def get(ctx: Context) -> dict[str, Any]:
    key = str(ctx.args["imageHash"])
    image = ctx.store.images.get(key)
    if image is None:
        raise not_found("image", key)
    return image_json(image, ctx.store, ctx.account)


@handles("image.update", "image.update_anonymous")
def update(ctx: Context) -> bool:
    """Change the title or description (by id for the owner, else by deletehash)."""
    image = image_to_change(ctx, str(ctx.args["imageHash"]))
    if "title" in ctx.args:
        image.title = ctx.text("title")
    if "description" in ctx.args:
        image.description = ctx.text("description")
    return True


@handles("image.delete", "image.delete_anonymous")
def delete(ctx: Context) -> bool:
    """Delete by id for the owner, or by deletehash for anyone."""
    ctx.store.delete_image(image_to_change(ctx, str(ctx.args["imageHash"])))
    return True


@handles("image.favorite")
def favorite(ctx: Context) -> str:
    """Favourite the image for the signed-in account, or unfavourite it."""
    key = str(ctx.args["imageHash"])
    if key not in ctx.store.images:
        raise not_found("image", key)
    return favorite_answer(ctx, key)


def favorite_answer(ctx: Context, item_id: str) -> str:
    """Toggle `item_id` among the caller's favourites and say which way it went.

    Imgur answers with a word for the way the toggle went. The exact data is
    unconfirmed: the reference has no capture of it and the docs leave it
    unsaid, so "favorited" and "unfavorited" are the sandbox's best knowledge.
    """
    now_favorite = ctx.store.toggle_favorite(ctx.me(), item_id)
    return FAVORITED if now_favorite else UNFAVORITED
