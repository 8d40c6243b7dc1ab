"""The LowCodeAPI front: api_token, the wrapper, both URL formats."""

from __future__ import annotations

import base64
import logging
from typing import Any

import pytest

from runner.sandbox import DEMO_API_TOKEN, Sandbox

from .support import Imgur, png

TOKEN = {"api_token": DEMO_API_TOKEN}
INVALID = "A valid API token is required to access this API."


def test_answers_come_wrapped_in_data(lowcodeapi: Imgur) -> None:
    answer = lowcodeapi.get("/3/album/Hol1d4y", None, params=TOKEN)

    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"data"}
    assert body["data"]["success"] is True
    assert body["data"]["data"]["id"] == "Hol1d4y"


def test_calls_act_as_the_account_bound_to_the_token(lowcodeapi: Imgur) -> None:
    answer = lowcodeapi.get("/3/account/me", None, params=TOKEN)

    assert answer.json()["data"]["data"]["url"] == "demo_user"


def test_imgur_errors_keep_status_and_message(lowcodeapi: Imgur) -> None:
    answer = lowcodeapi.get("/3/image/NoSuch1", None, params=TOKEN)

    assert answer.status_code == 404
    assert answer.json() == {
        "data": {
            "error": {
                "message": "Unable to find an image with the id, NoSuch1",
                "code": 404,
            }
        }
    }


@pytest.mark.parametrize(
    "params",
    [{}, {"api_token": "sandbox-api-token"}, {"api_token": "at_unknown"}],
    ids=["missing", "without-at-prefix", "unknown"],
)
def test_a_bad_api_token_is_a_401(lowcodeapi: Imgur, params: dict[str, str]) -> None:
    answer = lowcodeapi.get("/3/account/me", None, params=params)

    assert answer.status_code == 401
    assert answer.json() == {"data": {"error": {"message": INVALID, "code": 401}}}


def test_the_old_format_takes_path_values_from_the_query(lowcodeapi: Imgur) -> None:
    params = {**TOKEN, "albumHash": "Hol1d4y"}

    answer = lowcodeapi.get("/3/album/albumhash/images", None, params=params)

    assert [image["id"] for image in answer.json()["data"]["data"]] == [
        "vnKe11t",
        "Bq3xT9a",
    ]


def test_rate_limit_headers_pass_through(lowcodeapi: Imgur) -> None:
    answer = lowcodeapi.get("/3/account/me", None, params=TOKEN)

    assert answer.headers["X-RateLimit-UserRemaining"] == "1999"


def test_json_bodies_reach_imgur(lowcodeapi: Imgur, sandbox: Sandbox) -> None:
    body: dict[str, Any] = {"image": base64.b64encode(png()).decode(), "type": "base64"}
    image = lowcodeapi.post("/3/upload", None, params=TOKEN, json=body).json()
    album_body = {"ids[]": [image["data"]["data"]["id"]], "title": "Via proxy"}

    created = lowcodeapi.post("/3/album", None, params=TOKEN, json=album_body).json()

    album = sandbox.store.albums[created["data"]["data"]["id"]]
    assert (album.owner, album.title) == ("demo_user", "Via proxy")
    assert album.image_ids == [image["data"]["data"]["id"]]


def test_logs_never_show_an_api_token(
    lowcodeapi: Imgur, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    lowcodeapi.get("/3/account/me", None, params=TOKEN)
    lowcodeapi.get("/3/account/me", None, params={"api_token": "at_other_secret"})

    server_side = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(("runner.sandbox", "werkzeug"))
    ]
    assert server_side  # the app's own debug lines, without the query
    assert not [line for line in server_side if "at_" in line]


@pytest.mark.parametrize(
    "params", [TOKEN, {"api_token": "at_unknown"}], ids=["good-token", "bad-token"]
)
def test_an_unknown_route_is_expresss_plain_404_page(
    lowcodeapi: Imgur, params: dict[str, str]
) -> None:
    answer = lowcodeapi.get("/3/credits", None, params=params)

    assert answer.status_code == 404
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "<pre>Cannot GET /imgur/3/credits</pre>" in answer.text


class TestOldFormatOnly:
    """A proxy that only knows the old format, as the client must cope with."""

    @pytest.fixture
    def sandbox_options(self) -> dict[str, Any]:
        return {"lowcodeapi_formats": {"old"}}

    def test_the_new_format_is_a_404(self, lowcodeapi: Imgur) -> None:
        answer = lowcodeapi.get("/3/album/Hol1d4y", None, params=TOKEN)

        assert answer.status_code == 404

    def test_the_old_format_answers(self, lowcodeapi: Imgur) -> None:
        params = {**TOKEN, "albumHash": "Hol1d4y"}

        answer = lowcodeapi.get("/3/album/albumhash", None, params=params)

        assert answer.status_code == 200


def test_a_renamed_account_keeps_its_api_token(
    lowcodeapi: Imgur, sandbox: Sandbox
) -> None:
    settings = "/3/account/me/settings"
    rename = {"username": "Renamed1"}
    renamed = lowcodeapi.call("PUT", settings, None, params=TOKEN, json=rename)
    assert renamed.status_code == 200, renamed.text

    answer = lowcodeapi.get("/3/account/me", None, params=TOKEN)

    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["data"]["url"] == "Renamed1"
    assert sandbox.store.account("demo_user") is None


class TestTokenWithoutImgurAccount:
    """An api_token whose account has no Imgur access token to inject."""

    @pytest.fixture
    def sandbox_options(self) -> dict[str, Any]:
        return {"api_tokens": {"at_spam": "spam_bot_1"}}

    def test_it_is_a_403(self, lowcodeapi: Imgur) -> None:
        answer = lowcodeapi.get("/3/account/me", None, params={"api_token": "at_spam"})

        assert answer.status_code == 403
        assert answer.json()["data"]["error"]["code"] == 403


class TestOpenSourceServerStyle:
    """The wrapper of LowCodeAPI's open-source server, as its code answers."""

    @pytest.fixture
    def sandbox_options(self) -> dict[str, Any]:
        return {"lowcodeapi_style": "oss"}

    def test_a_success_comes_as_its_result(self, lowcodeapi: Imgur) -> None:
        answer = lowcodeapi.get("/3/album/Hol1d4y", None, params=TOKEN)

        body = answer.json()
        assert (body["message"], body["provider"]) == ("Request completed", "imgur")
        assert body["result"]["data"]["id"] == "Hol1d4y"
        assert body["response_headers"]["X-RateLimit-UserRemaining"] == "1999"

    def test_an_imgur_error_comes_whole_under_error(self, lowcodeapi: Imgur) -> None:
        answer = lowcodeapi.get("/3/image/NoSuch1", None, params=TOKEN)

        assert answer.status_code == 404
        body = answer.json()
        assert body["message"] == "Request failed with status code 404"
        assert body["error"]["data"]["error"] == (
            "Unable to find an image with the id, NoSuch1"
        )

    def test_its_own_refusal_says_why_in_message(self, lowcodeapi: Imgur) -> None:
        answer = lowcodeapi.get("/3/account/me", None, params={"api_token": "x"})

        assert answer.status_code == 401
        assert answer.json() == {
            "message": INVALID,
            "provider": "imgur",
            "error": {"code": 401},
        }


def test_an_unknown_wrapper_style_is_refused() -> None:
    with pytest.raises(ValueError, match="hosted or oss"):
        Sandbox(lowcodeapi_style="cloud")
