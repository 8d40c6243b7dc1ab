"""Account profiles, the account's own images page by page, and credits."""

from __future__ import annotations

import pytest

from .support import ARTIST, BEARER, CLIENT, Imgur, upload

# samples/account.json
ACCOUNT_FIELDS = {
    "avatar", "avatar_name", "bio", "cover", "cover_name", "created", "id",
    "is_blocked", "pro_expiration", "reputation", "reputation_name", "url",
    "user_follow",
}  # fmt: skip


def test_an_account_has_imgurs_fields(imgur: Imgur) -> None:
    account = imgur.get("/3/account/demo_user", CLIENT).json()["data"]

    assert set(account) == ACCOUNT_FIELDS
    assert account["id"] == 10000001
    assert account["created"] == 1490305680
    assert account["pro_expiration"] is False
    assert account["user_follow"] == {"status": False}


def test_an_account_is_found_by_id_too(imgur: Imgur) -> None:
    answer = imgur.get("/3/account/anyone?account_id=10000003", CLIENT)

    assert answer.json()["data"]["url"] == "friendly_artist"


def test_an_unknown_account_is_a_404(imgur: Imgur) -> None:
    answer = imgur.get("/3/account/nobody_at_all", CLIENT)

    assert answer.status_code == 404
    assert "nobody_at_all" in answer.json()["data"]["error"]


def test_pages_of_images_end_with_an_empty_page(imgur: Imgur) -> None:
    for _ in range(3):
        upload(imgur, BEARER)
    pages = [
        imgur.get(f"/3/account/me/images/{page}?perPage=2", BEARER).json()["data"]
        for page in range(4)
    ]

    assert [len(page) for page in pages] == [2, 2, 1, 0]
    ids = [image["id"] for page in pages for image in page]
    assert len(set(ids)) == 5
    assert ids[-2:] == ["Bq3xT9a", "vnKe11t"]  # newest first; the seeded are oldest


@pytest.mark.parametrize(
    ("path", "count"),
    [
        ("/3/account/me/images", 2),
        ("/3/account/demo_user/images", 2),
        ("/3/account/me/images/0?perPage=1", 1),
        ("/3/account/me/images/0?perPage=500", 2),
    ],
    ids=["my-images", "page-left-off", "one-per-page", "per-page-capped"],
)
def test_listing_my_images(imgur: Imgur, path: str, count: int) -> None:
    answer = imgur.get(path, BEARER)

    assert answer.status_code == 200
    assert len(answer.json()["data"]) == count


def test_fifty_images_fill_a_page_by_default(imgur: Imgur) -> None:
    for _ in range(49):
        upload(imgur, BEARER)

    first = imgur.get("/3/account/me/images/0", BEARER).json()["data"]
    second = imgur.get("/3/account/me/images/1", BEARER).json()["data"]

    assert (len(first), len(second)) == (50, 1)


def test_another_accounts_images_are_not_listed(imgur: Imgur) -> None:
    answer = imgur.get("/3/account/demo_user/images/0", ARTIST)

    assert answer.status_code == 403


def test_counting_and_listing_image_ids(imgur: Imgur) -> None:
    count = imgur.get("/3/account/me/images/count", BEARER).json()["data"]
    ids = imgur.get("/3/account/me/images/ids/0", BEARER).json()["data"]

    assert count == 2
    assert ids == ["Bq3xT9a", "vnKe11t"]


def test_credits_say_what_is_left(imgur: Imgur) -> None:
    credits = imgur.get("/3/credits", CLIENT).json()["data"]

    assert set(credits) == {
        "UserLimit",
        "UserRemaining",
        "UserReset",
        "ClientLimit",
        "ClientRemaining",
    }
    assert credits["UserRemaining"] == credits["UserLimit"] - 1
