"""Who may change an item: anyone holding its deletehash, or its owner by id.

This is Imgur's rule for anonymous content: "anonymous operations work with
the deletehash and not with the id". The same URL takes either; the value
decides which.
"""

from __future__ import annotations

from runner.sandbox.context import Context
from runner.sandbox.errors import forbidden, not_found
from runner.sandbox.store import Album, Image


def image_to_change(ctx: Context, key: str) -> Image:
    """The image `key` (a deletehash, or an id of the caller's own image).

    Raises:
        ImgurError: 401 for an id without a Bearer, 403 for someone else's
            image, 404 for neither an id nor a deletehash.
    """
    image = ctx.store.image_by_deletehash(key)
    if image is not None:
        return image
    image = ctx.store.images.get(key)
    if image is None:
        raise not_found("image", key)
    _check_owner(ctx, image.owner)
    return image


def album_to_change(ctx: Context, key: str) -> Album:
    """The album `key` (a deletehash, or an id of the caller's own album).

    Raises:
        ImgurError: as :func:`image_to_change`.
    """
    album = ctx.store.album_by_deletehash(key)
    if album is not None:
        return album
    album = ctx.store.albums.get(key)
    if album is None:
        raise not_found("album", key)
    _check_owner(ctx, album.owner)
    return album


def _check_owner(ctx: Context, owner: str | None) -> None:
    if ctx.me().username != owner:
        raise forbidden()
