"""Gallery posts as Imgur's JSON: Gallery Image, Gallery Album and Vote.

A gallery item is its Image or Album model with the post's title, time and
counts on top (samples/gallery_album.json). Images inside a gallery album
carry the gallery fields as nulls and no uploader, as Imgur sends them.
"""

from __future__ import annotations

from typing import Any

from runner.sandbox.errors import not_found
from runner.sandbox.gallery_posts import counts, item_of
from runner.sandbox.models import album_images, album_json, image_json
from runner.sandbox.store import Account, Album, GalleryPost, Image, Store
from runner.sandbox.tag_models import tags_json
from runner.sandbox.votes import tally

# Gallery lists show an album with its first few images when asked to.
PREVIEW_IMAGES = 3
# The one topic id Imgur's answers show; other topics come without an id.
TOPIC_IDS = {"No Topic": 29}
NESTED_GALLERY_FIELDS = (
    "comment_count",
    "favorite_count",
    "ups",
    "downs",
    "points",
    "score",
)


def gallery_item_json(
    post: GalleryPost,
    store: Store,
    viewer: Account | None,
    *,
    images: int | None = 0,
) -> dict[str, Any]:
    """A Gallery Image or Gallery Album.

    `images` is how many of an album's images to include: None for all (the
    album's own page), 0 for none (gallery lists), or a preview count.

    Raises:
        ImgurError: 404 when the post's image or album no longer exists.
    """
    item = item_of(store, post)
    if isinstance(item, Album):
        return gallery_album_json(post, item, store, viewer, images=images)
    if isinstance(item, Image):
        return gallery_image_json(post, item, store, viewer)
    raise not_found("album" if post.is_album else "image", post.id)


def gallery_image_json(
    post: GalleryPost, image: Image, store: Store, viewer: Account | None
) -> dict[str, Any]:
    """The Gallery Image model."""
    body = image_json(image, store, viewer)
    body.update(_post_fields(post, store, viewer))
    body["section"] = post.section
    body["nsfw"] = post.mature or bool(image.nsfw)
    return body


def gallery_album_json(
    post: GalleryPost,
    album: Album,
    store: Store,
    viewer: Account | None,
    *,
    images: int | None = None,
) -> dict[str, Any]:
    """The Gallery Album model; `images` as for :func:`gallery_item_json`."""
    body = album_json(album, store, viewer, images=False)
    body.pop("cover_edited", None)  # not in Imgur's gallery answers
    if images == 0:
        body.pop("ad_config", None)  # nor in its gallery lists
    body.update(_post_fields(post, store, viewer))
    body.update(section=post.section or "", ad_type=0, ad_url="")
    body["nsfw"] = post.mature or bool(album.nsfw)
    body["vote"] = _vote(post, viewer)
    if images != 0:
        shown = album_images(album, store)[:images]
        body["images"] = [_nested_image(i, store, viewer) for i in shown]
    return body


def _post_fields(
    post: GalleryPost, store: Store, viewer: Account | None
) -> dict[str, Any]:
    numbers = counts(store, post)
    return {
        "title": post.title,
        "datetime": post.datetime,
        "ups": numbers.ups,
        "downs": numbers.downs,
        "points": numbers.points,
        "score": numbers.score,
        "comment_count": numbers.comment_count,
        "favorite_count": numbers.favorite_count,
        "is_album": post.is_album,
        "topic": post.topic,
        "topic_id": TOPIC_IDS.get(post.topic or ""),
        "in_most_viral": post.in_most_viral,
        "in_gallery": True,
        "tags": tags_json(post.tags, store, viewer),
    }


def _nested_image(image: Image, store: Store, viewer: Account | None) -> dict[str, Any]:
    body = image_json(image, store, viewer)
    body.update(account_url=None, account_id=None)
    body.update(dict.fromkeys(NESTED_GALLERY_FIELDS))
    return body


def _vote(post: GalleryPost, viewer: Account | None) -> str | None:
    return post.votes.get(viewer.username) if viewer else None


def vote_json(post: GalleryPost) -> dict[str, int]:
    """The Vote model of ``/gallery/{id}/votes``."""
    votes = tally(post.votes)
    return {"ups": votes.ups, "downs": votes.downs}
