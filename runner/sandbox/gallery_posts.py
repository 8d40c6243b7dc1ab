"""The public gallery: which posts show, what they add up to, how they sort.

Imgur's gallery has three sections: ``hot`` (Most Viral), ``top`` (the best
rated) and ``user`` (User Submitted, newest first). A new post starts in User
Submitted; the seeded popular ones are in Most Viral. Posts pulled from Reddit
carry their subreddit as ``section`` and show only under ``/gallery/r/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from runner.sandbox.discussion import comment_count
from runner.sandbox.errors import ImgurError, bad_request, not_found
from runner.sandbox.store import Album, GalleryPost, Image, Store
from runner.sandbox.votes import tally

DAY = 86_400
WINDOWS: dict[str, int | None] = {
    "day": DAY,
    "week": 7 * DAY,
    "month": 30 * DAY,
    "year": 365 * DAY,
    "all": None,
}
SECTIONS = ("hot", "top", "user")
SORTS = ("viral", "top", "time", "rising")

# Gallery pages have a fixed size: Imgur ignores perPage on /gallery routes.
PAGE_SIZE = 60
# A post's rising rank: its score over its age, counted from this many hours.
RISING_HOURS_OFFSET = 2


@dataclass(frozen=True)
class Counts:
    """The numbers a gallery post shows."""

    ups: int
    downs: int
    comment_count: int
    favorite_count: int

    @property
    def points(self) -> int:
        return self.ups - self.downs

    @property
    def score(self) -> int:
        # Imgur's popularity score is its own secret; votes and talk raise it.
        return self.points + self.comment_count


def counts(store: Store, post: GalleryPost) -> Counts:
    votes = tally(post.votes)
    favorites = sum(1 for a in store.accounts.values() if post.id in a.favorites)
    return Counts(votes.ups, votes.downs, comment_count(store, post.id), favorites)


def item_of(store: Store, post: GalleryPost) -> Image | Album | None:
    """The image or album a post shows; None once it has been deleted."""
    if post.is_album:
        return store.albums.get(post.id)
    return store.images.get(post.id)


def live_posts(store: Store) -> list[GalleryPost]:
    """Every post whose image or album still exists."""
    return [post for post in store.gallery.values() if item_of(store, post)]


def main_gallery(store: Store) -> list[GalleryPost]:
    """The live posts shared on Imgur itself, not pulled from a subreddit."""
    return [post for post in live_posts(store) if post.section is None]


def in_section(
    posts: list[GalleryPost], section: str, show_viral: bool = True
) -> list[GalleryPost]:
    """The posts a section shows.

    Without ``show_viral``, User Submitted leaves out what made Most Viral.
    """
    choice(section, SECTIONS, "section")
    if section == "hot":
        return [post for post in posts if post.in_most_viral]
    if section == "user" and not show_viral:
        return [post for post in posts if not post.in_most_viral]
    return posts


def find_post(store: Store, key: str, *, album: bool | None = None) -> GalleryPost:
    """The gallery post `key`; with `album` given, only an album or an image.

    Raises:
        ImgurError: 404 when `key` is not in the gallery (as that kind).
    """
    post = store.gallery.get(key)
    if post is None or item_of(store, post) is None:
        raise _missing(store, key, album)
    if album is not None and post.is_album != album:
        raise _missing(store, key, album)
    return post


def _missing(store: Store, key: str, album: bool | None) -> ImgurError:
    # Imgur's 404 names the kind of item the id was taken for.
    if album is None:
        album = key in store.albums
    return not_found("album" if album else "image", key)


def choice(value: str, allowed: Iterable[str], name: str) -> str:
    """`value` if it is one of `allowed`.

    Raises:
        ImgurError: 400 naming the parameter and what it may be.
    """
    options = tuple(allowed)
    if value not in options:
        raise bad_request(f"{name} must be one of {', '.join(options)}, not {value!r}")
    return value


def within(posts: list[GalleryPost], window: str, now: int) -> list[GalleryPost]:
    """The posts shared in the last day, week, month or year (or all of them)."""
    span = WINDOWS[choice(window, WINDOWS, "window")]
    if span is None:
        return posts
    return [post for post in posts if post.datetime >= now - span]


def ranked(
    posts: list[GalleryPost], sort: str, store: Store, now: int
) -> list[GalleryPost]:
    """`posts` in the order `sort` asks for, newest first among equals."""
    key = _sort_key(choice(sort, SORTS, "sort"), store, now)
    newest_first = sorted(posts, key=lambda post: (-post.datetime, post.id))
    return sorted(newest_first, key=key, reverse=True)


def _sort_key(sort: str, store: Store, now: int) -> Callable[[GalleryPost], float]:
    if sort == "time":
        return lambda post: post.datetime
    if sort == "top":
        return lambda post: counts(store, post).points
    if sort == "rising":
        return lambda post: _rising(counts(store, post), post, now)
    return lambda post: counts(store, post).score


def _rising(numbers: Counts, post: GalleryPost, now: int) -> float:
    hours = max(0, now - post.datetime) / 3600
    return numbers.score / (hours + RISING_HOURS_OFFSET)


def page_of(posts: list[GalleryPost], page: int) -> list[GalleryPost]:
    """One fixed-size page; past the end, an empty one."""
    return posts[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]


def tagged(store: Store, name: str) -> list[GalleryPost]:
    """The live posts carrying tag `name` (tags match whatever their case)."""
    wanted = name.lower()
    return [p for p in live_posts(store) if wanted in (t.lower() for t in p.tags)]
