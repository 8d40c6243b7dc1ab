"""Comments over plain HTTP: the model, threads, their order and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from runner.sandbox import Sandbox

from .support import ARTIST, BEARER, CLIENT, Imgur

SPAM_COMMENT = 2_000_000_001  # spam_bot_1's, on Art0001
# A real Imgur comment answer (/3/comment/{id})
COMMENT_FIELDS = {
    "album_cover", "author", "author_id", "children", "comment", "datetime",
    "deleted", "downs", "has_admin_badge", "id", "image_id", "on_album",
    "parent_id", "platform", "points", "ups", "vote",
}  # fmt: skip


def data(answer: Any) -> Any:
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def comment(imgur: Imgur, item: str, text: str, auth: str = BEARER, **more: Any) -> int:
    body = {"image_id": item, "comment": text, **more}
    number: int = data(imgur.post("/3/comment", auth, data=body))["id"]
    return number


def test_a_comment_has_imgurs_fields(imgur: Imgur) -> None:
    answer = data(imgur.get(f"/3/comment/{SPAM_COMMENT}", CLIENT))

    assert set(answer) == COMMENT_FIELDS
    assert (answer["parent_id"], answer["children"]) == (0, [])
    assert answer["author"] == "spam_bot_1"
    assert answer["vote"] is None


def test_a_comment_on_an_album_names_its_cover(imgur: Imgur) -> None:
    number = comment(imgur, "ArtAlb1", "Nice set")

    answer = data(imgur.get(f"/3/comment/{number}", CLIENT))

    assert answer["on_album"] is True
    assert answer["album_cover"] == "Art0001"


def test_an_unknown_comment_is_imgurs_404(imgur: Imgur) -> None:
    answer = imgur.get("/3/comment/12345", CLIENT)

    assert answer.status_code == 404
    assert (
        answer.json()["data"]["error"] == "Unable to find a comment with the id, 12345"
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/3/comment"),
        ("POST", f"/3/comment/{SPAM_COMMENT}"),
        ("DELETE", f"/3/comment/{SPAM_COMMENT}"),
        ("POST", f"/3/comment/{SPAM_COMMENT}/vote/up"),
        ("POST", f"/3/comment/{SPAM_COMMENT}/report"),
    ],
    ids=["create", "reply", "delete", "vote", "report"],
)
def test_changes_need_an_account(imgur: Imgur, method: str, path: str) -> None:
    answer = imgur.call(method, path, CLIENT, data={"image_id": "Art0001"})

    assert answer.status_code == 401


def test_comments_are_only_on_gallery_posts(imgur: Imgur) -> None:
    answer = imgur.post(
        "/3/comment", BEARER, data={"image_id": "vnKe11t", "comment": "x"}
    )

    assert answer.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"image_id": "Art0001", "comment": "  "},
        {"comment": "No post named"},
        {"image_id": "Art0002", "comment": "Wrong post", "parent_id": SPAM_COMMENT},
    ],
    ids=["empty", "no_image_id", "parent_elsewhere"],
)
def test_a_bad_comment_is_a_400(imgur: Imgur, body: dict[str, Any]) -> None:
    assert imgur.post("/3/comment", BEARER, data=body).status_code == 400


def test_a_reply_must_name_its_parents_post(imgur: Imgur) -> None:
    body = {"image_id": "Art0002", "comment": "Elsewhere"}

    answer = imgur.post(f"/3/comment/{SPAM_COMMENT}", BEARER, data=body)

    assert answer.status_code == 400


def test_replying_to_oneself_notifies_nobody(imgur: Imgur, sandbox: Sandbox) -> None:
    before = dict(sandbox.store.notifications)
    first = comment(imgur, "Art0002", "First")

    comment(imgur, "Art0002", "Second", parent_id=str(first))

    assert sandbox.store.notifications == before


def test_a_deleted_comment_with_replies_keeps_its_place(imgur: Imgur) -> None:
    first = comment(imgur, "Art0002", "Parent")
    comment(imgur, "Art0002", "Child", ARTIST, parent_id=str(first))
    lone = comment(imgur, "Art0002", "Alone")
    imgur.delete(f"/3/comment/{first}", BEARER)
    imgur.delete(f"/3/comment/{lone}", BEARER)

    thread = data(imgur.get("/3/gallery/Art0002/comments/new", CLIENT))

    shown = {item["id"]: item for item in thread}
    assert lone not in shown
    assert shown[first]["deleted"] is True
    assert shown[first]["comment"] == "[deleted]"
    assert [child["comment"] for child in shown[first]["children"]] == ["Child"]
    assert imgur.get(f"/3/comment/{first}", CLIENT).status_code == 404


def test_best_ranks_by_confidence_top_by_points(imgur: Imgur, sandbox: Sandbox) -> None:
    few = comment(imgur, "Art0002", "Two ups")
    many = comment(imgur, "Art0002", "Ten ups, five downs")
    store = sandbox.store
    store.comments[few].votes = {"a": "up", "b": "up"}
    store.comments[many].votes = {str(n): "up" if n < 10 else "down" for n in range(15)}

    best = [
        c["id"] for c in data(imgur.get("/3/gallery/Art0002/comments/best", CLIENT))
    ]
    top = [c["id"] for c in data(imgur.get("/3/gallery/Art0002/comments/top", CLIENT))]

    assert best.index(few) < best.index(many)  # all up: surer than 10 of 15
    assert top.index(many) < top.index(few)  # 5 points beat 2


def test_a_comment_on_another_post_is_not_found_there(imgur: Imgur) -> None:
    answer = imgur.get(f"/3/gallery/Art0002/comment/{SPAM_COMMENT}", CLIENT)

    assert answer.status_code == 404


def test_an_unknown_comment_sort_is_a_400(imgur: Imgur) -> None:
    assert imgur.get("/3/gallery/Art0001/comments/worst", CLIENT).status_code == 400
