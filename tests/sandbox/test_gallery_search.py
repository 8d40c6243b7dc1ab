"""Gallery search: the q language, the advanced fields and their errors."""

from __future__ import annotations

import pytest

from .support import CLIENT, Imgur

SEARCH = "/3/gallery/search/time/all/0"


def found(imgur: Imgur, **params: str) -> list[str]:
    answer = imgur.get(SEARCH, CLIENT, params=params)
    assert answer.status_code == 200, answer.text
    return sorted(item["id"] for item in answer.json()["data"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cat", ["Art0001", "Art0002", "ArtAlb1"]),
        ("CAT box", ["Art0002"]),
        ("cats", ["Art0001", "Art0002", "ArtAlb1", "Aww0001"]),
        ("sleepy OR box", ["Art0001", "Art0002"]),
        ("cats AND NOT cat", ["Aww0001"]),
        ("NOT (sleepy OR box) tag:art", ["ArtAlb1"]),
        ('"in a box"', ["Art0002"]),
        ("title: sketches", ["ArtAlb1"]),
        ("user:FRIENDLY_ARTIST ext:png", ["Art0001", "Art0002", "ArtAlb1"]),
        ("ext:jpg", ["Aww0001"]),
        ("subreddit:aww", ["Aww0001"]),
        ("album:cat", ["ArtAlb1"]),
        ("meme:cat", []),
        ("unknown:cat", []),
    ],
)
def test_q_reads_words_operators_and_indices(
    imgur: Imgur, query: str, expected: list[str]
) -> None:
    assert found(imgur, q=query) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q_all": "cat box"}, ["Art0002"]),
        ({"q_any": "sleepy aww"}, ["Art0001", "Aww0001"]),
        ({"q_exactly": "cat in a"}, ["Art0002"]),
        ({"q_not": "cat"}, ["Aww0001"]),
        ({"q_type": "jpg"}, ["Aww0001"]),
        ({"q_type": "album", "q": "ignored"}, ["ArtAlb1"]),
        ({"q_size_px": "small"}, []),
        ({"q_size_px": "med", "q_not": "cats"}, []),
    ],
)
def test_advanced_fields_replace_q(
    imgur: Imgur, params: dict[str, str], expected: list[str]
) -> None:
    assert found(imgur, **params) == expected


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "  "},
        {"q": "cat OR"},
        {"q": "(cat"},
        {"q": "title:"},
        {"q_type": "bmp"},
        {"q_size_px": "giant"},
    ],
    ids=["none", "blank", "dangling", "open", "index", "type", "size"],
)
def test_an_unreadable_search_is_a_400(imgur: Imgur, params: dict[str, str]) -> None:
    answer = imgur.get(SEARCH, CLIENT, params=params)

    assert answer.status_code == 400
    assert answer.json()["success"] is False


def test_search_sorts_and_pages(imgur: Imgur) -> None:
    top = imgur.get("/3/gallery/search/top/all/0", CLIENT, params={"q": "cats"})
    past = imgur.get("/3/gallery/search/top/all/1", CLIENT, params={"q": "cats"})

    points = [item["points"] for item in top.json()["data"]]
    assert points == sorted(points, reverse=True)
    assert past.json()["data"] == []
