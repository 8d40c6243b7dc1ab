"""The demo world a sandbox starts with.

``demo_user`` (the account the demo credentials sign in as, id 10000001 as in
the samples) has two images and an album. Around it: an artist with gallery
posts (in Most Viral), two spam accounts commenting on them, and a gallery
poster with a post pulled from r/aww, so that
account-maintenance playbooks (block the spammers, tidy titles, follow tags)
have something to act on. Seeded items have fixed ids, so that examples can
name them; everything created later gets ids from the seeded generator.

``demo_user`` also has comments on the artist's posts with replies to them
(and reply notifications), favourites in and out of the gallery, and the
password :data:`DEMO_PASSWORD` for ``account.delete_me``.
"""

from __future__ import annotations

from dataclasses import dataclass

from runner.sandbox.store import (
    FIRST_COMMENT_ID,
    Account,
    Comment,
    GalleryPost,
    Image,
    Notification,
    Store,
    Tag,
)

DEMO_USER = "demo_user"
DEMO_IMAGE_IDS = ("vnKe11t", "Bq3xT9a")
DEMO_ALBUM_ID = "Hol1d4y"
ARTIST_IMAGE_IDS = ("Art0001", "Art0002", "Art0003")
ARTIST_ALBUM_ID = "ArtAlb1"
SPAM_USERS = ("spam_bot_1", "spam_bot_2")
REDDIT_IMAGE_ID = "Aww0001"
# What account.delete_me takes as demo_user's password: a rehearsal value,
# public like the demo tokens, not a secret.
DEMO_PASSWORD = "sandbox-password"

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
    _demo_conversation(store, demo)
    _reddit(store)


def _accounts(store: Store) -> Account:
    demo = store.add_account(DEMO_USER, account_id=10_000_001, created=1_490_305_680)
    demo.reputation = 4
    demo.password = DEMO_PASSWORD
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
    post.in_most_viral = True
    store.gallery[item_id] = post


def _tags(store: Store) -> None:
    for name, description in (("cats", "All the cats"), ("art", "Made by hand")):
        store.tags[name] = Tag(name, name, description, whitelisted=True)


def _spam(store: Store) -> None:
    text = "Buy followers cheap!!! visit my profile"
    targets = zip(SPAM_USERS, ARTIST_IMAGE_IDS, strict=False)
    for number, (spammer, item_id) in enumerate(targets):
        comment_id = FIRST_COMMENT_ID + number
        store.comments[comment_id] = Comment(
            comment_id, item_id, spammer, text, SEEDED_AT + 7200 + number
        )


def _demo_conversation(store: Store, demo: Account) -> None:
    # demo_user's own comments, the artist's replies (one already seen) and
    # favourites in and out of the gallery, for the account.* lists to show.
    first = _comment(store, ARTIST_IMAGE_IDS[0], DEMO_USER, "What a sleepy cat!")
    _comment(store, ARTIST_ALBUM_ID, DEMO_USER, "The whole set is lovely.", True)
    for viewed, text in ((True, "Thank you!"), (False, "She sleeps all day.")):
        reply = _comment(store, first.item_id, "friendly_artist", text)
        reply.parent_id = first.id
        number = max(store.notifications, default=0) + 1
        store.notifications[number] = Notification(number, DEMO_USER, reply.id, viewed)
    demo.favorites[:0] = [ARTIST_ALBUM_ID, ARTIST_IMAGE_IDS[2]]


def _comment(
    store: Store, item_id: str, author: str, text: str, on_album: bool = False
) -> Comment:
    number = max(store.comments, default=FIRST_COMMENT_ID - 1) + 1
    when = SEEDED_AT + 10_800 + (number - FIRST_COMMENT_ID) * 60
    comment = Comment(number, item_id, author, text, when, on_album=on_album)
    store.comments[number] = comment
    return comment


def _reddit(store: Store) -> None:
    # A post pulled from r/aww, for the /gallery/r/ routes.
    poster = store.account("gallery_poster")
    assert poster is not None
    picture = Picture(REDDIT_IMAGE_ID, "", "image/jpeg", 1200, 900, 210_000)
    image = _add(store, poster, picture, 10)
    title, shared = "Found him like this", SEEDED_AT + 5400
    post = GalleryPost(image.id, False, poster.username, title, shared)
    post.section, post.tags = "aww", ["aww", "cats"]
    post.votes = {"friendly_artist": "up"}
    store.gallery[image.id] = post


def seeded_world(store: Store) -> list[str]:
    """What a new sandbox holds, in words, so that a rehearsal can name it."""
    posts_tags = {tag for post in store.gallery.values() for tag in post.tags}
    users = [account.username for account in store.accounts.values()]
    return [
        f"accounts: {', '.join(users)} ({DEMO_USER} is you)",
        f"tags: {', '.join(sorted(set(store.tags) | posts_tags))}",
        f"gallery posts: {', '.join(store.gallery)}",
        f"your images: {', '.join(DEMO_IMAGE_IDS)}; your album: {DEMO_ALBUM_ID}",
    ]
