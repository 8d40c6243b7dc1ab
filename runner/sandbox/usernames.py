"""Choosing a new username: Imgur's rules for one, and renaming everywhere.

The store refers to accounts by username (owners, authors, votes, blocks,
notifications), so a rename changes each of those references too. Tokens,
LowCodeAPI's api_tokens included, belong to the account itself and follow it.
"""

from __future__ import annotations

import re

from runner.sandbox.errors import bad_request
from runner.sandbox.store import Account, Store

# The settings' `username` field: "4-63 alphanumeric characters" (reference).
USERNAME = re.compile(r"[A-Za-z0-9]{4,63}")

# Imgur does not document its words for these; the sandbox's say what failed.
BAD_USERNAME = "The username must be 4 to 63 letters or digits, not {!r}"
TAKEN_USERNAME = "The username {!r} is already taken"


def check_new_username(store: Store, account: Account, name: str) -> None:
    """Refuse a name Imgur would refuse for `account`.

    Raises:
        ImgurError: 400 for a name of the wrong form, or one another account has
            (whatever its case).
    """
    if not USERNAME.fullmatch(name):
        raise bad_request(BAD_USERNAME.format(name))
    holder = store.account(name)
    if holder is not None and holder is not account:
        raise bad_request(TAKEN_USERNAME.format(name))


def rename(store: Store, account: Account, name: str) -> None:
    """Give `account` the username `name`, in every place that names it."""
    old = account.username
    del store.accounts[old.lower()]
    account.username = name
    store.accounts[name.lower()] = account
    for image in store.images.values():
        image.owner = name if image.owner == old else image.owner
    for album in store.albums.values():
        album.owner = name if album.owner == old else album.owner
    for post in store.gallery.values():
        post.owner = name if post.owner == old else post.owner
        _rename_vote(post.votes, old, name)
    for comment in store.comments.values():
        comment.author = name if comment.author == old else comment.author
        _rename_vote(comment.votes, old, name)
    for note in store.notifications.values():
        note.account = name if note.account == old else note.account
    for other in store.accounts.values():
        other.blocked = [
            name if blocked == old else blocked for blocked in other.blocked
        ]


def _rename_vote(votes: dict[str, str], old: str, name: str) -> None:
    if old in votes:
        votes[name] = votes.pop(old)
