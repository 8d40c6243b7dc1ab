"""The gallery over plain HTTP: models, sections, sharing rules and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from runner.sandbox import ManualClock, Sandbox

from .support import ARTIST, BEARER, CLIENT, Imgur

# samples/gallery_album.json, and the images in it
GALLERY_ALBUM_FIELDS = {
    "account_id", "account_url", "ad_config", "ad_type", "ad_url",
    "comment_count", "cover", "cover_height", "cover_width", "datetime",
    "description", "downs", "favorite", "favorite_count", "id", "images",
    "images_count", "in_gallery", "in_most_viral", "include_album_ads", "is_ad",
    "is_album", "layout", "link", "nsfw", "points", "privacy", "score",
    "section", "tags", "title", "topic", "topic_id", "ups", "views", "vote",
}  # fmt: skip
NESTED_IMAGE_FIELDS = {
    "account_id", "account_url", "ad_type", "ad_url", "animated", "bandwidth",
    "comment_count", "datetime", "description", "downs", "edited", "favorite",
    "favorite_count", "has_sound", "height", "id", "in_gallery", "in_most_viral",
    "is_ad", "link", "nsfw", "points", "score", "section", "size", "tags",
    "title", "type", "ups", "views", "vote", "width",
}  # fmt: skip
# A Gallery Image: the Image model with the post's counts on top.
GALLERY_IMAGE_FIELDS = {
    "account_id", "account_url", "ad_type", "ad_url", "animated", "bandwidth",
    "comment_count", "datetime", "description", "downs", "edited", "favorite",
    "favorite_count", "has_sound", "height", "id", "in_gallery", "in_most_viral",
    "is_ad", "is_album", "link", "nsfw", "points", "score", "section", "size",
    "tags", "title", "topic", "topic_id", "type", "ups", "views", "vote", "width",
}  # fmt: skip
# Imgur's /3/tags answer
TAG_FIELDS = {
    "accent", "background_hash", "background_is_animated", "description",
    "description_annotations", "display_name", "followers", "following",
    "is_promoted", "is_whitelisted", "logo_destination_url", "logo_hash", "name",
    "thumbnail_hash", "thumbnail_is_animated", "total_items",
}  # fmt: skip
DAY = 86_400


def data(answer: Any) -> Any:
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def ids(answer: Any) -> list[str]:
    return [item["id"] for item in data(answer)]


def share(imgur: Imgur, image_id: str, **fields: str) -> Any:
    """Share demo_user's image `image_id` to the gallery."""
    body = {"title": "Shared", **fields}
    return imgur.post(f"/3/gallery/image/{image_id}", BEARER, data=body)


def test_a_gallery_album_has_the_samples_fields(imgur: Imgur) -> None:
    album = data(imgur.get("/3/gallery/album/ArtAlb1", CLIENT))

    assert set(album) == GALLERY_ALBUM_FIELDS
    assert set(album["images"][0]) == NESTED_IMAGE_FIELDS
    assert album["images"][0]["ups"] is None
    assert album["section"] == ""
    assert set(album["tags"][0]) == TAG_FIELDS


def test_a_gallery_image_has_the_images_fields_and_counts(imgur: Imgur) -> None:
    image = data(imgur.get("/3/gallery/image/Art0001", CLIENT))

    assert set(image) == GALLERY_IMAGE_FIELDS
    assert image["points"] == image["ups"] - image["downs"]
    assert (image["vote"], image["favorite"]) == (None, False)  # no account


def test_the_callers_vote_and_favourite_show(imgur: Imgur) -> None:
    image = data(imgur.get("/3/gallery/image/Art0001", BEARER))

    assert (image["vote"], image["favorite"]) == ("up", True)


def test_unknown_posts_get_imgurs_404_body(imgur: Imgur) -> None:
    answer = imgur.get("/3/gallery/NoSuch1/votes", CLIENT)

    assert answer.status_code == 404
    assert answer.json() == {
        "data": {
            "error": "Unable to find an image with the id, NoSuch1",
            "request": "/3/gallery/NoSuch1/votes",
            "method": "GET",
        },
        "success": False,
        "status": 404,
    }


def test_an_album_not_in_the_gallery_is_named_an_album(imgur: Imgur) -> None:
    answer = imgur.get("/3/gallery/album/Hol1d4y", CLIENT)

    assert answer.status_code == 404
    assert answer.json()["data"]["error"] == (
        "Unable to find an album with the id, Hol1d4y"
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/3/gallery/image/vnKe11t"),
        ("POST", "/3/gallery/album/Hol1d4y"),
        ("DELETE", "/3/gallery/Art0001"),
        ("POST", "/3/gallery/image/Art0001/report"),
        ("POST", "/3/gallery/Art0001/vote/up"),
        ("POST", "/3/gallery/tags/Art0001"),
        ("POST", "/3/gallery/Art0001/comment"),
    ],
    ids=["share_image", "share_album", "remove", "report", "vote", "tags", "comment"],
)
def test_changes_need_an_account(imgur: Imgur, method: str, path: str) -> None:
    answer = imgur.call(method, path, CLIENT, data={"title": "x", "comment": "x"})

    assert answer.status_code == 401
    assert answer.json()["data"]["error"] == "Authentication required"


def test_sections_split_viral_from_user_submitted(imgur: Imgur) -> None:
    share(imgur, "vnKe11t")

    hot = ids(imgur.get("/3/gallery/hot/viral/day/0", CLIENT))
    user = ids(imgur.get("/3/gallery/user/time/day/0", CLIENT))
    no_viral = ids(imgur.get("/3/gallery/user/time/day/0?showViral=false", CLIENT))

    assert "vnKe11t" not in hot
    assert user[0] == "vnKe11t"
    assert set(hot) < set(user)
    assert no_viral == ["vnKe11t"]
    assert "Aww0001" not in user  # from Reddit: only under /gallery/r/


def test_the_window_narrows_only_top_lists(imgur: Imgur, clock: ManualClock) -> None:
    share(imgur, "vnKe11t")
    clock.advance(2 * DAY)

    top_day = ids(imgur.get("/3/gallery/top/top/day/0", CLIENT))
    top_week = ids(imgur.get("/3/gallery/top/top/week/0", CLIENT))
    user_day = ids(imgur.get("/3/gallery/user/time/day/0", CLIENT))

    assert top_day == []
    assert top_week == ["vnKe11t"]
    assert "vnKe11t" in user_day


def test_rising_is_only_for_the_user_section(imgur: Imgur) -> None:
    assert imgur.get("/3/gallery/hot/rising/day/0", CLIENT).status_code == 400
    share(imgur, "vnKe11t")
    share(imgur, "Bq3xT9a")
    imgur.post("/3/gallery/Bq3xT9a/vote/up", ARTIST)

    rising = ids(imgur.get("/3/gallery/user/rising/day/0", CLIENT))

    # A new post with one vote climbs faster than an old one with more.
    assert rising.index("Bq3xT9a") < rising.index("Art0001") < rising.index("vnKe11t")


@pytest.mark.parametrize(
    "path",
    ["/3/gallery/new/viral/day/0", "/3/gallery/hot/best/day/0"],
    ids=["section", "sort"],
)
def test_unknown_choices_are_a_400(imgur: Imgur, path: str) -> None:
    answer = imgur.get(path, CLIENT)

    assert answer.status_code == 400
    assert "must be one of" in answer.json()["data"]["error"]


def test_mature_posts_show_only_when_asked(imgur: Imgur, sandbox: Sandbox) -> None:
    share(imgur, "vnKe11t", mature="1")

    plain = ids(imgur.get("/3/gallery/user/time/day/0", CLIENT))
    asked = ids(imgur.get("/3/gallery/user/time/day/0?mature=true", CLIENT))
    demo = sandbox.store.account("demo_user")
    assert demo is not None
    demo.settings.show_mature = True
    by_setting = ids(imgur.get("/3/gallery/user/time/day/0", BEARER))

    assert "vnKe11t" not in plain
    assert "vnKe11t" in asked
    assert "vnKe11t" in by_setting


def test_pages_are_of_sixty_and_end_empty(imgur: Imgur, sandbox: Sandbox) -> None:
    store = sandbox.store
    demo = store.account("demo_user")
    for _ in range(61):
        image = store.add_image(demo, mime="image/png", width=9, height=9, size=90)
        share(imgur, image.id)

    pages = [ids(imgur.get(f"/3/gallery/user/time/day/{n}", CLIENT)) for n in range(3)]

    assert [len(page) for page in pages[:2]] == [60, 4]  # 61 and the artist's 3
    assert pages[2] == []


def test_album_previews_show_three_images(imgur: Imgur) -> None:
    plain = data(imgur.get("/3/gallery/hot/viral/day/0", CLIENT))
    previews = data(imgur.get("/3/gallery/hot/viral/day/0?album_previews=1", CLIENT))

    album = next(item for item in previews if item["is_album"])
    assert len(album["images"]) == 3
    assert all("images" not in item for item in plain)


def test_sharing_needs_a_title(imgur: Imgur) -> None:
    answer = share(imgur, "vnKe11t", title=" ")

    assert answer.status_code == 400
    assert "title" in answer.json()["data"]["error"]


def test_sharing_an_empty_album_is_a_400(imgur: Imgur, sandbox: Sandbox) -> None:
    sandbox.store.albums["Hol1d4y"].image_ids.clear()

    answer = imgur.post("/3/gallery/album/Hol1d4y", BEARER, data={"title": "Empty"})

    assert answer.status_code == 400


def test_unaccepted_terms_refuse_until_terms_1(imgur: Imgur, sandbox: Sandbox) -> None:
    demo = sandbox.store.account("demo_user")
    assert demo is not None
    demo.settings.accepted_gallery_terms = False

    refused = share(imgur, "vnKe11t")
    accepted = share(imgur, "vnKe11t", terms="1")

    assert refused.status_code == 403
    assert "terms" in refused.json()["data"]["error"]
    assert accepted.status_code == 200
    assert demo.settings.accepted_gallery_terms


def test_a_shared_post_has_its_fields(imgur: Imgur, clock: ManualClock) -> None:
    share(imgur, "vnKe11t", title="Beach", topic="Funny", tags="sea, Sun,sea")

    post = data(imgur.get("/3/gallery/image/vnKe11t", BEARER))

    assert post["title"] == "Beach"
    assert post["datetime"] == int(clock.now)
    assert (post["topic"], post["topic_id"]) == ("Funny", None)
    assert [tag["name"] for tag in post["tags"]] == ["sea", "sun"]
    assert [tag["display_name"] for tag in post["tags"]] == ["sea", "Sun"]
    assert "deletehash" in post  # the owner's


def test_tags_are_replaced_only_with_the_same_id(imgur: Imgur) -> None:
    answer = imgur.post(
        "/3/gallery/tags/Art0001", ARTIST, data={"id": "Art0002", "tags": "x"}
    )

    assert answer.status_code == 400
    tags = data(imgur.get("/3/gallery/Art0001/tags", CLIENT))["tags"]
    assert [tag["name"] for tag in tags] == ["cats", "art"]
    assert tags[0] == {
        "ups": 1,
        "downs": 0,
        "name": "cats",
        "author": "friendly_artist",
    }


def test_a_bad_vote_or_reason_is_a_400(imgur: Imgur) -> None:
    vote = imgur.post("/3/gallery/Art0001/vote/sideways", BEARER)
    report = imgur.post("/3/gallery/image/Art0001/report", BEARER, data={"reason": 9})

    assert vote.status_code == 400
    assert report.status_code == 400


def test_default_tags_list_imgurs_galleries(imgur: Imgur) -> None:
    share(imgur, "vnKe11t")

    tags = data(imgur.get("/3/tags", CLIENT))

    assert set(tags) == {"tags", "featured", "galleries"}
    assert [tag["name"] for tag in tags["tags"]] == ["cats", "art"]
    assert set(tags["tags"][0]) == TAG_FIELDS
    galleries = {g["name"]: g["topPost"]["id"] for g in tags["galleries"]}
    assert galleries == {
        "Most Viral": "Art0001",
        "User Submitted": "vnKe11t",
        "Random": "Art0001",
    }
    assert [g["id"] for g in tags["galleries"]] == [0, 1, 2]


def test_an_unknown_tag_does_not_exist(imgur: Imgur) -> None:
    answer = imgur.get("/3/gallery/t/nothing_here", CLIENT)

    assert answer.status_code == 404
    assert answer.json()["data"]["error"] == "Tag does not exist"


def test_a_tag_lists_its_posts_with_the_tag_model(imgur: Imgur) -> None:
    tag = data(imgur.get("/3/gallery/t/cats/time/week/0", BEARER))

    assert set(tag) == TAG_FIELDS | {"items"}
    assert [item["id"] for item in tag["items"]] == [
        "Aww0001", "Art0001", "Art0002", "ArtAlb1",
    ]  # fmt: skip
    assert tag["background_hash"] == "Art0001"
