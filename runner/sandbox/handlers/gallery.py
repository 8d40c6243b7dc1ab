"""Gallery endpoints that read it and vote in it: sections, subreddits, posts."""

from __future__ import annotations

from typing import Any

from runner.sandbox.context import Context
from runner.sandbox.errors import bad_request, not_found
from runner.sandbox.gallery_models import (
    PREVIEW_IMAGES,
    gallery_item_json,
    vote_json,
)
from runner.sandbox.gallery_posts import (
    choice,
    find_post,
    in_section,
    live_posts,
    main_gallery,
    page_of,
    ranked,
    within,
)
from runner.sandbox.registry import handles
from runner.sandbox.store import GalleryPost
from runner.sandbox.values import flag
from runner.sandbox.votes import cast

RISING_IS_FOR_USER = "sort=rising is only offered in the user section"
SUBREDDIT_SORTS = ("time", "top")


@handles("gallery.list")
def list_gallery(ctx: Context) -> list[dict[str, Any]]:
    """One page of a section: hot (Most Viral), top or user (User Submitted)."""
    section = ctx.text("section") or "hot"
    sort = ctx.text("sort") or "viral"
    if sort == "rising" and section != "user":
        raise bad_request(RISING_IS_FOR_USER)
    show_viral = flag(ctx, "showViral", True)
    posts = in_section(main_gallery(ctx.store), section, show_viral)

    if not flag(ctx, "mature", _shows_mature(ctx)):
        posts = [post for post in posts if not post.mature]
    if "top" in (section, sort):  # the window only narrows top lists
        posts = within(posts, ctx.text("window") or "day", ctx.store.now())
    previews = PREVIEW_IMAGES if flag(ctx, "album_previews", False) else 0
    return _page(ctx, ranked(posts, sort, ctx.store, ctx.store.now()), previews)


def _shows_mature(ctx: Context) -> bool:
    # Without the parameter, the account's own setting decides.
    return ctx.account is not None and ctx.account.settings.show_mature


def _page(
    ctx: Context, posts: list[GalleryPost], previews: int = 0
) -> list[dict[str, Any]]:
    shown = page_of(posts, ctx.page())
    return [
        gallery_item_json(p, ctx.store, ctx.account, images=previews) for p in shown
    ]


@handles("gallery.list_subreddit")
def list_subreddit(ctx: Context) -> list[dict[str, Any]]:
    """One page of the images pulled from a subreddit, newest or top first."""
    sort = choice(ctx.text("sort") or "time", SUBREDDIT_SORTS, "sort")
    posts = _subreddit_posts(ctx, str(ctx.args["subreddit"]))
    if sort == "top":
        posts = within(posts, ctx.text("window") or "week", ctx.store.now())
    return _page(ctx, ranked(posts, sort, ctx.store, ctx.store.now()))


@handles("gallery.get_subreddit_image")
def get_subreddit_image(ctx: Context) -> dict[str, Any]:
    key = str(ctx.args["subredditImageId"])
    posts = _subreddit_posts(ctx, str(ctx.args["subreddit"]))
    post = next((post for post in posts if post.id == key), None)
    if post is None:
        raise not_found("image", key)
    return gallery_item_json(post, ctx.store, ctx.account)


def _subreddit_posts(ctx: Context, subreddit: str) -> list[GalleryPost]:
    wanted = subreddit.lower()
    return [
        post
        for post in live_posts(ctx.store)
        if (post.section or "").lower() == wanted and not post.is_album
    ]


@handles("gallery.get_image")
def get_image(ctx: Context) -> dict[str, Any]:
    """A Gallery Image; an album's id is not one."""
    key = str(ctx.args["galleryImageHash"])
    post = find_post(ctx.store, key, album=False)
    return gallery_item_json(post, ctx.store, ctx.account)


@handles("gallery.get_album")
def get_album(ctx: Context) -> dict[str, Any]:
    """A Gallery Album with all its images."""
    post = find_post(ctx.store, str(ctx.args["galleryHash"]), album=True)
    return gallery_item_json(post, ctx.store, ctx.account, images=None)


@handles("gallery.get_votes")
def get_votes(ctx: Context) -> dict[str, int]:
    return vote_json(find_post(ctx.store, str(ctx.args["galleryHash"])))


@handles("gallery.vote")
def vote(ctx: Context) -> bool:
    """Vote a post up or down, or take the caller's vote back (veto)."""
    post = find_post(ctx.store, str(ctx.args["galleryHash"]))
    cast(post.votes, ctx.me().username, str(ctx.args["vote"]))
    return True
