"""Comments on gallery posts: threads, their order, posting and deleting.

A deleted comment is kept, marked ``deleted``, so that replies under it keep
their place in the thread; it answers 404 on its own and does not count.
Replying tells the parent comment's author with a notification.
"""

from __future__ import annotations

import math

from runner.sandbox.errors import not_found
from runner.sandbox.store import (
    FIRST_COMMENT_ID,
    Account,
    Comment,
    GalleryPost,
    Notification,
    Store,
)
from runner.sandbox.votes import Tally, tally

SORTS = ("best", "top", "new")
# "best" ranks by how sure we can be that people like a comment: the lower
# bound of the Wilson interval of its up-vote share, at 80 % confidence.
CONFIDENCE_Z = 1.281551565545


def find_comment(store: Store, key: object) -> Comment:
    """The live comment with id `key` (a number, or its text).

    Raises:
        ImgurError: 404 for an unknown or deleted comment.
    """
    text = str(key)
    comment = store.comments.get(int(text)) if text.isdigit() else None
    if comment is None or comment.deleted:
        raise not_found("comment", text)
    return comment


def comments_on(store: Store, item_id: str) -> list[Comment]:
    """Every comment on the item, deleted ones included."""
    return [c for c in store.comments.values() if c.item_id == item_id]


def comment_count(store: Store, item_id: str) -> int:
    return sum(1 for c in comments_on(store, item_id) if not c.deleted)


def replies_to(store: Store, comment: Comment) -> list[Comment]:
    """The direct replies to `comment`, deleted ones included."""
    return [c for c in store.comments.values() if c.parent_id == comment.id]


def shown(store: Store, comment: Comment) -> bool:
    """Whether a thread shows `comment`: live, or holding live replies."""
    if not comment.deleted:
        return True
    return any(shown(store, reply) for reply in replies_to(store, comment))


def in_order(comments: list[Comment], sort: str) -> list[Comment]:
    """`comments` sorted best, top (most points) or new; newest first on ties."""
    newest_first = sorted(comments, key=lambda c: (-c.datetime, -c.id))
    if sort == "new":
        return newest_first
    if sort == "top":
        return sorted(newest_first, key=lambda c: -tally(c.votes).points)
    return sorted(newest_first, key=lambda c: -_confidence(tally(c.votes)))


def _confidence(votes: Tally) -> float:
    total = votes.ups + votes.downs
    if total == 0:
        return 0.0
    z2 = CONFIDENCE_Z**2
    share = votes.ups / total
    spread = CONFIDENCE_Z * math.sqrt(share * (1 - share) / total + z2 / (4 * total**2))
    return (share + z2 / (2 * total) - spread) / (1 + z2 / total)


def post_comment(
    store: Store,
    author: Account,
    post: GalleryPost,
    text: str,
    parent: Comment | None = None,
) -> Comment:
    """Add `author`'s comment on `post`, as a reply to `parent` if given."""
    comment = Comment(
        id=max(store.comments, default=FIRST_COMMENT_ID - 1) + 1,
        item_id=post.id,
        author=author.username,
        text=text,
        datetime=store.now(),
        parent_id=parent.id if parent else None,
        on_album=post.is_album,
    )
    store.comments[comment.id] = comment
    if parent is not None and parent.author != author.username:
        _notify(store, parent.author, comment)
    return comment


def _notify(store: Store, username: str, reply: Comment) -> None:
    number = max(store.notifications, default=0) + 1
    store.notifications[number] = Notification(number, username, reply.id)


def delete_comment(comment: Comment) -> None:
    """Mark `comment` deleted; its replies stay in the thread."""
    comment.deleted = True
