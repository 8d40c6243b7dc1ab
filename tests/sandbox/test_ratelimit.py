"""Credits: the headers on every answer, what calls cost, and 429 at zero."""

from __future__ import annotations

import pytest

from runner.sandbox import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REFRESH_TOKEN,
    ManualClock,
    RateLimits,
)

from .support import BEARER, CLIENT, Imgur, Reply, png, upload


@pytest.fixture
def limits() -> RateLimits:
    return RateLimits(user_limit=12, client_limit=100, post_limit=3)


def remaining(answer: Reply) -> int:
    return int(answer.headers["X-RateLimit-UserRemaining"])


def test_every_answer_carries_the_budgets(imgur: Imgur, clock: ManualClock) -> None:
    answer = imgur.get("/3/image/NoSuch1", CLIENT)

    headers = answer.headers
    assert headers["X-RateLimit-UserLimit"] == "12"
    assert headers["X-RateLimit-UserRemaining"] == "11"
    assert headers["X-RateLimit-UserReset"] == str(int(clock.now) + 3600)
    assert headers["X-RateLimit-ClientLimit"] == "100"
    assert headers["X-RateLimit-ClientRemaining"] == "99"
    assert "X-Post-Rate-Limit-Limit" not in headers


def test_each_call_spends_a_credit(imgur: Imgur) -> None:
    answers = [imgur.get("/3/account/demo_user", CLIENT) for _ in range(3)]

    assert [remaining(a) for a in answers] == [11, 10, 9]


def test_an_upload_costs_ten_and_a_post_shows_the_post_budget(imgur: Imgur) -> None:
    files = {"image": ("a.png", png(), "image/png")}

    answer = imgur.post("/3/upload", BEARER, files=files)

    assert remaining(answer) == 2
    assert answer.headers["X-Post-Rate-Limit-Limit"] == "3"
    assert answer.headers["X-Post-Rate-Limit-Remaining"] == "2"
    assert answer.headers["X-Post-Rate-Limit-Reset"] == "3600"


def test_oauth_is_free(imgur: Imgur) -> None:
    data = {
        "refresh_token": DEMO_REFRESH_TOKEN,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "grant_type": "refresh_token",
    }

    answer = imgur.post("/oauth2/token", None, data=data)

    assert remaining(answer) == 12


def test_at_zero_the_answer_is_429_until_the_reset(
    imgur: Imgur, clock: ManualClock
) -> None:
    for _ in range(12):
        assert imgur.get("/3/account/demo_user", CLIENT).status_code == 200
    clock.advance(600)

    refused = imgur.get("/3/account/demo_user", CLIENT)

    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "3000"
    assert refused.headers["X-RateLimit-UserRemaining"] == "0"
    [error] = refused.json()["errors"]
    assert (error["code"], error["detail"]) == ("429", "Too Many Requests")

    clock.advance(3000)
    assert imgur.get("/3/account/demo_user", CLIENT).status_code == 200


def test_an_upload_the_budget_cannot_pay_for_is_refused(imgur: Imgur) -> None:
    upload(imgur, BEARER)

    files = {"image": ("a.png", b"x", "image/png")}
    assert imgur.post("/3/upload", BEARER, files=files).status_code == 429


def test_the_post_budget_runs_out_on_its_own(imgur: Imgur) -> None:
    answers = [imgur.post("/3/album", CLIENT) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].headers["X-Post-Rate-Limit-Remaining"] == "0"
