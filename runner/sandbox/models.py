"""Store objects as Imgur's JSON models, field for field as the samples show.

``viewer`` is the account making the request (None for a Client-ID caller):
some fields depend on who asks, such as ``favorite`` and the owner-only
``deletehash``.
"""

from __future__ import annotations

from typing import Any

from runner.sandbox.store import Account, Album, Image, Store

IMAGE_HOST = "https://i.imgur.com"
SITE = "https://imgur.com"

# Imgur's file extensions for the types it serves, where not the MIME subtype.
EXTENSIONS = {"image/jpeg": "jpg", "image/svg+xml": "svg"}


def account_json(account: Account, viewer: Account | None) -> dict[str, Any]:
    """The Account model (samples/account.json)."""
    user_url = f"{SITE}/user/{account.username}"
    return {
        "id": account.id,
        "url": account.username,
        "bio": account.bio,
        "avatar": f"{user_url}/avatar?maxwidth=290",
        "avatar_name": avatar_name(account),
        "cover": f"{user_url}/cover?maxwidth=2560",
        "cover_name": "default/1-space",
        "reputation": account.reputation,
        "reputation_name": account.reputation_name,
        "created": account.created,
        "pro_expiration": False,
        "user_follow": {"status": False},
        "is_blocked": viewer is not None and account.username in viewer.blocked,
    }


def avatar_name(account: Account) -> str:
    """The chosen avatar, else Imgur's default: the username's first letter."""
    return account.avatar or "default/" + account.username[0].upper()


def image_link(image: Image) -> str:
    subtype = image.type.split("/", 1)[-1]
    return f"{IMAGE_HOST}/{image.id}.{EXTENSIONS.get(image.type, subtype)}"


def image_json(
    image: Image, store: Store, viewer: Account | None, *, uploader: bool = False
) -> dict[str, Any]:
    """The Image model (samples/account_images.json).

    ``uploader`` marks the answer to the upload itself, which shows the
    deletehash even to an anonymous uploader and ``account_id`` 0 for them.
    """
    owner = store.account(image.owner) if image.owner else None
    body: dict[str, Any] = {
        "id": image.id,
        "title": image.title,
        "description": image.description,
        "datetime": image.datetime,
        "type": image.type,
        "animated": image.animated,
        "width": image.width,
        "height": image.height,
        "size": image.size,
        "views": image.views,
        "bandwidth": image.bandwidth,
        "vote": _vote(store, image.id, viewer),
        "favorite": _favorite(image.id, viewer),
        "nsfw": image.nsfw,
        "section": None,
        "account_url": owner.username if owner else None,
        "account_id": owner.id if owner else (0 if uploader else None),
        "is_ad": False,
        "in_most_viral": False,
        "has_sound": False,
        "tags": list(image.tags),
        "ad_type": 0,
        "ad_url": "",
        "edited": "0",
        "in_gallery": image.id in store.gallery,
        "link": image_link(image),
    }
    if image.animated:
        body.update(_animation(image))
    if uploader or _owns(viewer, image.owner):
        body["deletehash"] = image.deletehash
        body["name"] = image.name
    return body


def _animation(image: Image) -> dict[str, Any]:
    base = f"{IMAGE_HOST}/{image.id}"
    return {
        "gifv": base + ".gifv",
        "mp4": base + ".mp4",
        "mp4_size": image.size,
        "looping": True,
    }


def album_json(
    album: Album, store: Store, viewer: Account | None, *, images: bool = True
) -> dict[str, Any]:
    """The Album model (samples/gallery_album.json without the gallery fields)."""
    owner = store.account(album.owner) if album.owner else None
    members = album_images(album, store)
    cover = store.images.get(album.cover) if album.cover else None
    body: dict[str, Any] = {
        "id": album.id,
        "title": album.title,
        "description": album.description,
        "datetime": album.datetime,
        "cover": cover.id if cover else None,
        "cover_edited": None,
        "cover_width": cover.width if cover else None,
        "cover_height": cover.height if cover else None,
        "account_url": owner.username if owner else None,
        "account_id": owner.id if owner else None,
        "privacy": album.privacy,
        "layout": album.layout,
        "views": album.views,
        "link": f"{SITE}/a/{album.id}",
        "favorite": _favorite(album.id, viewer),
        "nsfw": album.nsfw,
        "section": None,
        "images_count": len(members),
        "in_gallery": album.id in store.gallery,
        "is_ad": False,
        "include_album_ads": False,
        "is_album": True,
        "ad_config": _ad_config(),
    }
    if _owns(viewer, album.owner):
        body["deletehash"] = album.deletehash
    if images:
        body["images"] = [image_json(i, store, viewer) for i in members]
    return body


def album_images(album: Album, store: Store) -> list[Image]:
    """The album's images in album order."""
    return [store.images[i] for i in album.image_ids if i in store.images]


def settings_json(account: Account, store: Store) -> dict[str, Any]:
    """The Account Settings model, which only the account itself sees."""
    settings = account.settings
    blocked = (store.account(name) for name in account.blocked)
    return {
        "account_url": account.username,
        "email": settings.email,
        "public_images": settings.public_images,
        "album_privacy": settings.album_privacy,
        "pro_expiration": False,
        "accepted_gallery_terms": settings.accepted_gallery_terms,
        "active_emails": [settings.email],
        "messaging_enabled": settings.messaging_enabled,
        "blocked_users": [
            {"blocked_id": other.id, "blocked_url": other.username}
            for other in blocked
            if other is not None
        ],
        "show_mature": settings.show_mature,
        "first_party": False,  # true only for Imgur's own apps
    }


def _ad_config() -> dict[str, Any]:
    # Real album answers carry this block; the sandbox never shows ads.
    return {
        "safeFlags": ["album", "page_load"],
        "highRiskFlags": [],
        "unsafeFlags": [],
        "wallUnsafeFlags": [],
        "showsAds": False,
        "showAdLevel": 0,
    }


def _owns(viewer: Account | None, owner: str | None) -> bool:
    return viewer is not None and owner is not None and viewer.username == owner


def _favorite(item_id: str, viewer: Account | None) -> bool:
    return viewer is not None and item_id in viewer.favorites


def _vote(store: Store, item_id: str, viewer: Account | None) -> str | None:
    post = store.gallery.get(item_id)
    if post is None or viewer is None:
        return None
    return post.votes.get(viewer.username)
