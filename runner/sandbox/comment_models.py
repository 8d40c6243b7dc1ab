"""Comments as Imgur's JSON: the Comment model, alone or with its replies.

Field for field as Imgur's answers show them: ``parent_id`` is 0 for a
top-level comment, ``children`` empty unless the replies were asked for.
"""

from __future__ import annotations

from typing import Any

from runner.sandbox.discussion import in_order, replies_to, shown
from runner.sandbox.store import Account, Comment, Store
from runner.sandbox.votes import tally

DELETED_TEXT = "[deleted]"
# Where a comment was written from; everything in the sandbox comes by API.
PLATFORM = "api"


def comment_json(
    comment: Comment,
    store: Store,
    viewer: Account | None,
    children: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The Comment model; `children` are its replies, already shaped."""
    author = store.account(comment.author)
    votes = tally(comment.votes)
    return {
        "id": comment.id,
        "image_id": comment.item_id,
        "comment": DELETED_TEXT if comment.deleted else comment.text,
        "author": comment.author,
        "author_id": author.id if author else 0,
        "on_album": comment.on_album,
        "album_cover": _album_cover(comment, store),
        "ups": votes.ups,
        "downs": votes.downs,
        "points": votes.points,
        "datetime": comment.datetime,
        "parent_id": comment.parent_id or 0,
        "deleted": comment.deleted,
        "vote": comment.votes.get(viewer.username) if viewer else None,
        "platform": PLATFORM,
        "has_admin_badge": False,
        "children": children or [],
    }


def thread_json(
    comment: Comment, store: Store, viewer: Account | None, sort: str = "best"
) -> dict[str, Any]:
    """`comment` with every shown reply nested under it, in `sort` order."""
    replies = [r for r in replies_to(store, comment) if shown(store, r)]
    children = [thread_json(r, store, viewer, sort) for r in in_order(replies, sort)]
    return comment_json(comment, store, viewer, children)


def _album_cover(comment: Comment, store: Store) -> str | None:
    if not comment.on_album:
        return None
    album = store.albums.get(comment.item_id)
    return album.cover if album else None
