"""Paged lists: ask page after page until an empty one, and join their data.

Imgur numbers pages from 0 in a path segment and ends a list with an empty
page; there is no total to read first. Most lists are `data` itself; a tag
(`gallery.get_tag`) is a mapping whose `items` are paged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from runner.errors import StepError
from runner.replies import Reply

ALL = "all"
# A list that never ends is a fault somewhere: stop rather than spend the
# day's credits. 500 pages of 50 is 25,000 items.
MOST_PAGES = 500


@dataclass(frozen=True)
class Pages:
    """A step's `pages:`: every page (`limit` None) or at most `limit`."""

    limit: int | None = None

    @classmethod
    def parse(cls, value: int | str) -> Pages:
        return cls(None if value == ALL else int(value))

    @property
    def text(self) -> str:
        return ALL if self.limit is None else str(self.limit)


def fetch_pages(
    pages: Pages,
    args: Mapping[str, Any],
    send: Callable[[dict[str, Any]], Reply | None],
) -> tuple[Reply | None, int]:
    """Send `args` for page after page; the last reply carries all the data.

    `send` returns None when the request was only planned, not sent.

    Raises:
        StepError: `pages: all` found no end after MOST_PAGES pages.
    """
    start = int(args.get("page") or 0)
    joined: list[Any] = []
    first: Reply | None = None
    reply: Reply | None = None
    count = 0
    while pages.limit is None or count < pages.limit:
        if count == MOST_PAGES:
            raise StepError(
                f"no empty page after {MOST_PAGES} pages; "
                f"write `pages: N` to read a set number"
            )
        reply = send({**args, "page": start + count})
        first = first or reply
        count += 1
        items = _items(reply)
        if not items:
            break
        joined.extend(items)
    if reply is None or first is None:
        return None, count
    return _joined(first, reply, joined), count


def _items(reply: Reply | None) -> list[Any]:
    """A page's list: `data` itself, or the `items` of a mapping like a Tag."""
    if reply is None or not isinstance(reply.body, Mapping):
        return []
    data = reply.body.get("data")
    if isinstance(data, Mapping) and isinstance(data.get("items"), list):
        data = data["items"]
    return data if isinstance(data, list) else []


def _joined(first: Reply, last: Reply, joined: list[Any]) -> Reply:
    """The last reply with every page's items, where the first page had them."""
    body = dict(last.body) if isinstance(last.body, Mapping) else {}
    data = first.body.get("data") if isinstance(first.body, Mapping) else None
    if isinstance(data, Mapping) and isinstance(data.get("items"), list):
        return replace(last, body={**body, "data": {**data, "items": joined}})
    return replace(last, body={**body, "data": joined})
