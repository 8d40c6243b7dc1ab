"""Who may call what: Client-ID, Bearer, none, and the answers' envelopes."""

from __future__ import annotations

import pytest

from runner.sandbox import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REFRESH_TOKEN,
    ManualClock,
)

from .support import BEARER, CLIENT, Imgur

REFRESH = {
    "refresh_token": DEMO_REFRESH_TOKEN,
    "client_id": DEMO_CLIENT_ID,
    "client_secret": DEMO_CLIENT_SECRET,
    "grant_type": "refresh_token",
}


def test_a_success_comes_in_imgurs_envelope(imgur: Imgur) -> None:
    answer = imgur.get("/3/account/demo_user", CLIENT)

    assert answer.status_code == 200
    body = answer.json()
    assert body["success"] is True
    assert body["status"] == 200
    assert body["data"]["url"] == "demo_user"


def test_an_error_names_the_request_and_method(imgur: Imgur) -> None:
    answer = imgur.get("/3/image/NoSuch1", CLIENT)

    assert answer.status_code == 404
    assert answer.json() == {
        "data": {
            "error": "Unable to find an image with the id, NoSuch1",
            "request": "/3/image/NoSuch1",
            "method": "GET",
        },
        "success": False,
        "status": 404,
    }


@pytest.mark.parametrize(
    ("auth", "status", "message"),
    [
        (None, 401, "Authentication required"),
        ("Client-ID not-a-client", 403, "Invalid client_id"),
        ("Bearer not-a-token", 403, "The access token provided is invalid."),
        ("Basic dXNlcjpwdw==", 401, "Authentication required"),
    ],
    ids=["no-header", "unknown-client-id", "unknown-token", "other-scheme"],
)
def test_bad_credentials_are_refused(
    imgur: Imgur, auth: str | None, status: int, message: str
) -> None:
    answer = imgur.get("/3/account/demo_user", auth)

    assert answer.status_code == status
    assert answer.json()["data"]["error"] == message


@pytest.mark.parametrize(
    "path",
    ["/3/account/me", "/3/account/me/images", "/3/account/demo_user/images/0"],
    ids=["me", "bearer-route-with-me", "bearer-route"],
)
def test_a_client_id_cannot_act_as_an_account(imgur: Imgur, path: str) -> None:
    answer = imgur.get(path, CLIENT)

    assert answer.status_code == 401
    assert answer.json()["data"]["error"] == "Authentication required"


def test_me_with_a_bearer_is_that_account(imgur: Imgur) -> None:
    answer = imgur.get("/3/account/me", BEARER)

    assert answer.json()["data"]["id"] == 10000001


def test_refreshing_needs_no_header_and_answers_a_bare_token(imgur: Imgur) -> None:
    answer = imgur.post("/oauth2/token", None, data=REFRESH)

    assert answer.status_code == 200
    token = answer.json()
    assert set(token) == {
        "access_token",
        "refresh_token",
        "expires_in",
        "token_type",
        "account_id",
        "account_username",
        "scope",
    }
    assert token["account_username"] == "demo_user"
    me = imgur.get("/3/account/me", f"Bearer {token['access_token']}")
    assert me.json()["data"]["url"] == "demo_user"


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"refresh_token": "stale"}, 400),
        ({"client_secret": "wrong"}, 401),
        ({"grant_type": "password"}, 400),
    ],
    ids=["unknown-refresh-token", "wrong-secret", "wrong-grant"],
)
def test_a_bad_refresh_is_refused(
    imgur: Imgur, change: dict[str, str], status: int
) -> None:
    answer = imgur.post("/oauth2/token", None, data={**REFRESH, **change})

    assert answer.status_code == status
    assert answer.json()["success"] is False


def test_a_refreshed_token_expires(imgur: Imgur, clock: ManualClock) -> None:
    token = imgur.post("/oauth2/token", None, data=REFRESH).json()

    clock.advance(token["expires_in"] + 1)

    answer = imgur.get("/3/account/me", f"Bearer {token['access_token']}")
    assert answer.status_code == 403
    assert answer.json()["data"]["error"] == "The access token provided is invalid."


def test_block_routes_answer_errors_jsonapi_style(imgur: Imgur) -> None:
    answer = imgur.get("/account/v1/spam_bot_1/block", CLIENT)

    assert answer.status_code == 401
    [error] = answer.json()["errors"]
    assert error["code"] == "401"
    assert error["detail"] == "Authentication required"
    assert error["status"] == "Unauthorized"
    assert error["id"]


def test_an_unknown_route_is_an_imgur_404(imgur: Imgur) -> None:
    answer = imgur.get("/3/nothing/here", CLIENT)

    assert answer.status_code == 404
    assert answer.json()["data"]["request"] == "/3/nothing/here"
