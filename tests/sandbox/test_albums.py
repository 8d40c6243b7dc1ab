"""Creating, reading and deleting albums, for accounts and anonymously."""

from __future__ import annotations

import pytest

from runner.sandbox import Sandbox

from .support import ARTIST, BEARER, CLIENT, Imgur, upload

# samples/gallery_album.json without the gallery-only fields, as /3/album answers.
ALBUM_FIELDS = {
    "account_id", "account_url", "ad_config", "cover", "cover_edited",
    "cover_height", "cover_width", "datetime", "description", "favorite", "id",
    "images", "images_count", "in_gallery", "include_album_ads", "is_ad",
    "is_album", "layout", "link", "nsfw", "privacy", "section", "title", "views",
}  # fmt: skip
GALLERY_ONLY = {"ups", "downs", "points", "score", "comment_count", "vote", "topic"}


def test_an_account_makes_an_album_of_its_images(imgur: Imgur) -> None:
    ids = [upload(imgur, BEARER)["id"] for _ in range(2)]
    data = {"ids[]": ids, "title": "Trip", "privacy": "secret", "cover": ids[1]}

    created = imgur.post("/3/album", BEARER, data=data).json()["data"]
    album = imgur.get(f"/3/album/{created['id']}", BEARER).json()["data"]

    assert set(created) == {"id", "deletehash"}
    assert [image["id"] for image in album["images"]] == ids
    assert (album["title"], album["privacy"], album["cover"]) == (
        "Trip",
        "secret",
        ids[1],
    )
    assert album["images_count"] == 2
    assert album["account_url"] == "demo_user"
    assert album["link"] == f"https://imgur.com/a/{created['id']}"
    assert album["deletehash"] == created["deletehash"]


def test_an_album_has_imgurs_fields(imgur: Imgur) -> None:
    album = imgur.get("/3/album/Hol1d4y", CLIENT).json()["data"]

    assert set(album) == ALBUM_FIELDS
    assert not GALLERY_ONLY & set(album)
    assert set(album["images"][0]) == set(upload(imgur, CLIENT)) - {
        "deletehash",
        "name",
    }


def test_an_anonymous_album_takes_deletehashes(imgur: Imgur, sandbox: Sandbox) -> None:
    image = upload(imgur, CLIENT)

    data = {"deletehashes[]": [image["deletehash"]]}
    created = imgur.post("/3/album", CLIENT, data=data).json()["data"]

    album = sandbox.store.albums[created["id"]]
    assert (album.owner, album.image_ids) == (None, [image["id"]])


def test_adding_by_id_needs_an_account(imgur: Imgur) -> None:
    image_id = upload(imgur, CLIENT)["id"]

    answer = imgur.post("/3/album", CLIENT, data={"ids[]": [image_id]})

    assert answer.status_code == 401


def test_an_account_adds_only_its_own_images(imgur: Imgur) -> None:
    answer = imgur.post("/3/album", ARTIST, data={"ids[]": ["vnKe11t"]})

    assert answer.status_code == 403
    assert answer.json()["data"]["error"].startswith("You must own all the image ids")


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"privacy": "everyone"}, 400),
        ({"layout": "spiral"}, 400),
        ({"ids[]": ["NoSuch1"]}, 404),
        ({"deletehashes[]": ["x" * 15]}, 404),
        ({"cover": "vnKe11t"}, 400),
    ],
    ids=["bad-privacy", "bad-layout", "unknown-id", "unknown-deletehash", "bad-cover"],
)
def test_a_bad_album_is_not_made(
    imgur: Imgur, sandbox: Sandbox, data: dict[str, object], status: int
) -> None:
    before = set(sandbox.store.albums)

    answer = imgur.post("/3/album", BEARER, data=data)

    assert answer.status_code == status
    assert set(sandbox.store.albums) == before


def test_listing_an_albums_images(imgur: Imgur) -> None:
    answer = imgur.get("/3/album/Hol1d4y/images", CLIENT)

    assert [image["id"] for image in answer.json()["data"]] == ["vnKe11t", "Bq3xT9a"]


def test_deleting_an_album_leaves_its_images(imgur: Imgur, sandbox: Sandbox) -> None:
    answer = imgur.delete("/3/album/Hol1d4y", BEARER)

    assert answer.json()["data"] is True
    assert "Hol1d4y" not in sandbox.store.albums
    assert {"vnKe11t", "Bq3xT9a"} <= set(sandbox.store.images)
    assert imgur.get("/3/album/Hol1d4y", CLIENT).status_code == 404


def test_an_anonymous_album_is_deleted_by_deletehash_only(imgur: Imgur) -> None:
    created = imgur.post("/3/album", CLIENT).json()["data"]

    by_id = imgur.delete(f"/3/album/{created['id']}", CLIENT)
    by_hash = imgur.delete(f"/3/album/{created['deletehash']}", CLIENT)

    assert by_id.status_code == 401
    assert by_hash.status_code == 200


def test_an_account_cannot_delete_anothers_album(imgur: Imgur) -> None:
    assert imgur.delete("/3/album/Hol1d4y", ARTIST).status_code == 403


def test_an_unknown_album_is_a_404(imgur: Imgur) -> None:
    answer = imgur.get("/3/album/NoSuch1/images", CLIENT)

    assert answer.status_code == 404
    assert (
        answer.json()["data"]["error"] == "Unable to find an album with the id, NoSuch1"
    )


def test_an_anonymous_album_is_changed_by_its_deletehash(
    imgur: Imgur, sandbox: Sandbox
) -> None:
    first, second = upload(imgur, CLIENT), upload(imgur, CLIENT)
    data = {"deletehashes[]": [first["deletehash"]]}
    created = imgur.post("/3/album", CLIENT, data=data).json()["data"]
    changes = {"title": "Street", "privacy": "public", "layout": "grid"}
    changes["deletehashes[]"] = [second["deletehash"], first["deletehash"]]

    answer = imgur.call(
        "PUT", f"/3/album/{created['deletehash']}", CLIENT, data=changes
    )

    album = sandbox.store.albums[created["id"]]
    assert answer.json() == {"data": True, "success": True, "status": 200}
    assert (album.title, album.privacy, album.layout) == ("Street", "public", "grid")
    assert album.image_ids == [second["id"], first["id"]]
    assert album.cover == first["id"]  # still one of the album's images


def test_post_on_an_album_is_the_same_update(imgur: Imgur, sandbox: Sandbox) -> None:
    answer = imgur.post("/3/album/Hol1d4y", BEARER, data={"description": "Sunny"})

    assert answer.json()["data"] is True
    assert sandbox.store.albums["Hol1d4y"].description == "Sunny"
    assert sandbox.store.albums["Hol1d4y"].image_ids == ["vnKe11t", "Bq3xT9a"]


def test_setting_images_drops_a_cover_that_left(imgur: Imgur, sandbox: Sandbox) -> None:
    data = {"ids[]": ["Bq3xT9a"]}

    imgur.post("/3/album/Hol1d4y", BEARER, data=data)

    album = sandbox.store.albums["Hol1d4y"]
    assert (album.image_ids, album.cover) == (["Bq3xT9a"], "Bq3xT9a")


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"title": "Kept?", "privacy": "everyone"}, 400),
        ({"title": "Kept?", "cover": "Art0001"}, 400),
        ({"title": "Kept?", "ids[]": ["Art0001"]}, 403),
        ({"title": "Kept?", "ids[]": ["NoSuch1"]}, 404),
    ],
    ids=["bad-privacy", "cover-outside", "anothers-image", "unknown-image"],
)
def test_a_bad_update_changes_nothing(
    imgur: Imgur, sandbox: Sandbox, data: dict[str, object], status: int
) -> None:
    answer = imgur.call("PUT", "/3/album/Hol1d4y", BEARER, data=data)

    album = sandbox.store.albums["Hol1d4y"]
    assert answer.status_code == status
    assert (album.title, album.image_ids) == ("Holiday 2025", ["vnKe11t", "Bq3xT9a"])


def test_an_anonymous_album_takes_no_image_ids(imgur: Imgur) -> None:
    image = upload(imgur, CLIENT)
    created = imgur.post("/3/album", CLIENT).json()["data"]

    path = f"/3/album/{created['deletehash']}/add"
    answer = imgur.post(path, CLIENT, data={"ids[]": [image["id"]]})

    assert answer.status_code == 401
    assert "deletehashes[]" in answer.json()["data"]["error"]


def test_adding_appends_and_skips_what_is_there(imgur: Imgur, sandbox: Sandbox) -> None:
    image_id = upload(imgur, BEARER)["id"]

    # The legacy docs also take ids as one comma-separated value.
    data = {"ids": f"{image_id},vnKe11t"}
    answer = imgur.post("/3/album/Hol1d4y/add", BEARER, data=data)

    assert answer.json()["data"] is True
    assert sandbox.store.albums["Hol1d4y"].image_ids == ["vnKe11t", "Bq3xT9a", image_id]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/3/album/Hol1d4y/add", "Send the images as ids[] or deletehashes[]"),
        ("/3/album/Hol1d4y/remove_images", "Send the ids[] of the images to remove"),
    ],
    ids=["add", "remove"],
)
def test_adding_or_removing_nothing_is_a_400(
    imgur: Imgur, path: str, message: str
) -> None:
    answer = imgur.post(path, BEARER)

    assert answer.status_code == 400
    assert answer.json()["data"]["error"] == message


def test_removing_the_cover_passes_it_on(imgur: Imgur, sandbox: Sandbox) -> None:
    data = {"ids[]": ["vnKe11t", "NoSuch1"]}  # an id not in the album is passed over

    answer = imgur.post("/3/album/Hol1d4y/remove_images", BEARER, data=data)

    album = sandbox.store.albums["Hol1d4y"]
    assert answer.json()["data"] is True
    assert (album.image_ids, album.cover) == (["Bq3xT9a"], "Bq3xT9a")
    assert "vnKe11t" in sandbox.store.images


def test_an_account_cannot_change_anothers_album(
    imgur: Imgur, sandbox: Sandbox
) -> None:
    answer = imgur.post(
        "/3/album/Hol1d4y/remove_images", ARTIST, data={"ids[]": ["vnKe11t"]}
    )

    assert answer.status_code == 403
    assert answer.json()["data"]["error"] == "Permission denied"
    assert sandbox.store.albums["Hol1d4y"].image_ids == ["vnKe11t", "Bq3xT9a"]


def test_an_image_of_an_album(imgur: Imgur) -> None:
    answer = imgur.get("/3/album/Hol1d4y/image/Bq3xT9a", CLIENT)

    assert answer.json()["data"]["id"] == "Bq3xT9a"
    assert "deletehash" not in answer.json()["data"]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "/3/album/NoSuch1/image/vnKe11t",
            "Unable to find an album with the id, NoSuch1",
        ),
        (
            "/3/album/Hol1d4y/image/Art0001",
            "Unable to find an image with the id, Art0001",
        ),
    ],
    ids=["unknown-album", "image-outside-the-album"],
)
def test_an_image_not_in_the_album_is_a_404(
    imgur: Imgur, path: str, message: str
) -> None:
    answer = imgur.get(path, CLIENT)

    assert answer.status_code == 404
    assert answer.json()["data"]["error"] == message


def test_favouriting_an_album_toggles_it(imgur: Imgur, sandbox: Sandbox) -> None:
    answers = [imgur.post("/3/album/ArtAlb1/favorite", ARTIST) for _ in range(2)]

    assert [a.json()["data"] for a in answers] == ["favorited", "unfavorited"]
    artist = sandbox.store.account("friendly_artist")
    assert artist is not None
    assert "ArtAlb1" not in artist.favorites


def test_favouriting_needs_an_account(imgur: Imgur) -> None:
    answer = imgur.post("/3/album/ArtAlb1/favorite", CLIENT)

    assert answer.status_code == 401


def test_only_the_owner_sees_an_albums_deletehash(imgur: Imgur) -> None:
    as_owner = imgur.get("/3/album/Hol1d4y", BEARER).json()["data"]
    as_other = imgur.get("/3/album/Hol1d4y", ARTIST).json()["data"]

    assert len(as_owner["deletehash"]) == 15
    assert "deletehash" not in as_other
