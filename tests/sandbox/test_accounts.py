"""Account profiles, blocks, favourites, settings and what an account keeps,
and credits."""

from __future__ import annotations

import pytest

from runner.sandbox import DEMO_API_TOKEN, DEMO_CLIENT_ID, Sandbox
from runner.sandbox.seed import DEMO_PASSWORD

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


# Blocks


def test_blocking_yourself_is_refused(imgur: Imgur) -> None:
    answer = imgur.post("/account/v1/demo_user/block")

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["detail"] == "You cannot block yourself"


def test_unblocking_someone_not_blocked_changes_nothing(imgur: Imgur) -> None:
    answer = imgur.delete("/account/v1/spam_bot_1/block")

    assert answer.json() == {"data": {"blocked": False}}


def test_a_blocked_accounts_posts_leave_the_feed(imgur: Imgur) -> None:
    imgur.post("/account/v1/friendly_artist/block")

    feed = imgur.get("/3/feed").json()["data"]

    assert "friendly_artist" not in {item["account_url"] for item in feed}


def test_the_feed_needs_an_account(imgur: Imgur) -> None:
    assert imgur.get("/3/feed", CLIENT).status_code == 401


# What is private to an account


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/3/account/demo_user/favorites/0/newest"),
        ("GET", "/3/account/demo_user/verifyemail"),
        ("GET", "/3/account/demo_user/notifications/replies"),
        ("GET", "/3/account/demo_user/image/vnKe11t"),
        ("PUT", "/3/account/demo_user/settings"),
        ("DELETE", "/3/account/demo_user/album/Hol1d4y"),
        ("DELETE", "/3/account/demo_user/comment/2000000003"),
    ],
    ids=[
        "favorites",
        "email",
        "notifications",
        "image",
        "settings",
        "delete-album",
        "delete-comment",
    ],
)
def test_another_accounts_private_things_are_forbidden(
    imgur: Imgur, method: str, path: str
) -> None:
    assert imgur.call(method, path, ARTIST).status_code == 403


@pytest.mark.parametrize(
    ("path", "owner_sees", "others_see"),
    [
        ("/3/account/demo_user/albums/ids/0", ["Hol1d4y"], []),
        ("/3/account/demo_user/albums/count", 1, 0),
        ("/3/account/friendly_artist/albums/ids/0", ["ArtAlb1"], ["ArtAlb1"]),
    ],
    ids=["hidden-ids", "hidden-count", "public-ids"],
)
def test_hidden_albums_show_only_to_their_owner(
    imgur: Imgur, path: str, owner_sees: object, others_see: object
) -> None:
    owner = BEARER if "demo_user" in path else ARTIST
    other = ARTIST if owner == BEARER else BEARER

    assert imgur.get(path, owner).json()["data"] == owner_sees
    assert imgur.get(path, other).json()["data"] == others_see
    assert imgur.get(path, CLIENT).json()["data"] == others_see


def test_a_hidden_album_is_not_found_through_another_account(imgur: Imgur) -> None:
    answer = imgur.get("/3/account/demo_user/album/Hol1d4y", ARTIST)

    assert answer.status_code == 404
    assert "Hol1d4y" in answer.json()["data"]["error"]


# Favourites and comments, page by page


def test_favourites_page_by_per_page(imgur: Imgur) -> None:
    pages = [
        imgur.get(f"/3/account/me/favorites/{page}/newest?perPage=2").json()["data"]
        for page in range(3)
    ]

    assert [[item["id"] for item in page] for page in pages] == [
        ["ArtAlb1", "Art0003"],
        ["Art0001"],
        [],
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/3/account/me/favorites/0/best",
        "/3/account/demo_user/gallery_favorites/0/random",
        "/3/account/demo_user/comments/loudest/0",
        "/3/account/demo_user/comments/ids/loudest/0",
    ],
    ids=["favorites", "gallery-favorites", "comments", "comment-ids"],
)
def test_an_unknown_sort_is_a_400(imgur: Imgur, path: str) -> None:
    answer = imgur.get(path)

    assert answer.status_code == 400
    assert "must be one of" in answer.json()["data"]["error"]


def test_comments_sort_by_points(imgur: Imgur, sandbox: Sandbox) -> None:
    first, second = 2_000_000_003, 2_000_000_004
    sandbox.store.comments[first].votes = {"friendly_artist": "up"}
    sandbox.store.comments[second].votes = {"spam_bot_1": "down"}

    best = imgur.get("/3/account/demo_user/comments/ids/best/0", CLIENT)
    worst = imgur.get("/3/account/demo_user/comments/ids/worst/0", CLIENT)

    assert best.json()["data"] == [first, second]
    assert worst.json()["data"] == [second, first]


def test_another_accounts_comment_is_not_found_under_mine(imgur: Imgur) -> None:
    answer = imgur.get("/3/account/me/comment/2000000001")  # spam_bot_1's

    assert answer.status_code == 404


def test_a_deleted_reply_leaves_the_notifications(
    imgur: Imgur, sandbox: Sandbox
) -> None:
    for comment in sandbox.store.comments.values():
        comment.deleted = comment.deleted or comment.text == "She sleeps all day."

    answer = imgur.get("/3/account/me/notifications/replies?new=false")

    assert [n["content"]["comment"] for n in answer.json()["data"]] == ["Thank you!"]


# Settings, avatars and the gallery profile


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("album_privacy", "everyone"),
        ("show_mature", "maybe"),
        ("avatar", "custom/cat"),
    ],
    ids=["privacy", "boolean", "avatar"],
)
def test_a_bad_setting_changes_nothing(
    imgur: Imgur, sandbox: Sandbox, field: str, value: str
) -> None:
    body = {"public_images": "true", "bio": "changed", field: value}

    answer = imgur.call("PUT", "/3/account/me/settings", BEARER, data=body)

    assert answer.status_code == 400
    assert repr(value) in answer.json()["data"]["error"]
    demo = sandbox.store.account("demo_user")
    assert demo is not None
    assert (demo.settings.public_images, demo.bio) == (False, None)


def test_settings_take_json_booleans(imgur: Imgur, sandbox: Sandbox) -> None:
    body = {"public_images": True, "messaging_enabled": False}

    answer = imgur.call("PUT", "/3/account/me/settings", BEARER, json=body)

    assert answer.json()["data"] is True
    demo = sandbox.store.account("demo_user")
    assert demo is not None
    assert (demo.settings.public_images, demo.settings.messaging_enabled) == (
        True,
        False,
    )


def test_a_new_username_renames_the_account_and_what_it_keeps(
    imgur: Imgur, sandbox: Sandbox
) -> None:
    image = upload(imgur)
    body = {"username": "HolidayPhotos", "bio": "Beaches"}

    answer = imgur.call("PUT", "/3/account/me/settings", BEARER, data=body)

    assert answer.json()["data"] is True
    assert imgur.get("/3/account/me").json()["data"]["url"] == "HolidayPhotos"
    assert imgur.get("/3/account/demo_user", CLIENT).status_code == 404
    mine = imgur.get("/3/account/HolidayPhotos/images/0").json()["data"]
    assert image["id"] in [i["id"] for i in mine]
    assert sandbox.store.images[image["id"]].owner == "HolidayPhotos"


def test_the_path_username_is_not_a_new_name(imgur: Imgur, lowcodeapi: Imgur) -> None:
    # The old URL format names the path's username in the query; only a body
    # `username` renames.
    query = {"api_token": DEMO_API_TOKEN, "username": "me"}
    proxied = lowcodeapi.call(
        "PUT", "/3/account/username/settings", None, params=query, json={}
    )
    direct = imgur.call("PUT", "/3/account/me/settings", BEARER, data={"bio": "Bio"})

    assert (proxied.status_code, direct.status_code) == (200, 200)
    assert imgur.get("/3/account/me").json()["data"]["url"] == "demo_user"


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("me", "4 to 63 letters or digits"),
        ("holiday photos", "4 to 63 letters or digits"),
        ("x" * 64, "4 to 63 letters or digits"),
        ("TakenName", "already taken"),
        ("takenname", "already taken"),
    ],
    ids=["too-short", "space", "too-long", "taken", "taken-other-case"],
)
def test_a_bad_new_username_changes_nothing(
    imgur: Imgur, sandbox: Sandbox, name: str, problem: str
) -> None:
    sandbox.store.add_account("TakenName")
    body = {"username": name, "bio": "changed"}

    answer = imgur.call("PUT", "/3/account/me/settings", BEARER, data=body)

    assert answer.status_code == 400
    assert problem in answer.json()["data"]["error"]
    demo = sandbox.store.account("demo_user")
    assert demo is not None and demo.bio is None


def test_a_rename_to_another_case_of_ones_own_name(
    imgur: Imgur, sandbox: Sandbox
) -> None:
    sandbox.store.add_account("Holiday")
    holiday = sandbox.store.account("holiday")
    assert holiday is not None
    token = sandbox.store.issue_token(holiday)

    answer = imgur.call(
        "PUT", "/3/account/me/settings", f"Bearer {token}", data={"username": "HOLIDAY"}
    )

    assert answer.json()["data"] is True
    assert holiday.username == "HOLIDAY"


def test_default_avatars_need_no_account(imgur: Imgur) -> None:
    answer = imgur.get("/3/account/whoever_at_all/available_avatars", CLIENT)

    avatars = answer.json()["data"]
    assert avatars["count"] == 26
    assert avatars["available_avatars"][1]["name"] == "default/B"


def test_a_trophy_for_every_full_year(imgur: Imgur) -> None:
    # The clock stands at 2026-01-01; demo_user joined in March 2017.
    profile = imgur.get("/3/account/me/gallery_profile").json()["data"]

    names = [trophy["name"] for trophy in profile["trophies"]]
    assert names == [f"{n} Years" for n in range(8, 1, -1)] + ["1 Year"]


# Deleting the account


@pytest.mark.parametrize(
    ("query", "body", "status"),
    [
        ("", {"password": DEMO_PASSWORD}, 400),
        ("?client_id=unknown", {"password": DEMO_PASSWORD}, 403),
        (f"?client_id={DEMO_CLIENT_ID}", {}, 400),
        (f"?client_id={DEMO_CLIENT_ID}", {"password": "guess"}, 403),
    ],
    ids=["no-client-id", "unknown-client-id", "no-password", "wrong-password"],
)
def test_deleting_the_account_needs_the_app_and_the_password(
    imgur: Imgur, sandbox: Sandbox, query: str, body: dict[str, str], status: int
) -> None:
    answer = imgur.post(f"/3/account/me/delete{query}", json=body)

    assert answer.status_code == status
    assert sandbox.store.account("demo_user") is not None


def test_a_deleted_account_is_gone_for_everyone(imgur: Imgur) -> None:
    query = f"?client_id={DEMO_CLIENT_ID}"
    imgur.post(f"/3/account/me/delete{query}", json={"password": DEMO_PASSWORD})

    assert imgur.get("/3/account/demo_user", CLIENT).status_code == 404
    assert imgur.get("/3/account/me").status_code == 403  # the token went too
    assert imgur.get("/3/image/vnKe11t", CLIENT).status_code == 404
