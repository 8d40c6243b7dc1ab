"""``GET /3/gallery/search``: gallery posts that match a query."""

from __future__ import annotations

from typing import Any

from runner.sandbox.context import Context
from runner.sandbox.gallery_models import gallery_item_json
from runner.sandbox.gallery_posts import (
    choice,
    item_of,
    live_posts,
    page_of,
    ranked,
    within,
)
from runner.sandbox.registry import handles
from runner.sandbox.search_query import ADVANCED, Subject, query_test
from runner.sandbox.store import Album, GalleryPost, Image, Store

SEARCH_SORTS = ("time", "viral", "top")


@handles("gallery.search")
def search(ctx: Context) -> list[dict[str, Any]]:
    """One page of the posts matching ``q`` (or the advanced q_* fields)."""
    sort = choice(ctx.text("sort") or "time", SEARCH_SORTS, "sort")
    test = query_test({name: ctx.text(name) for name in ("q", *ADVANCED)})
    store = ctx.store
    posts = [post for post in live_posts(store) if test(subject(store, post))]
    if sort == "top":
        posts = within(posts, ctx.text("window") or "all", store.now())

    shown = page_of(ranked(posts, sort, store, store.now()), ctx.page())
    return [gallery_item_json(post, store, ctx.account) for post in shown]


def subject(store: Store, post: GalleryPost) -> Subject:
    """What a search sees of `post`: an album is looked at through its cover."""
    item = item_of(store, post)
    picture = store.images.get(item.cover or "") if isinstance(item, Album) else item
    return Subject(
        title=post.title,
        tags=tuple(post.tags),
        user=post.owner,
        subreddit=post.section or "",
        is_album=post.is_album,
        mime=picture.type if isinstance(picture, Image) else "",
        animated=picture.animated if isinstance(picture, Image) else False,
        side=max(picture.width, picture.height) if picture else 0,
    )
