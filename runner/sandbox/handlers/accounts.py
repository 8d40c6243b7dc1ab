"""Account endpoints: the profile, blocks, favourites, settings, and what the
account keeps (albums, comments, images, reply notifications, followed tags).

``username`` may be ``me`` for the caller. What is private to an account (its
images, settings, notifications) answers 403 to anyone else; what is public
(comments, gallery favourites, submissions, public albums) answers to anyone.
"""

from __future__ import annotations

import hmac
import string
from typing import Any

from runner.sandbox import discussion
from runner.sandbox.auth import INVALID_CLIENT_ID
from runner.sandbox.comment_models import comment_json, thread_json
from runner.sandbox.context import Context
from runner.sandbox.discussion import find_comment, in_order
from runner.sandbox.errors import ImgurError, bad_request, forbidden, not_found
from runner.sandbox.gallery_models import NESTED_GALLERY_FIELDS, gallery_item_json
from runner.sandbox.gallery_posts import choice, item_of, live_posts, ranked
from runner.sandbox.models import (
    SITE,
    account_json,
    album_json,
    avatar_name,
    image_json,
    settings_json,
)
from runner.sandbox.registry import handles
from runner.sandbox.store import (
    Account,
    Album,
    Comment,
    GalleryPost,
    Image,
    Notification,
)
from runner.sandbox.tag_models import find_tag
from runner.sandbox.usernames import check_new_username, rename
from runner.sandbox.values import flag
from runner.sandbox.votes import tally

PRIVACIES = ("public", "hidden", "secret")
FAVORITE_SORTS = ("newest", "oldest")
COMMENT_SORTS = ("best", "worst", "oldest", "newest")
SETTING_FLAGS = (
    "public_images",
    "messaging_enabled",
    "accepted_gallery_terms",
    "show_mature",
    "newsletter_subscribed",
)
# Imgur's default avatars are the letters, as avatar_name "default/B" shows.
DEFAULT_AVATARS = tuple(f"default/{letter}" for letter in string.ascii_uppercase)
YEAR = 365 * 86_400

CANNOT_BLOCK_SELF = "You cannot block yourself"
NOT_FOLLOWING = "Not following tag"
NO_SUCH_DELETEHASH = "Unable to find an image of {} with that deletehash"
WRONG_PASSWORD = "The password is incorrect"


def _username(ctx: Context) -> str:
    # Routes such as /3/account/me/settings name no username: they mean `me`.
    return str(ctx.args.get("username", "me"))


def _own_account(ctx: Context) -> Account:
    """The account ``username`` names, if it is the caller's own.

    Raises:
        ImgurError: 404 for no such account, 401 for an anonymous caller,
            403 for someone else's account.
    """
    account = ctx.account_named(_username(ctx))
    if account is not ctx.me():
        raise forbidden()
    return account


def _sort(ctx: Context, name: str, allowed: tuple[str, ...]) -> str:
    return choice(ctx.text(name) or "newest", allowed, name)


# The profile


@handles("account.get")
def get(ctx: Context) -> dict[str, Any]:
    """The profile of ``username`` (``me`` with a Bearer), or of ``account_id``."""
    account_id = ctx.text("account_id")
    if account_id:
        account = _by_id(ctx, account_id)
    else:
        account = ctx.account_named(_username(ctx))
    return account_json(account, ctx.account)


def _by_id(ctx: Context, account_id: str) -> Account:
    found = ctx.store.account_by_id(int(account_id)) if account_id.isdigit() else None
    if found is None:
        raise ImgurError(404, f"Unable to find an account with the id, {account_id}")
    return found


@handles("account.get_gallery_profile")
def get_gallery_profile(ctx: Context) -> dict[str, Any]:
    """What the account did in the gallery, and its trophies."""
    account = ctx.account_named(_username(ctx))
    gallery = ctx.store.gallery
    return {
        "total_gallery_comments": len(_comments_by(ctx, account)),
        "total_gallery_favorites": sum(i in gallery for i in account.favorites),
        "total_gallery_submissions": len(_submissions(ctx, account)),
        "trophies": _trophies(account, ctx.store.now()),
    }


def _trophies(account: Account, now: int) -> list[dict[str, Any]]:
    # The sandbox awards only what its store can tell: a trophy for every
    # full year of membership, the latest first.
    years = max(0, now - account.created) // YEAR
    return [_year_trophy(account, n) for n in range(years, 0, -1)]


def _year_trophy(account: Account, years: int) -> dict[str, Any]:
    name = f"{years} Year" + ("s" if years > 1 else "")
    return {
        "id": account.id * 100 + years,  # one per account and year
        "name": name,
        "name_clean": name.replace(" ", ""),
        "description": f"Member of Imgur for {name.lower()}.",
        "data": None,
        "data_link": None,
        "datetime": account.created + years * YEAR,
        "image": f"{SITE}/images/trophies/{years}-year.png",
    }


# Blocks: the account/v1 service, which answers {"data": ...} alone


@handles("account.block_status")
def block_status(ctx: Context) -> dict[str, bool]:
    """Whether the caller has blocked ``username``."""
    other = ctx.account_named(_username(ctx))
    return {"blocked": other.username in ctx.me().blocked}


@handles("account.block_user")
def block_user(ctx: Context) -> dict[str, bool]:
    """Block ``username``; blocking someone again changes nothing."""
    me, other = ctx.me(), ctx.account_named(_username(ctx))
    if other is me:
        raise bad_request(CANNOT_BLOCK_SELF)
    if other.username not in me.blocked:
        me.blocked.append(other.username)
    return {"blocked": True}


@handles("account.unblock_user")
def unblock_user(ctx: Context) -> dict[str, bool]:
    """Unblock ``username``; unblocking someone not blocked changes nothing."""
    me, other = ctx.me(), ctx.account_named(_username(ctx))
    if other.username in me.blocked:
        me.blocked.remove(other.username)
    return {"blocked": False}


@handles("account.list_blocks")
def list_blocks(ctx: Context) -> dict[str, Any]:
    """Everyone the caller blocks, earliest first."""
    names = [name for name in ctx.me().blocked if ctx.store.account(name)]
    # ``next`` is a cursor to the following page; one page holds them all here.
    return {"items": [{"url": name} for name in names], "next": None}


# Favourites and gallery submissions


@handles("account.list_gallery_favorites")
def list_gallery_favorites(ctx: Context) -> list[dict[str, Any]]:
    """One page of the account's favourites that are in the gallery."""
    account = ctx.account_named(_username(ctx))
    ids = [i for i in _favorites(ctx, account) if i in ctx.store.gallery]
    return [_favorite_json(ctx, item_id) for item_id in ctx.paged(ids)]


@handles("account.list_favorites")
def list_favorites(ctx: Context) -> list[dict[str, Any]]:
    """One page of the caller's favourites, in the gallery or not."""
    ids = _favorites(ctx, _own_account(ctx))
    return [_favorite_json(ctx, item_id) for item_id in ctx.paged(ids)]


def _favorites(ctx: Context, account: Account) -> list[str]:
    """The ids of the account's favourites that still exist, in favoritesSort."""
    store = ctx.store
    ids = [i for i in account.favorites if i in store.images or i in store.albums]
    oldest_first = _sort(ctx, "favoritesSort", FAVORITE_SORTS) == "oldest"
    return ids[::-1] if oldest_first else ids


def _favorite_json(ctx: Context, item_id: str) -> dict[str, Any]:
    store, viewer = ctx.store, ctx.account
    post = store.gallery.get(item_id)
    if post is not None and item_of(store, post) is not None:
        return gallery_item_json(post, store, viewer)

    # Never shared: the item's own model, its gallery numbers null.
    album = store.albums.get(item_id)
    if album is not None:
        body = album_json(album, store, viewer, images=False)
    else:
        body = image_json(store.images[item_id], store, viewer)
    body.update(dict.fromkeys(NESTED_GALLERY_FIELDS))
    body["is_album"] = album is not None
    return body


@handles("account.list_submissions")
def list_submissions(ctx: Context) -> list[dict[str, Any]]:
    """One page of what the account shared to the gallery, newest first."""
    posts = ctx.paged(_submissions(ctx, ctx.account_named(_username(ctx))))
    return [gallery_item_json(post, ctx.store, ctx.account) for post in posts]


def _submissions(ctx: Context, account: Account) -> list[GalleryPost]:
    store = ctx.store
    posts = [p for p in live_posts(store) if p.owner == account.username]
    return ranked(posts, "time", store, store.now())


# Avatar and settings


@handles("account.list_available_avatars")
def list_available_avatars(ctx: Context) -> dict[str, Any]:
    """The avatars an account may choose: Imgur's defaults, the letters A-Z.

    Imgur does not document this answer; the sandbox answers
    ``{available_avatars: [{name, location}], count}``. Without a Bearer
    ``username`` is not looked up, as Imgur then lists the defaults.
    """
    if ctx.account is not None:
        ctx.account_named(_username(ctx))
    avatars = [
        {"name": name, "location": _avatar_url(name)} for name in DEFAULT_AVATARS
    ]
    return {"available_avatars": avatars, "count": len(avatars)}


def _avatar_url(name: str) -> str:
    return f"{SITE}/images/avatars/{name}.png"


@handles("account.get_avatar")
def get_avatar(ctx: Context) -> dict[str, str]:
    """The account's avatar, as its profile shows it."""
    account = ctx.account_named(_username(ctx))
    avatar = f"{SITE}/user/{account.username}/avatar?maxwidth=290"
    return {"avatar": avatar, "avatar_name": avatar_name(account)}


@handles("account.get_settings")
def get_settings(ctx: Context) -> dict[str, Any]:
    return settings_json(ctx.me(), ctx.store)


@handles("account.update_settings")
def update_settings(ctx: Context) -> bool:
    """Change the caller's settings; nothing changes unless every value is valid.

    The body's ``username`` arrives as ``new_username`` (the path's is the
    account's): it renames the account.
    """
    account = _own_account(ctx)
    settings = account.settings
    flags = {name: flag(ctx, name, getattr(settings, name)) for name in SETTING_FLAGS}
    privacy = ctx.text("album_privacy")
    avatar = ctx.text("avatar")
    new_name = ctx.text("new_username")
    if privacy is not None:
        choice(privacy, PRIVACIES, "album_privacy")
    if avatar is not None:
        choice(avatar, DEFAULT_AVATARS, "avatar")
    if new_name is not None:
        check_new_username(ctx.store, account, new_name)

    for name, value in flags.items():
        setattr(settings, name, value)
    settings.album_privacy = privacy or settings.album_privacy
    account.avatar = avatar or account.avatar
    if "bio" in ctx.args:
        account.bio = ctx.text("bio") or None
    if new_name is not None:
        rename(ctx.store, account, new_name)
    return True


@handles("account.get_email_verified")
def get_email_verified(ctx: Context) -> bool:
    return _own_account(ctx).email_verified


@handles("account.send_verification_email")
def send_verification_email(ctx: Context) -> bool:
    """Record that a verification mail went out (the sandbox sends no mail)."""
    _own_account(ctx).verification_sent = ctx.store.now()
    return True


# Albums


@handles("account.list_albums")
def list_albums(ctx: Context) -> list[dict[str, Any]]:
    """One page of the account's albums, newest first, without their images."""
    albums = ctx.paged(_albums(ctx))
    return [album_json(a, ctx.store, ctx.account, images=False) for a in albums]


@handles("account.list_album_ids")
def list_album_ids(ctx: Context) -> list[str]:
    return [album.id for album in ctx.paged(_albums(ctx))]


@handles("account.count_albums")
def count_albums(ctx: Context) -> int:
    return len(_albums(ctx))


@handles("account.get_album")
def get_album(ctx: Context) -> dict[str, Any]:
    return album_json(_album(ctx), ctx.store, ctx.account)


@handles("account.delete_album")
def delete_album(ctx: Context) -> bool:
    """Delete one of the caller's albums by id; its images stay."""
    _own_account(ctx)
    ctx.store.delete_album(_album(ctx))
    return True


def _albums(ctx: Context) -> list[Album]:
    """The account's albums the caller may see, newest first."""
    account = ctx.account_named(_username(ctx))
    # Hidden and secret albums show only to their owner.
    everything = ctx.account is account
    latest_first = reversed(ctx.store.albums.values())
    albums = [
        album
        for album in latest_first
        if album.owner == account.username and (everything or album.privacy == "public")
    ]
    return sorted(albums, key=lambda album: album.datetime, reverse=True)


def _album(ctx: Context) -> Album:
    key = str(ctx.args["albumHash"])
    found = [album for album in _albums(ctx) if album.id == key]
    if not found:
        raise not_found("album", key)
    return found[0]


# Comments


@handles("account.list_comments")
def list_comments(ctx: Context) -> list[dict[str, Any]]:
    """One page of the account's comments (50 a page), in ``commentSort`` order."""
    comments = ctx.paged(_sorted_comments(ctx, "commentSort"))
    return [comment_json(c, ctx.store, ctx.account) for c in comments]


@handles("account.list_comment_ids")
def list_comment_ids(ctx: Context) -> list[int]:
    return [comment.id for comment in ctx.paged(_sorted_comments(ctx, "sort"))]


@handles("account.count_comments")
def count_comments(ctx: Context) -> int:
    return len(_comments_by(ctx, ctx.account_named(_username(ctx))))


@handles("account.get_comment")
def get_comment(ctx: Context) -> dict[str, Any]:
    """One of the account's comments, with its replies."""
    return thread_json(_comment(ctx), ctx.store, ctx.account)


@handles("account.delete_comment")
def delete_comment(ctx: Context) -> bool:
    """Delete one of the caller's comments; replies to it stay."""
    _own_account(ctx)
    discussion.delete_comment(_comment(ctx))
    return True


def _comments_by(ctx: Context, account: Account) -> list[Comment]:
    comments = ctx.store.comments.values()
    return [c for c in comments if c.author == account.username and not c.deleted]


def _sorted_comments(ctx: Context, sort_name: str) -> list[Comment]:
    sort = _sort(ctx, sort_name, COMMENT_SORTS)
    newest = in_order(_comments_by(ctx, ctx.account_named(_username(ctx))), "new")
    if sort == "oldest":
        return newest[::-1]
    if sort == "worst":
        return sorted(newest, key=lambda c: tally(c.votes).points)
    return in_order(newest, "best") if sort == "best" else newest


def _comment(ctx: Context) -> Comment:
    account = ctx.account_named(_username(ctx))
    key = str(ctx.args["commentId"])
    comment = find_comment(ctx.store, key)
    if comment.author != account.username:
        raise not_found("comment", key)
    return comment


# Images


@handles("account.list_images")
def list_images(ctx: Context) -> list[dict[str, Any]]:
    """One page of the account's images, newest first; ``perPage`` up to 100."""
    images = ctx.paged(_own_images(ctx))
    return [image_json(image, ctx.store, ctx.account) for image in images]


@handles("account.list_my_images")
def list_my_images(ctx: Context) -> list[dict[str, Any]]:
    return list_images(ctx)


@handles("account.list_image_ids")
def list_image_ids(ctx: Context) -> list[str]:
    return [image.id for image in ctx.paged(_own_images(ctx))]


@handles("account.count_images")
def count_images(ctx: Context) -> int:
    return len(_own_images(ctx))


@handles("account.get_image")
def get_image(ctx: Context) -> dict[str, Any]:
    key = str(ctx.args["imageId"])
    image = ctx.store.images.get(key)
    if image is None or image.owner != _own_account(ctx).username:
        raise not_found("image", key)
    return image_json(image, ctx.store, ctx.account)


@handles("account.delete_image")
def delete_image(ctx: Context) -> bool:
    """Delete one of the caller's images, named by its deletehash (not its id)."""
    account = _own_account(ctx)
    image = ctx.store.image_by_deletehash(str(ctx.args["deleteHash"]))
    if image is None or image.owner != account.username:
        # The deletehash is a secret: the message does not repeat it.
        raise ImgurError(404, NO_SUCH_DELETEHASH.format(account.username))
    ctx.store.delete_image(image)
    return True


def _own_images(ctx: Context) -> list[Image]:
    return ctx.store.images_of(_own_account(ctx))


# Reply notifications


@handles("account.list_reply_notifications")
def list_reply_notifications(ctx: Context) -> list[dict[str, Any]]:
    """Replies to the caller's comments, newest first.

    Only the unseen ones, unless ``new=false`` asks for all of them.
    """
    account = _own_account(ctx)
    unseen_only = flag(ctx, "new", True)
    notes = sorted(ctx.store.notifications.values(), key=lambda n: -n.id)
    mine = [n for n in notes if n.account == account.username]
    wanted = [n for n in mine if not (unseen_only and n.viewed)]
    answers = (_notification_json(ctx, account, note) for note in wanted)
    return [answer for answer in answers if answer is not None]


def _notification_json(
    ctx: Context, account: Account, note: Notification
) -> dict[str, Any] | None:
    """The Notification model of a reply, or None once the reply is deleted."""
    reply = ctx.store.comments.get(note.comment_id)
    if reply is None or reply.deleted:
        return None
    return {
        "id": note.id,
        "account_id": account.id,
        "viewed": note.viewed,
        "content": comment_json(reply, ctx.store, account),
    }


# Followed tags


@handles("account.follow_tag")
def follow_tag(ctx: Context) -> bool:
    """Follow ``tagName``; following it again changes nothing."""
    me, tag = ctx.me(), find_tag(ctx.store, str(ctx.args["tagName"]))
    if not _following(me, tag.name):
        me.followed_tags.append(tag.name)
    return True


@handles("account.unfollow_tag")
def unfollow_tag(ctx: Context) -> bool:
    """Stop following ``tagName``.

    Raises:
        ImgurError: 404 "Tag does not exist", 409 "Not following tag".
    """
    me, tag = ctx.me(), find_tag(ctx.store, str(ctx.args["tagName"]))
    if not _following(me, tag.name):
        raise ImgurError(409, NOT_FOLLOWING)
    me.followed_tags = [t for t in me.followed_tags if not _same(t, tag.name)]
    return True


def _following(account: Account, name: str) -> bool:
    return any(_same(tag, name) for tag in account.followed_tags)


def _same(tag: str, name: str) -> bool:
    # Tags match whatever their case, as on Imgur.
    return tag.lower() == name.lower()


# Deleting the account


@handles("account.delete_me")
def delete_me(ctx: Context) -> bool:
    """Delete the caller's account, given its password and the app's client_id.

    The account goes with its tokens, images, albums and gallery posts.
    """
    me = ctx.me()
    client_id = ctx.text("client_id")
    if not client_id:
        raise bad_request("client_id is required")
    if client_id not in ctx.store.client_ids:
        raise forbidden(INVALID_CLIENT_ID)

    password = ctx.text("password")
    if not password:
        raise bad_request("password is required")
    if me.password is None or not _same_secret(password, me.password):
        raise forbidden(WRONG_PASSWORD)
    ctx.store.remove_account(me)
    return True


def _same_secret(given: str, known: str) -> bool:
    # In constant time, so that the answer's timing tells nothing.
    return hmac.compare_digest(given.encode(), known.encode())
