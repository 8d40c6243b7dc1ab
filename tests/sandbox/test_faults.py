"""Faults: a test tells the sandbox to misbehave, and the next answers do."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests

from runner.catalog import load_catalog
from runner.sandbox import DEMO_API_TOKEN, Fault, Faults, Sandbox
from runner.sandbox.envelope import ErrorStyle

from .support import BEARER, CLIENT, Imgur

ACCOUNT = "/3/account/demo_user"
ALBUM = "/3/album/Hol1d4y"
TOKEN = {"api_token": DEMO_API_TOKEN}


def statuses(imgur: Imgur, path: str, calls: int) -> list[int]:
    return [imgur.get(path, CLIENT).status_code for _ in range(calls)]


def test_a_500_is_served_the_given_times_then_answers_resume(
    imgur: Imgur, sandbox: Sandbox
) -> None:
    sandbox.faults.add(Fault(500), times=2)

    assert statuses(imgur, ACCOUNT, 3) == [500, 500, 200]
    assert sandbox.faults.served == 2


def test_a_500_has_imgurs_error_envelope(imgur: Imgur, sandbox: Sandbox) -> None:
    sandbox.faults.add(Fault(500))

    answer = imgur.get(ACCOUNT, CLIENT)

    assert answer.json() == {
        "data": {"error": "Internal error", "request": ACCOUNT, "method": "GET"},
        "success": False,
        "status": 500,
    }


def test_an_object_error_reads_as_imgurs_upload_errors(
    imgur: Imgur, sandbox: Sandbox
) -> None:
    fault = Fault(400, message="File type invalid (1)", style=ErrorStyle.OBJECT)
    sandbox.faults.add(fault)

    answer = imgur.post("/3/upload", CLIENT, data={"image": "x"})

    assert answer.status_code == 400
    assert answer.json() == {
        "data": {
            "error": {
                "code": 400,
                "message": "File type invalid (1)",
                "type": "ImgurException",
                "exception": [],
            },
            "request": "/3/upload",
            "method": "POST",
        },
        "success": False,
        "status": 400,
    }


def test_a_json_api_error_carries_the_message(imgur: Imgur, sandbox: Sandbox) -> None:
    sandbox.faults.add(Fault(400, message="Bad tag", style=ErrorStyle.JSONAPI))

    answer = imgur.get(ACCOUNT, CLIENT)

    [error] = answer.json()["errors"]
    assert (error["code"], error["detail"]) == ("400", "Bad tag")


def test_faults_are_served_in_the_order_added(imgur: Imgur, sandbox: Sandbox) -> None:
    sandbox.faults.add(Fault(503))
    sandbox.faults.add(Fault(429), times=2)

    assert statuses(imgur, ACCOUNT, 4) == [503, 429, 429, 200]


def test_a_429_says_when_to_retry_in_json_api_style(
    imgur: Imgur, sandbox: Sandbox
) -> None:
    sandbox.faults.add(Fault(429, retry_after=30))

    answer = imgur.get(ACCOUNT, CLIENT)

    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "30"
    [error] = answer.json()["errors"]
    assert set(error) == {"code", "detail", "id", "status"}  # as the real sample
    assert (error["code"], error["detail"]) == ("429", "Too Many Requests")


def test_a_429_without_retry_after_sends_no_such_header(
    imgur: Imgur, sandbox: Sandbox
) -> None:
    sandbox.faults.add(Fault(429))

    answer = imgur.get(ACCOUNT, CLIENT)

    assert answer.status_code == 429
    assert "Retry-After" not in answer.headers


def test_an_html_fault_answers_a_page_not_json(imgur: Imgur, sandbox: Sandbox) -> None:
    sandbox.faults.add(Fault(502, html=True))

    answer = imgur.get(ACCOUNT, CLIENT)

    assert answer.status_code == 502
    assert answer.headers["Content-Type"].startswith("text/html")
    assert answer.text.startswith("<!DOCTYPE html>")
    with pytest.raises(requests.JSONDecodeError):
        answer.json()
    assert "X-RateLimit-UserRemaining" not in answer.headers


def test_a_fault_for_one_endpoint_spares_the_others(
    imgur: Imgur, sandbox: Sandbox
) -> None:
    sandbox.faults.add(Fault(500, endpoint="album.get"))

    assert imgur.get(ACCOUNT, CLIENT).status_code == 200
    assert imgur.get(ALBUM, CLIENT).status_code == 500
    assert imgur.get(ALBUM, CLIENT).status_code == 200
    assert sandbox.faults.served == 1


def test_a_faulted_album_create_leaves_no_album(imgur: Imgur, sandbox: Sandbox) -> None:
    albums = set(sandbox.store.albums)
    sandbox.faults.add(Fault(500, endpoint="album.create"))

    answer = imgur.post("/3/album", BEARER, data={"title": "Lost"})

    assert answer.status_code == 500
    assert set(sandbox.store.albums) == albums
    assert answer.headers["X-Post-Rate-Limit-Remaining"] == "1250"


def test_a_faulted_call_costs_no_credits(imgur: Imgur, sandbox: Sandbox) -> None:
    sandbox.faults.add(Fault(500))

    faulted = imgur.get(ACCOUNT, CLIENT)
    answered = imgur.get(ACCOUNT, CLIENT)

    assert faulted.headers["X-RateLimit-UserRemaining"] == "2000"
    assert answered.headers["X-RateLimit-UserRemaining"] == "1999"


def test_a_slow_fault_answers_as_usual_only_late(
    imgur: Imgur, sandbox: Sandbox
) -> None:
    sandbox.faults.add(Fault(200, delay=0.005))

    answer = imgur.get(ACCOUNT, CLIENT)

    assert answer.status_code == 200
    assert answer.json()["data"]["url"] == "demo_user"
    assert answer.elapsed >= timedelta(seconds=0.005)


def test_clear_drops_the_pending_faults(imgur: Imgur, sandbox: Sandbox) -> None:
    sandbox.faults.add(Fault(500), times=3)
    imgur.get(ACCOUNT, CLIENT)

    sandbox.faults.clear()

    assert statuses(imgur, ACCOUNT, 2) == [200, 200]
    assert sandbox.faults.served == 1


def test_each_fault_is_served_once_to_concurrent_calls(sandbox: Sandbox) -> None:
    sandbox.faults.add(Fault(500), times=10)

    def call(_: int) -> int:
        headers = {"Authorization": CLIENT}
        return requests.get(sandbox.url + ACCOUNT, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(call, range(24)))

    assert (answers.count(500), answers.count(200)) == (10, 14)
    assert sandbox.faults.served == 10


class TestThroughTheLowCodeApiFront:
    def test_a_429_keeps_its_status_and_retry_after(
        self, lowcodeapi: Imgur, sandbox: Sandbox
    ) -> None:
        sandbox.faults.add(Fault(429, retry_after=7))

        answer = lowcodeapi.get("/3/account/me", None, params=TOKEN)

        assert answer.status_code == 429
        assert answer.headers["Retry-After"] == "7"
        assert answer.json() == {
            "data": {"error": {"message": "Too Many Requests", "code": 429}}
        }

    def test_an_html_page_becomes_its_error_with_the_status_kept(
        self, lowcodeapi: Imgur, sandbox: Sandbox
    ) -> None:
        sandbox.faults.add(Fault(503, html=True))

        answer = lowcodeapi.get("/3/account/me", None, params=TOKEN)

        assert answer.status_code == 503
        assert answer.json() == {
            "data": {"error": {"message": "Service Unavailable", "code": 503}}
        }

    def test_an_object_error_keeps_its_message(
        self, lowcodeapi: Imgur, sandbox: Sandbox
    ) -> None:
        fault = Fault(400, message="File type invalid (1)", style=ErrorStyle.OBJECT)
        sandbox.faults.add(fault)

        answer = lowcodeapi.get("/3/account/me", None, params=TOKEN)

        assert answer.json() == {
            "data": {"error": {"message": "File type invalid (1)", "code": 400}}
        }


class TestInFrontOfTheLowCodeApiFront:
    """A fault `at="lowcodeapi"`: a gateway answers before the proxy routes."""

    @pytest.mark.parametrize("path", ["/3/account/me", "/3/no/such/route"])
    def test_it_is_served_whatever_the_path(
        self, lowcodeapi: Imgur, sandbox: Sandbox, path: str
    ) -> None:
        sandbox.faults.add(Fault(503, retry_after=3, at="lowcodeapi"))

        answer = lowcodeapi.get(path, None, params=TOKEN)

        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "3"
        assert answer.json() == {
            "data": {"error": {"message": "Service Unavailable", "code": 503}}
        }
        assert sandbox.faults.served == 1

    def test_imgur_never_sees_it_and_the_front_answers_an_html_page(
        self, lowcodeapi: Imgur, imgur: Imgur, sandbox: Sandbox
    ) -> None:
        sandbox.faults.add(Fault(502, html=True, at="lowcodeapi"))

        first = imgur.get(ACCOUNT, CLIENT)
        second = lowcodeapi.get("/3/account/me", None, params=TOKEN)

        assert first.status_code == 200  # Imgur itself is not faulted
        assert second.status_code == 502
        assert second.headers["Content-Type"].startswith("text/html")

    def test_one_for_an_endpoint_waits_for_it_in_either_format(
        self, lowcodeapi: Imgur, sandbox: Sandbox
    ) -> None:
        sandbox.faults.add(Fault(429, endpoint="album.get", at="lowcodeapi"))

        other = lowcodeapi.get("/3/account/me", None, params=TOKEN)
        old = {**TOKEN, "albumHash": "Hol1d4y"}
        album = lowcodeapi.get("/3/album/albumhash", None, params=old)

        assert (other.status_code, album.status_code) == (200, 429)


@pytest.mark.parametrize(
    ("body", "at"),
    [("[" * 5000, "imgur"), ('{"data": [1, 2', "lowcodeapi")],
    ids=["deep-at-imgur", "cut-short-at-the-proxy"],
)
def test_a_body_fault_is_answered_as_written(
    imgur: Imgur, lowcodeapi: Imgur, sandbox: Sandbox, body: str, at: str
) -> None:
    sandbox.faults.add(Fault(200, body=body, at=at))

    if at == "imgur":
        answer = imgur.get(ACCOUNT, CLIENT)
    else:
        answer = lowcodeapi.get("/3/account/me", None, params=TOKEN)

    assert (answer.status_code, answer.text) == (200, body)
    assert answer.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "make",
    [
        lambda: Fault(302),
        lambda: Fault(200, html=True),
        lambda: Fault(429, retry_after=-1),
        lambda: Fault(500, delay=-0.1),
        lambda: Fault(200, message="Slow"),
        lambda: Fault(502, html=True, style=ErrorStyle.OBJECT),
        lambda: Fault(502, html=True, body="{}"),
        lambda: Fault(400, message="Bad", body="{}"),
        lambda: Fault(503, at="gateway"),
    ],
    ids=[
        "redirect-status",
        "html-without-error",
        "negative-wait",
        "negative-delay",
        "message-without-error",
        "html-with-json-style",
        "html-with-body",
        "message-with-body",
        "unknown-place",
    ],
)
def test_a_fault_that_cannot_be_served_is_refused(make: Callable[[], Fault]) -> None:
    with pytest.raises(ValueError):
        make()


def test_a_misspelt_endpoint_is_refused_with_a_suggestion() -> None:
    faults = Faults(load_catalog())

    with pytest.raises(ValueError, match=r"did you mean album\.create\?"):
        faults.add(Fault(500, endpoint="album.creat"))


def test_times_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Faults().add(Fault(500), times=0)
