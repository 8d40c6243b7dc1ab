"""``GET /3/feed``: what the tags the caller follows bring to the gallery."""

from __future__ import annotations

from typing import Any

from runner.sandbox.context import Context
from runner.sandbox.gallery_models import gallery_item_json
from runner.sandbox.gallery_posts import live_posts, ranked
from runner.sandbox.registry import handles


@handles("feed.get")
def get(ctx: Context) -> list[dict[str, Any]]:
    """Gallery posts carrying a tag the caller follows, newest first, one page.

    Imgur documents neither this route nor its answer, so the sandbox answers
    what its gallery lists answer: a list of Gallery Image and Gallery Album
    models. Posts by accounts the caller blocks are left out.
    """
    me, store = ctx.me(), ctx.store
    followed = {tag.lower() for tag in me.followed_tags}
    posts = [
        post
        for post in live_posts(store)
        if followed & {tag.lower() for tag in post.tags}
        and post.owner not in me.blocked
    ]
    newest = ranked(posts, "time", store, store.now())
    return [gallery_item_json(post, store, me) for post in ctx.paged(newest)]
