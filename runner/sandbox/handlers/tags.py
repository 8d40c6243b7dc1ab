"""Tag endpoints: a tag with its posts, the default tags, a post's tags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runner.sandbox.context import Context
from runner.sandbox.errors import bad_request, forbidden
from runner.sandbox.gallery_models import PREVIEW_IMAGES, gallery_item_json
from runner.sandbox.gallery_posts import (
    choice,
    find_post,
    in_section,
    live_posts,
    main_gallery,
    page_of,
    ranked,
    tagged,
    within,
)
from runner.sandbox.registry import handles
from runner.sandbox.store import GalleryPost, Store
from runner.sandbox.tag_models import (
    find_tag,
    remember_tags,
    tag_json,
    tag_vote_json,
)

TAG_SORTS = ("viral", "top", "time")
STAFF_PICKS = "staff_picks"
NOT_YOUR_POST = "Only the author of a gallery post can change its tags"
NO_TAGS = "tags must name at least one tag, e.g. funny,cats"

Pick = Callable[[Store], list[GalleryPost]]


@handles("gallery.get_tag")
def get_tag(ctx: Context) -> dict[str, Any]:
    """The Tag model with one page of its posts as ``items``."""
    tag = find_tag(ctx.store, str(ctx.args["tagName"]))
    sort = choice(ctx.text("sort") or "viral", TAG_SORTS, "sort")
    posts = tagged(ctx.store, tag.name)
    if sort == "top":
        posts = within(posts, ctx.text("window") or "week", ctx.store.now())
    shown = page_of(ranked(posts, sort, ctx.store, ctx.store.now()), ctx.page())

    body = tag_json(tag, ctx.store, ctx.account)
    body["items"] = [gallery_item_json(p, ctx.store, ctx.account) for p in shown]
    return body


@handles("gallery.get_tag_info")
def get_tag_info(ctx: Context) -> dict[str, Any]:
    tag = find_tag(ctx.store, str(ctx.args["tagName"]))
    return tag_json(tag, ctx.store, ctx.account)


@handles("gallery.list_default_tags")
def list_default_tags(ctx: Context) -> dict[str, Any]:
    """Imgur's curated tags, the featured one, and its galleries' top posts."""
    store = ctx.store
    curated = [tag for tag in store.tags.values() if tag.whitelisted]
    by_size = sorted(curated, key=lambda tag: (-len(tagged(store, tag.name)), tag.name))
    return {
        "tags": [tag_json(tag, store, ctx.account) for tag in by_size],
        "featured": by_size[0].name if by_size else None,
        "galleries": _galleries(ctx),
    }


def _most_viral(store: Store) -> list[GalleryPost]:
    hot = in_section(main_gallery(store), "hot")
    return ranked(hot, "viral", store, store.now())


def _user_submitted(store: Store) -> list[GalleryPost]:
    return ranked(main_gallery(store), "time", store, store.now())


def _random(store: Store) -> list[GalleryPost]:
    # Imgur's Random mixes in the archives; the sandbox shows the oldest post.
    return sorted(live_posts(store), key=lambda post: (post.datetime, post.id))


def _staff_picks(store: Store) -> list[GalleryPost]:
    return ranked(tagged(store, STAFF_PICKS), "viral", store, store.now())


# The galleries Imgur lists beside its default tags, each led by a top post.
GALLERIES: tuple[tuple[str, str, Pick], ...] = (
    ("Most Viral", "Today's most popular posts", _most_viral),
    ("User Submitted", "Brand new posts shared in real time", _user_submitted),
    ("Random", "A mix from the Imgur archives", _random),
    ("Staff Picks", "Great posts picked by Imgur staff", _staff_picks),
)


def _galleries(ctx: Context) -> list[dict[str, Any]]:
    galleries = []
    for number, (name, description, pick) in enumerate(GALLERIES):
        posts = pick(ctx.store)
        if not posts:
            continue  # a gallery with nothing in it is not offered
        top = gallery_item_json(posts[0], ctx.store, ctx.account, images=PREVIEW_IMAGES)
        galleries.append(
            {"id": number, "name": name, "description": description, "topPost": top}
        )
    return galleries


@handles("gallery.list_item_tags")
def list_item_tags(ctx: Context) -> dict[str, list[dict[str, Any]]]:
    """A post's tags as Tag Votes."""
    post = find_post(ctx.store, str(ctx.args["galleryHash"]))
    return {"tags": [tag_vote_json(name, post) for name in post.tags]}


@handles("gallery.update_item_tags")
def update_item_tags(ctx: Context) -> bool:
    """Replace the tags of the caller's own post."""
    key = str(ctx.args["galleryHash"])
    post = find_post(ctx.store, key)
    if post.owner != ctx.me().username:
        raise forbidden(NOT_YOUR_POST)
    given = ctx.text("id")
    if given is not None and given != key:
        raise bad_request(f"id {given!r} is not the gallery hash in the path, {key}")
    if not ctx.texts("tags"):
        raise bad_request(NO_TAGS)

    post.tags = remember_tags(ctx.store, ctx.texts("tags"))
    return True
