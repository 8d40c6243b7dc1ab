"""Gallery endpoints that put posts in, take them out and report them."""

from __future__ import annotations

from runner.sandbox.context import Context
from runner.sandbox.errors import ImgurError, bad_request, forbidden, not_found
from runner.sandbox.gallery_posts import find_post
from runner.sandbox.registry import handles
from runner.sandbox.store import Account, Album, GalleryPost, Image
from runner.sandbox.tag_models import remember_tags
from runner.sandbox.values import flag, report_reason

NOT_YOURS = "You can only share your own images and albums to the gallery"
NOT_YOUR_POST = "Only the author of a gallery post can remove it"
NO_TITLE = "A title is required to share to the gallery"
EMPTY_ALBUM = "An album needs at least one image to be shared to the gallery"
TERMS = "You have not accepted the gallery terms: send terms=1 to accept them and share"


@handles("gallery.share_image")
def share_image(ctx: Context) -> bool:
    """Share one of the caller's images to User Submitted."""
    key = str(ctx.args["imageHash"])
    image = ctx.store.images.get(key)
    if image is None:
        raise not_found("image", key)
    _share(ctx, image)
    return True


@handles("gallery.share_album")
def share_album(ctx: Context) -> bool:
    """Share one of the caller's albums (with at least one image)."""
    key = str(ctx.args["albumHash"])
    album = ctx.store.albums.get(key)
    if album is None:
        raise not_found("album", key)
    _share(ctx, album)
    return True


def _share(ctx: Context, item: Image | Album) -> None:
    me = ctx.me()
    if item.owner != me.username:
        raise forbidden(NOT_YOURS)
    title = (ctx.text("title") or "").strip()
    if not title:
        raise bad_request(NO_TITLE)
    if item.id in ctx.store.gallery:
        kind = "album" if isinstance(item, Album) else "image"
        raise bad_request(f"This {kind} is already in the gallery")
    if isinstance(item, Album) and not item.image_ids:
        raise bad_request(EMPTY_ALBUM)
    mature = flag(ctx, "mature", False)
    _accept_terms(ctx, me)

    tags = remember_tags(ctx.store, ctx.texts("tags"))
    ctx.store.gallery[item.id] = GalleryPost(
        id=item.id,
        is_album=isinstance(item, Album),
        owner=me.username,
        title=title,
        datetime=ctx.store.now(),
        topic=ctx.text("topic") or None,
        mature=mature,
        tags=tags,
    )


def _accept_terms(ctx: Context, me: Account) -> None:
    # Imgur refuses an account that never accepted the gallery terms, unless
    # the request accepts them with terms=1, which counts for good.
    if flag(ctx, "terms", False):
        me.settings.accepted_gallery_terms = True
    if not me.settings.accepted_gallery_terms:
        raise ImgurError(403, TERMS)


@handles("gallery.remove_item")
def remove_item(ctx: Context) -> bool:
    """Take the caller's post out of the gallery; the image or album stays."""
    post = find_post(ctx.store, str(ctx.args["galleryHash"]))
    if post.owner != ctx.me().username:
        raise forbidden(NOT_YOUR_POST)
    del ctx.store.gallery[post.id]
    return True


@handles("gallery.report_item")
def report_item(ctx: Context) -> bool:
    """Report a post; a second report by the same account replaces the first."""
    post = find_post(ctx.store, str(ctx.args["galleryHash"]))
    post.reports[ctx.me().id] = report_reason(ctx)
    return True
