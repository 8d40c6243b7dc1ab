"""The sandbox's in-memory world: accounts, images, albums and what hangs off them.

Everything the sandbox knows lives in one :class:`Store`. Ids come from a
seeded random generator, so the same run against a fresh sandbox sees the same
ids; times come from the injected clock.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

from runner.sandbox.clock import Clock

ALPHABET = string.ascii_letters + string.digits
ID_LENGTH = 7
DELETEHASH_LENGTH = 15
FIRST_ACCOUNT_ID = 10_000_001
FIRST_COMMENT_ID = 2_000_000_001
TOKEN_ALPHABET = "0123456789abcdef"
TOKEN_LENGTH = 40  # as long as Imgur's tokens
TOKEN_LIFETIME = 315_360_000  # what Imgur's token answers say: ten years

# Imgur's own choice for new albums of accounts that never changed it.
DEFAULT_ALBUM_PRIVACY = "hidden"


@dataclass
class Settings:
    """What ``/3/account/me/settings`` shows and changes."""

    email: str
    public_images: bool = False
    album_privacy: str = DEFAULT_ALBUM_PRIVACY
    messaging_enabled: bool = True
    accepted_gallery_terms: bool = True
    show_mature: bool = False
    newsletter_subscribed: bool = False


@dataclass
class Account:
    """An Imgur user, with what they keep and what they can sign in with."""

    id: int
    username: str
    created: int
    settings: Settings
    bio: str | None = None
    reputation: int = 0
    reputation_name: str = "Neutral"
    blocked: list[str] = field(default_factory=list)  # usernames, oldest first
    followed_tags: list[str] = field(default_factory=list)
    favorites: list[str] = field(default_factory=list)  # item ids, newest first
    tokens: dict[str, float | None] = field(default_factory=dict)  # -> expiry
    refresh_tokens: set[str] = field(default_factory=set)
    # LowCodeAPI api_tokens that act as this account: the proxy keeps the
    # account's login, so a rename leaves the connection as it was.
    api_tokens: set[str] = field(default_factory=set)
    password: str | None = None  # None: the account cannot delete itself
    avatar: str | None = None  # an available avatar's name; None: the default
    email_verified: bool = True
    verification_sent: int | None = None  # when the last verification mail went


@dataclass
class Image:
    """An uploaded image; ``owner`` is None for an anonymous upload."""

    id: str
    deletehash: str
    owner: str | None
    datetime: int
    type: str
    width: int
    height: int
    size: int
    animated: bool = False
    name: str = ""
    title: str | None = None
    description: str | None = None
    views: int = 0
    bandwidth: int = 0
    nsfw: bool | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class Album:
    """An album; ``owner`` is None for an anonymous album."""

    id: str
    deletehash: str
    owner: str | None
    datetime: int
    title: str | None = None
    description: str | None = None
    privacy: str = DEFAULT_ALBUM_PRIVACY
    layout: str = "blog"
    cover: str | None = None
    image_ids: list[str] = field(default_factory=list)
    views: int = 0
    nsfw: bool | None = None


@dataclass
class Comment:
    """A comment on a gallery item; ``parent_id`` None for a top-level one."""

    id: int
    item_id: str
    author: str
    text: str
    datetime: int
    parent_id: int | None = None
    on_album: bool = False
    deleted: bool = False
    votes: dict[str, str] = field(default_factory=dict)  # username -> up|down
    reports: dict[int, int] = field(default_factory=dict)  # account id -> reason


@dataclass
class GalleryPost:
    """An image or album shared to the public gallery (same id as the item)."""

    id: str
    is_album: bool
    owner: str
    title: str
    datetime: int
    topic: str | None = None
    mature: bool = False
    tags: list[str] = field(default_factory=list)
    votes: dict[str, str] = field(default_factory=dict)  # username -> up|down
    in_most_viral: bool = False  # else only in the User Submitted section
    section: str | None = None  # the subreddit, for a post from Reddit
    reports: dict[int, int] = field(default_factory=dict)  # account id -> reason


@dataclass
class Tag:
    """A gallery tag that accounts can follow."""

    name: str
    display_name: str
    description: str = ""
    whitelisted: bool = False  # curated by Imgur: one of the default tags


@dataclass
class Notification:
    """Something an account is told about: for now, replies to its comments."""

    id: int
    account: str
    comment_id: int
    viewed: bool = False


class Store:
    """Every account, item and relation of one sandbox, keyed by id."""

    def __init__(
        self, clock: Clock, seed: int = 0, token_lifetime: int = TOKEN_LIFETIME
    ) -> None:
        self.clock = clock
        self.random = random.Random(seed)
        self.token_lifetime = token_lifetime  # of tokens that /oauth2/token issues
        self.client_ids: set[str] = set()
        self.client_secret = ""
        self.accounts: dict[str, Account] = {}  # by lowercase username
        self.images: dict[str, Image] = {}
        self.albums: dict[str, Album] = {}
        self.comments: dict[int, Comment] = {}
        self.gallery: dict[str, GalleryPost] = {}
        self.tags: dict[str, Tag] = {}
        self.notifications: dict[int, Notification] = {}

    def now(self) -> int:
        return int(self.clock())

    def new_key(self, length: int = ID_LENGTH) -> str:
        """A fresh random id (7 characters) or deletehash (15), unused so far."""
        while True:
            key = "".join(self.random.choices(ALPHABET, k=length))
            if not self._key_taken(key):
                return key

    def _key_taken(self, key: str) -> bool:
        if key in self.images or key in self.albums:
            return True
        items: list[Image | Album] = [*self.images.values(), *self.albums.values()]
        return any(item.deletehash == key for item in items)

    # Accounts and credentials

    def add_account(
        self,
        username: str,
        *,
        account_id: int | None = None,
        created: int | None = None,
    ) -> Account:
        """Create an account; its id and creation time are chosen unless given."""
        last = max((a.id for a in self.accounts.values()), default=FIRST_ACCOUNT_ID - 1)
        account = Account(
            id=account_id or last + 1,
            username=username,
            created=self.now() if created is None else created,
            settings=Settings(email=f"{username}@example.com"),
        )
        self.accounts[username.lower()] = account
        return account

    def account(self, username: str) -> Account | None:
        return self.accounts.get(username.lower())

    def account_by_id(self, account_id: int) -> Account | None:
        return next((a for a in self.accounts.values() if a.id == account_id), None)

    def account_for_token(self, token: str) -> Account | None:
        """The account an unexpired access token signs in as."""
        now = self.clock()
        for account in self.accounts.values():
            if token in account.tokens:
                expiry = account.tokens[token]
                return account if expiry is None or now < expiry else None
        return None

    def live_token(self, account: Account) -> str | None:
        """An unexpired access token of `account`, if it has one."""
        now = self.clock()
        live = (
            t for t, expiry in account.tokens.items() if expiry is None or now < expiry
        )
        return next(live, None)

    def account_for_api_token(self, api_token: str) -> Account | None:
        """The account a LowCodeAPI api_token is connected to."""
        found = (a for a in self.accounts.values() if api_token in a.api_tokens)
        return next(found, None)

    def account_for_refresh_token(self, token: str) -> Account | None:
        found = (a for a in self.accounts.values() if token in a.refresh_tokens)
        return next(found, None)

    def issue_token(self, account: Account) -> str:
        """A new access token for `account`, expiring after the token lifetime."""
        token = "".join(self.random.choices(TOKEN_ALPHABET, k=TOKEN_LENGTH))
        account.tokens[token] = self.clock() + self.token_lifetime
        return token

    def remove_account(self, account: Account) -> None:
        """Forget `account` with its tokens, uploads, albums and gallery posts.

        Its comments stay, marked deleted, so that replies keep their place.
        """
        name = account.username
        del self.accounts[name.lower()]
        for image in [i for i in self.images.values() if i.owner == name]:
            self.delete_image(image)
        for album in [a for a in self.albums.values() if a.owner == name]:
            self.delete_album(album)
        for post in [p for p in self.gallery.values() if p.owner == name]:
            del self.gallery[post.id]
        for comment in self.comments.values():
            comment.deleted = comment.deleted or comment.author == name
        for key, note in list(self.notifications.items()):
            if note.account == name:
                del self.notifications[key]

    # Images

    def add_image(
        self,
        owner: Account | None,
        *,
        mime: str,
        width: int,
        height: int,
        size: int,
        animated: bool = False,
        image_id: str | None = None,
    ) -> Image:
        """Record a new image; set titles and counters on the result."""
        image = Image(
            id=image_id or self.new_key(),
            deletehash=self.new_key(DELETEHASH_LENGTH),
            owner=owner.username if owner else None,
            datetime=self.now(),
            type=mime,
            width=width,
            height=height,
            size=size,
            animated=animated,
        )
        self.images[image.id] = image
        return image

    def image_by_deletehash(self, deletehash: str) -> Image | None:
        found = (i for i in self.images.values() if i.deletehash == deletehash)
        return next(found, None)

    def images_of(self, account: Account) -> list[Image]:
        """The account's images, newest first, as Imgur lists them."""
        # Latest added first among images of the same second.
        latest_first = reversed(self.images.values())
        mine = [i for i in latest_first if i.owner == account.username]
        return sorted(mine, key=lambda i: i.datetime, reverse=True)

    def delete_image(self, image: Image) -> None:
        """Forget `image` and take it out of every album that held it."""
        del self.images[image.id]
        for album in self.albums.values():
            if image.id in album.image_ids:
                album.image_ids.remove(image.id)
            if album.cover == image.id:
                album.cover = album.image_ids[0] if album.image_ids else None

    # Albums

    def add_album(self, owner: Account | None, album_id: str | None = None) -> Album:
        """Record a new, empty album; set its fields and images on the result."""
        album = Album(
            id=album_id or self.new_key(),
            deletehash=self.new_key(DELETEHASH_LENGTH),
            owner=owner.username if owner else None,
            datetime=self.now(),
        )
        self.albums[album.id] = album
        return album

    def album_by_deletehash(self, deletehash: str) -> Album | None:
        found = (a for a in self.albums.values() if a.deletehash == deletehash)
        return next(found, None)

    def add_to_album(self, album: Album, image: Image) -> None:
        if image.id not in album.image_ids:
            album.image_ids.append(image.id)
        album.cover = album.cover or image.id

    def remove_from_album(self, album: Album, image_id: str) -> None:
        """Take an image out of `album`; a removed cover passes to the first left."""
        if image_id in album.image_ids:
            album.image_ids.remove(image_id)
        if album.cover == image_id:
            album.cover = album.image_ids[0] if album.image_ids else None

    def replace_album_images(self, album: Album, images: list[Image]) -> None:
        """Make `images` the album's only images, in order; the cover stays if kept."""
        ids = [image.id for image in images]
        album.image_ids = []
        album.cover = album.cover if album.cover in ids else None
        for image in images:
            self.add_to_album(album, image)

    def toggle_favorite(self, account: Account, item_id: str) -> bool:
        """Favourite an image or album, or unfavourite it: True if now a favourite."""
        if item_id in account.favorites:
            account.favorites.remove(item_id)
            return False
        account.favorites.insert(0, item_id)  # newest first
        return True

    def delete_album(self, album: Album) -> None:
        """Forget `album`; its images stay, as on Imgur."""
        del self.albums[album.id]
