"""The demo world a sandbox starts with.

``demo_user`` (the account the demo credentials sign in as, id 10000001 as in
the samples) has two images and an album. Around it: an artist with gallery
posts, two spam accounts commenting on them, and a gallery poster, so that
account-maintenance playbooks (block the spammers, tidy titles, follow tags)
have something to act on. Seeded items have fixed ids, so that examples can
name them; everything created later gets ids from the seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass

from runner.sandbox.store import (
    FIRST_COMMENT_ID,
    Account,
    Comment,
    GalleryPost,
    Image,
    Store,
    Tag,
)

DEMO_USER = "demo_user"
DEMO_IMAGE_IDS = ("vnKe11t", "Bq3xT9a")
DEMO_ALBUM_ID = "Hol1d4y"
ARTIST_IMAGE_IDS = ("Art0001", "Art0002", "Art0003")
ARTIST_ALBUM_ID = "ArtAlb1"
SPAM_USERS = ("spam_bot_1", "spam_bot_2")

# 2020-11-04 and onwards: the seeded items predate anything a run creates.
SEEDED_AT = 1_604_534_973


@dataclass(frozen=True)
class Picture:
    """An image as the seed describes it."""

    id: str
    name: str
    mime: str
    width: int
    height: int
    size: int
    title: str | None = None


def seed_demo(store: Store) -> None:
    """Fill an empty store with the demo world."""
    demo = _accounts(store)
    _demo_content(store, demo)
    _artist_content(store)
    _tags(store)
    _spam(store)


def _accounts(store: Store) -> Account:
    demo = store.add_account(DEMO_USER, account_id=10_000_001, created=1_490_305_680)
    demo.reputation = 4
    store.add_account("gallery_poster", account_id=10_000_002, created=1_400_000_000)
    artist = store.add_account(
        "friendly_artist", account_id=10_000_003, created=1_420_000_000
    )
    artist.bio = "I draw cats. Prints on request."
    artist.reputation, artist.reputation_name = 2_150, "Trusted"
    for number, name in enumerate(SPAM_USERS, start=4):
        store.add_account(name, account_id=10_000_000 + number, created=1_700_000_000)
    return demo


def _demo_content(store: Store, demo: Account) -> None:
    pictures = [
        Picture(DEMO_IMAGE_IDS[0], "holiday.jpeg", "image/jpeg", 225, 225, 3653),
        Picture(DEMO_IMAGE_IDS[1], "beach.png", "image/png", 640, 480, 182_113),
    ]
    images = [_add(store, demo, picture, n) for n, picture in enumerate(pictures)]
    images[0].views, images[0].bandwidth = 2, 7306
    album = store.add_album(demo, album_id=DEMO_ALBUM_ID)
    album.title, album.datetime = "Holiday 2025", SEEDED_AT + 100
    for image in images:
        store.add_to_album(album, image)
    demo.followed_tags.append("art")
    demo.favorites.insert(0, ARTIST_IMAGE_IDS[0])


def _artist_content(store: Store) -> None:
    artist = store.account("friendly_artist")
    assert artist is not None
    titles = ("Sleepy cat", "Cat in a box", "Sketchbook page")
    pictures = [
        Picture(image_id, "", "image/png", 800, 600, 96_000, title)
        for image_id, title in zip(ARTIST_IMAGE_IDS, titles, strict=True)
    ]
    images = [_add(store, artist, picture, n) for n, picture in enumerate(pictures)]
    for image in images[:2]:
        image.tags = ["cats", "art"]
        _share(store, image.id, False, artist, image.title or "")
    album = store.add_album(artist, album_id=ARTIST_ALBUM_ID)
    album.title, album.privacy = "Cat sketches", "public"
    for image in images:
        store.add_to_album(album, image)
    _share(store, album.id, True, artist, "Cat sketches, the whole set")


def _add(store: Store, owner: Account, picture: Picture, offset: int) -> Image:
    image = store.add_image(
        owner,
        mime=picture.mime,
        width=picture.width,
        height=picture.height,
        size=picture.size,
        image_id=picture.id,
    )
    image.name, image.title = picture.name, picture.title
    image.datetime = SEEDED_AT + offset * 60
    return image


def _share(
    store: Store, item_id: str, is_album: bool, owner: Account, title: str
) -> None:
    post = GalleryPost(item_id, is_album, owner.username, title, SEEDED_AT + 3600)
    post.tags = ["cats", "art"]
    post.votes = {"gallery_poster": "up", DEMO_USER: "up"}
    store.gallery[item_id] = post


def _tags(store: Store) -> None:
    for name, description in (("cats", "All the cats"), ("art", "Made by hand")):
        store.tags[name] = Tag(name, name, description)


def _spam(store: Store) -> None:
    text = "Buy followers cheap!!! visit my profile"
    targets = zip(SPAM_USERS, ARTIST_IMAGE_IDS, strict=False)
    for number, (spammer, item_id) in enumerate(targets):
        comment_id = FIRST_COMMENT_ID + number
        store.comments[comment_id] = Comment(
            comment_id, item_id, spammer, text, SEEDED_AT + 7200 + number
        )
