"""Album endpoints: create, read, update, change the images, favourite, delete.

Every change takes the album's deletehash from anyone, or its id from the
owner's Bearer (see :mod:`runner.sandbox.ownership`).
"""

from __future__ import annotations

from typing import Any

from runner.sandbox.context import Context
from runner.sandbox.errors import (
    ImgurError,
    auth_required,
    bad_request,
    forbidden,
    not_found,
)
from runner.sandbox.handlers.images import favorite_answer
from runner.sandbox.models import album_images, album_json, image_json
from runner.sandbox.ownership import album_to_change
from runner.sandbox.registry import handles
from runner.sandbox.store import DEFAULT_ALBUM_PRIVACY, Album, Image

PRIVACIES = ("public", "hidden", "secret")
LAYOUTS = ("blog", "grid", "horizontal", "vertical")
IDS_NEED_ACCOUNT = (
    "Authentication required to add images by id; anonymous albums take deletehashes[]"
)
NOT_OWNER = "You must own all the image ids to add them to an album"
NO_IMAGES_NAMED = "Send the images as ids[] or deletehashes[]"
NO_IDS_NAMED = "Send the ids[] of the images to remove"
IMAGE_LISTS = ("ids", "deletehashes")


@handles("album.create")
def create(ctx: Context) -> dict[str, str]:
    """A new album of the caller's images (ids[]) or anyone's (deletehashes[])."""
    images = _named_images(ctx)
    privacy = _choice(ctx, "privacy", PRIVACIES)
    layout = _choice(ctx, "layout", LAYOUTS)
    cover = _cover(ctx, images)

    album = ctx.store.add_album(ctx.account)
    album.title = ctx.text("title")
    album.description = ctx.text("description")
    album.privacy = privacy or _default_privacy(ctx)
    album.layout = layout or album.layout
    for image in images:
        ctx.store.add_to_album(album, image)
    album.cover = cover or album.cover
    return {"id": album.id, "deletehash": album.deletehash}


def _named_images(ctx: Context) -> list[Image]:
    return _images_by_id(ctx) + _images_by_deletehash(ctx)


def _images_by_id(ctx: Context) -> list[Image]:
    ids = ctx.texts("ids")
    if ids and ctx.account is None:
        raise auth_required(IDS_NEED_ACCOUNT)
    images = [_image(ctx, image_id) for image_id in ids]
    if any(image.owner != ctx.me().username for image in images):
        raise forbidden(NOT_OWNER)
    return images


def _image(ctx: Context, image_id: str) -> Image:
    image = ctx.store.images.get(image_id)
    if image is None:
        raise not_found("image", image_id)
    return image


def _images_by_deletehash(ctx: Context) -> list[Image]:
    images = []
    for index, deletehash in enumerate(ctx.texts("deletehashes")):
        image = ctx.store.image_by_deletehash(deletehash)
        if image is None:
            # The deletehash is a secret: say which one, not what it was.
            raise ImgurError(404, f"Unable to find an image for deletehashes[{index}]")
        images.append(image)
    return images


def _choice(ctx: Context, name: str, allowed: tuple[str, ...]) -> str | None:
    value = ctx.text(name)
    if value is not None and value not in allowed:
        raise bad_request(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _default_privacy(ctx: Context) -> str:
    account = ctx.account
    return account.settings.album_privacy if account else DEFAULT_ALBUM_PRIVACY


def _cover(ctx: Context, images: list[Image]) -> str | None:
    cover = ctx.text("cover")
    if cover is not None and cover not in {image.id for image in images}:
        raise bad_request(f"The cover {cover!r} is not one of the album's images")
    return cover


@handles("album.get")
def get(ctx: Context) -> dict[str, Any]:
    return album_json(_album(ctx), ctx.store, ctx.account)


@handles("album.list_images")
def list_images(ctx: Context) -> list[dict[str, Any]]:
    """The album's images in order (Imgur does not page this list)."""
    images = album_images(_album(ctx), ctx.store)
    return [image_json(image, ctx.store, ctx.account) for image in images]


@handles("album.get_image")
def get_image(ctx: Context) -> dict[str, Any]:
    """One image of the album; an image outside the album is not found there."""
    album = _album(ctx)
    key = str(ctx.args["imageHash"])
    image = ctx.store.images.get(key)
    if image is None or key not in album.image_ids:
        raise not_found("image", key)
    return image_json(image, ctx.store, ctx.account)


def _album(ctx: Context) -> Album:
    key = str(ctx.args["albumHash"])
    album = ctx.store.albums.get(key)
    if album is None:
        raise not_found("album", key)
    return album


@handles("album.update", "album.set_images", "album.set_images_anonymous")
def update(ctx: Context) -> bool:
    """Change the album's fields, and its images when ids[] or deletehashes[] come.

    To Imgur, PUT and POST on /3/album/{hash} are one update: the "set album
    images" of the Postman collection is an update sending only deletehashes.
    Everything is checked before anything changes.
    """
    album = album_to_change(ctx, _album_key(ctx))
    images = _named_images(ctx) if _names_images(ctx) else None
    privacy = _choice(ctx, "privacy", PRIVACIES)
    layout = _choice(ctx, "layout", LAYOUTS)
    kept = album_images(album, ctx.store) if images is None else images
    cover = _cover(ctx, kept)

    if images is not None:
        ctx.store.replace_album_images(album, images)
    for field in ("title", "description"):
        if field in ctx.args:
            setattr(album, field, ctx.text(field))
    album.privacy = privacy or album.privacy
    album.layout = layout or album.layout
    album.cover = cover or album.cover
    return True


def _album_key(ctx: Context) -> str:
    # The anonymous twins name it albumDeleteHash; their shared route, albumHash.
    return str(ctx.args["albumHash"])


def _names_images(ctx: Context) -> bool:
    return any(name in ctx.args for name in IMAGE_LISTS)


@handles("album.add_images", "album.add_images_anonymous")
def add_images(ctx: Context) -> bool:
    """Append the named images; those already in the album keep their place."""
    album = album_to_change(ctx, _album_key(ctx))
    images = _named_images(ctx)
    if not images:
        raise bad_request(NO_IMAGES_NAMED)
    for image in images:
        ctx.store.add_to_album(album, image)
    return True


@handles("album.remove_images", "album.remove_images_anonymous")
def remove_images(ctx: Context) -> bool:
    """Take the ids[] out of the album; ids it does not hold are passed over."""
    album = album_to_change(ctx, _album_key(ctx))
    ids = ctx.texts("ids")
    if not ids:
        raise bad_request(NO_IDS_NAMED)
    for image_id in ids:
        ctx.store.remove_from_album(album, image_id)
    return True


@handles("album.favorite")
def favorite(ctx: Context) -> str:
    """Favourite the album for the signed-in account, or unfavourite it."""
    return favorite_answer(ctx, _album(ctx).id)


@handles("album.delete", "album.delete_anonymous")
def delete(ctx: Context) -> bool:
    """Delete by id for the owner, or by deletehash for anyone; images stay."""
    ctx.store.delete_album(album_to_change(ctx, _album_key(ctx)))
    return True
