"""Gallery tags as Imgur's JSON: the Tag model and the legacy Tag Vote.

Field names and order follow Imgur's ``/3/tags`` answer; the decoration
fields Imgur fills from its own artwork (accent colours, logos) are null.
"""

from __future__ import annotations

from typing import Any

from runner.sandbox.errors import ImgurError
from runner.sandbox.gallery_posts import item_of, ranked, tagged
from runner.sandbox.store import Account, Album, GalleryPost, Store, Tag

TAG_NOT_FOUND = "Tag does not exist"


def find_tag(store: Store, name: str) -> Tag:
    """The tag `name`, known to the store or carried by some post.

    Raises:
        ImgurError: 404 "Tag does not exist".
    """
    key = tag_name(name)
    tag = store.tags.get(key)
    if tag is not None:
        return tag
    if tagged(store, key):
        return Tag(key, name)
    raise ImgurError(404, TAG_NOT_FOUND)


def remember_tags(store: Store, given: list[str]) -> list[str]:
    """The names of the tags `given` to a post, each once; new ones join the store."""
    names: list[str] = []
    for display in given:
        name = tag_name(display)
        store.tags.setdefault(name, Tag(name, display))
        if name not in names:
            names.append(name)
    return names


def tag_name(display: str) -> str:
    """How Imgur names a tag: lowercase, with underscores for spaces."""
    return "_".join(display.lower().split())


def tag_json(tag: Tag, store: Store, viewer: Account | None) -> dict[str, Any]:
    """The Tag model, without ``items``."""
    followers = [a for a in store.accounts.values() if _follows(a, tag.name)]
    posts = tagged(store, tag.name)
    return {
        "name": tag.name,
        "display_name": tag.display_name,
        "followers": len(followers),
        "total_items": len(posts),
        "following": viewer is not None and _follows(viewer, tag.name),
        "is_whitelisted": tag.whitelisted,
        "background_hash": _background(store, posts),
        "thumbnail_hash": None,
        "accent": None,
        "background_is_animated": False,
        "thumbnail_is_animated": False,
        "is_promoted": False,
        "description": tag.description,
        "logo_hash": None,
        "logo_destination_url": None,
        "description_annotations": {},
    }


def tags_json(
    names: list[str], store: Store, viewer: Account | None
) -> list[dict[str, Any]]:
    """A post's tags as Tag models, in the post's order."""
    tags = [store.tags.get(tag_name(n)) or Tag(tag_name(n), n) for n in names]
    return [tag_json(tag, store, viewer) for tag in tags]


def tag_vote_json(name: str, post: GalleryPost) -> dict[str, Any]:
    """The Tag Vote model of ``/gallery/{id}/tags``.

    Only a post's owner tags it, and a tag starts with its author's up vote.
    """
    return {"ups": 1, "downs": 0, "name": name, "author": post.owner}


def _follows(account: Account, name: str) -> bool:
    return name.lower() in (t.lower() for t in account.followed_tags)


def _background(store: Store, posts: list[GalleryPost]) -> str | None:
    # Imgur shows a tag over the picture of one of its popular posts.
    for post in ranked(posts, "viral", store, store.now()):
        item = item_of(store, post)
        if isinstance(item, Album):
            return item.cover
        if item is not None:
            return item.id
    return None
