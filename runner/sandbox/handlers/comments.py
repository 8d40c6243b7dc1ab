"""Comment endpoints, under ``/3/comment`` and on gallery posts."""

from __future__ import annotations

from typing import Any

from runner.sandbox.comment_models import comment_json, thread_json
from runner.sandbox.context import Context
from runner.sandbox.discussion import (
    SORTS,
    comments_on,
    delete_comment,
    find_comment,
    in_order,
    post_comment,
    shown,
)
from runner.sandbox.errors import bad_request, forbidden, not_found
from runner.sandbox.gallery_posts import choice, find_post
from runner.sandbox.registry import handles
from runner.sandbox.store import Comment, GalleryPost
from runner.sandbox.values import report_reason
from runner.sandbox.votes import cast

NO_TEXT = "A comment needs some text"
NOT_YOURS = "Only the author of a comment can delete it"
NO_IMAGE_ID = "image_id is required: the gallery image or album to comment on"


@handles("gallery.list_comments")
def list_comments(ctx: Context) -> list[dict[str, Any]]:
    """A post's comments, best, top or newest first, replies nested."""
    post = find_post(ctx.store, str(ctx.args["galleryHash"]))
    sort = choice(ctx.text("commentSort") or "best", SORTS, "commentSort")
    first = [c for c in comments_on(ctx.store, post.id) if c.parent_id is None]
    threads = in_order([c for c in first if shown(ctx.store, c)], sort)
    return [thread_json(c, ctx.store, ctx.account, sort) for c in threads]


@handles("gallery.get_comment")
def get_gallery_comment(ctx: Context) -> dict[str, Any]:
    """A comment, if it is one on the post in the path."""
    post = find_post(ctx.store, str(ctx.args["galleryHash"]))
    key = ctx.args["commentId"]
    comment = find_comment(ctx.store, key)
    if comment.item_id != post.id:
        raise not_found("comment", str(key))
    return comment_json(comment, ctx.store, ctx.account)


@handles("gallery.create_comment")
def create_gallery_comment(ctx: Context) -> dict[str, int]:
    post = find_post(ctx.store, str(ctx.args["galleryHash"]))
    return _post(ctx, post, None)


@handles("comment.get")
def get(ctx: Context) -> dict[str, Any]:
    comment = find_comment(ctx.store, ctx.args["commentId"])
    return comment_json(comment, ctx.store, ctx.account)


@handles("comment.get_replies")
def get_replies(ctx: Context) -> dict[str, Any]:
    """The comment with every reply under it, nested."""
    comment = find_comment(ctx.store, ctx.args["commentId"])
    return thread_json(comment, ctx.store, ctx.account)


@handles("comment.create")
def create(ctx: Context) -> dict[str, int]:
    """A comment on ``image_id``, or a reply to ``parent_id`` there."""
    post = find_post(ctx.store, _image_id(ctx))
    parent_id = ctx.text("parent_id")
    parent = find_comment(ctx.store, parent_id) if parent_id else None
    return _post(ctx, post, parent)


@handles("comment.reply")
def reply(ctx: Context) -> dict[str, int]:
    """A reply to the comment in the path, on its post (``image_id``)."""
    parent = find_comment(ctx.store, ctx.args["commentId"])
    post = find_post(ctx.store, _image_id(ctx))
    return _post(ctx, post, parent)


def _image_id(ctx: Context) -> str:
    image_id = ctx.text("image_id")
    if not image_id:
        raise bad_request(NO_IMAGE_ID)
    return image_id


def _post(ctx: Context, post: GalleryPost, parent: Comment | None) -> dict[str, int]:
    me = ctx.me()
    if parent is not None and parent.item_id != post.id:
        raise bad_request(
            f"Comment {parent.id} is on {parent.item_id}, not on {post.id}"
        )
    text = (ctx.text("comment") or "").strip()
    if not text:
        raise bad_request(NO_TEXT)
    comment = post_comment(ctx.store, me, post, text, parent)
    return {"id": comment.id}


@handles("comment.delete")
def delete(ctx: Context) -> bool:
    """Delete the caller's own comment; replies under it stay."""
    comment = find_comment(ctx.store, ctx.args["commentId"])
    if comment.author != ctx.me().username:
        raise forbidden(NOT_YOURS)
    delete_comment(comment)
    return True


@handles("comment.vote")
def vote(ctx: Context) -> bool:
    """Vote a comment up or down, or take the caller's vote back (veto)."""
    comment = find_comment(ctx.store, ctx.args["commentId"])
    cast(comment.votes, ctx.me().username, str(ctx.args["vote"]))
    return True


@handles("comment.report")
def report(ctx: Context) -> bool:
    """Report a comment; the same account reporting again replaces its report."""
    comment = find_comment(ctx.store, ctx.args["commentId"])
    comment.reports[ctx.me().id] = report_reason(ctx)
    return True
