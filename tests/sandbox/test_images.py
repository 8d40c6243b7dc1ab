"""Uploading, reading, retitling and deleting images; ids versus deletehashes."""

from __future__ import annotations

import base64
import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from runner.sandbox import Sandbox

from .support import ARTIST, BEARER, CLIENT, Imgur, animated_gif, png, upload

# The Image model as samples/account_images.json shows it to the owner.
IMAGE_FIELDS = {
    "account_id", "account_url", "ad_type", "ad_url", "animated", "bandwidth",
    "datetime", "deletehash", "description", "edited", "favorite", "has_sound",
    "height", "id", "in_gallery", "in_most_viral", "is_ad", "link", "name",
    "nsfw", "section", "size", "tags", "title", "type", "views", "vote", "width",
}  # fmt: skip
CORRUPT = "Image format not supported, or image is corrupt."


def test_a_bearer_upload_belongs_to_the_account(imgur: Imgur) -> None:
    image = upload(imgur, BEARER, title="Beach", name="beach.png")

    assert set(image) == IMAGE_FIELDS
    assert image["account_url"] == "demo_user"
    assert image["account_id"] == 10000001
    assert (image["type"], image["width"], image["height"]) == ("image/png", 30, 20)
    assert image["size"] == len(png())
    assert image["link"] == f"https://i.imgur.com/{image['id']}.png"
    assert (image["title"], image["name"]) == ("Beach", "beach.png")
    assert len(image["id"]) == 7
    assert len(image["deletehash"]) == 15


def test_a_client_id_upload_is_anonymous(imgur: Imgur) -> None:
    image = upload(imgur, CLIENT)

    assert image["account_id"] == 0
    assert image["account_url"] is None
    assert image["deletehash"]


def test_only_the_owner_sees_the_deletehash(imgur: Imgur) -> None:
    image_id = upload(imgur, BEARER)["id"]

    as_owner = imgur.get(f"/3/image/{image_id}", BEARER).json()["data"]
    as_app = imgur.get(f"/3/image/{image_id}", CLIENT).json()["data"]
    as_other = imgur.get(f"/3/image/{image_id}", ARTIST).json()["data"]

    assert "deletehash" in as_owner
    assert "name" in as_owner
    assert "deletehash" not in as_app
    assert "deletehash" not in as_other


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"image": base64.b64encode(png()).decode(), "type": "base64"}, "image/png"),
        ({"image": base64.b64encode(animated_gif()).decode()}, "image/gif"),
    ],
    ids=["base64-png", "base64-gif-without-type"],
)
def test_base64_uploads_are_read_for_real(
    imgur: Imgur, data: dict[str, str], kind: str
) -> None:
    answer = imgur.post("/3/upload", CLIENT, data=data)

    assert answer.status_code == 200
    assert answer.json()["data"]["type"] == kind


def test_an_animated_gif_gets_video_links(imgur: Imgur) -> None:
    data = {"image": base64.b64encode(animated_gif()).decode(), "type": "base64"}

    image = imgur.post("/3/upload", CLIENT, data=data).json()["data"]

    assert image["animated"] is True
    assert image["gifv"] == f"https://i.imgur.com/{image['id']}.gifv"
    assert image["mp4"].endswith(".mp4")


@pytest.mark.parametrize(
    ("request_kwargs", "message"),
    [
        ({"files": {"image": ("a.png", b"not an image", "image/png")}}, CORRUPT),
        ({"data": {"image": "bm90IGFuIGltYWdl", "type": "base64"}}, CORRUPT),
        ({"data": {"image": "%%%", "type": "base64"}}, CORRUPT),
        ({"data": {"title": "no image"}}, "No image data was sent to the upload api"),
    ],
    ids=["corrupt-file", "base64-text", "not-base64", "no-image"],
)
def test_what_is_not_an_image_is_a_400(
    imgur: Imgur, request_kwargs: dict[str, Any], message: str
) -> None:
    answer = imgur.post("/3/upload", BEARER, **request_kwargs)

    assert answer.status_code == 400
    assert answer.json()["data"]["error"] == message


def test_a_url_off_this_machine_is_never_fetched(imgur: Imgur) -> None:
    data = {"image": "https://example.com/cat.png", "type": "url"}

    answer = imgur.post("/3/upload", BEARER, data=data)

    assert answer.status_code == 400
    assert "127.0.0.1" in answer.json()["data"]["error"]


@pytest.fixture
def picture_url() -> Iterator[str]:
    """A PNG served on loopback by a second little server."""
    body = png(64, 48)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_address[1]}/pictures/cat.png"
        server.shutdown()
        thread.join()


def test_a_loopback_url_is_fetched(imgur: Imgur, picture_url: str) -> None:
    answer = imgur.post("/3/upload", BEARER, data={"image": picture_url})

    image = answer.json()["data"]
    assert (image["width"], image["height"], image["name"]) == (64, 48, "cat.png")


def test_the_owner_retitles_by_id(imgur: Imgur, sandbox: Sandbox) -> None:
    image_id = upload(imgur, BEARER)["id"]

    answer = imgur.post(f"/3/image/{image_id}", BEARER, data={"title": "New"})

    assert answer.json()["data"] is True
    assert sandbox.store.images[image_id].title == "New"


def test_anyone_retitles_by_deletehash(imgur: Imgur, sandbox: Sandbox) -> None:
    image = upload(imgur, CLIENT)

    answer = imgur.post(f"/3/image/{image['deletehash']}", CLIENT, data={"title": "T"})

    assert answer.status_code == 200
    assert sandbox.store.images[image["id"]].title == "T"


def test_anonymous_operations_do_not_work_with_the_id(imgur: Imgur) -> None:
    image = upload(imgur, CLIENT)

    by_id = imgur.delete(f"/3/image/{image['id']}", CLIENT)
    by_hash = imgur.delete(f"/3/image/{image['deletehash']}", CLIENT)

    assert by_id.status_code == 401
    assert by_hash.json() == {"data": True, "success": True, "status": 200}
    assert imgur.get(f"/3/image/{image['id']}", CLIENT).status_code == 404


def test_an_account_cannot_delete_anothers_image_by_id(imgur: Imgur) -> None:
    image_id = upload(imgur, BEARER)["id"]

    answer = imgur.delete(f"/3/image/{image_id}", ARTIST)

    assert answer.status_code == 403
    assert imgur.get(f"/3/image/{image_id}", CLIENT).status_code == 200


def test_the_owner_deletes_by_id(imgur: Imgur, sandbox: Sandbox) -> None:
    image_id = upload(imgur, BEARER)["id"]

    assert imgur.delete(f"/3/image/{image_id}", BEARER).status_code == 200
    assert image_id not in sandbox.store.images


def test_an_upload_goes_into_an_album_by_id_or_deletehash(
    imgur: Imgur, sandbox: Sandbox
) -> None:
    mine = upload(imgur, BEARER, album="Hol1d4y")
    anonymous_album = imgur.post("/3/album", CLIENT).json()["data"]
    theirs = upload(imgur, CLIENT, album=anonymous_album["deletehash"])

    assert mine["id"] in sandbox.store.albums["Hol1d4y"].image_ids
    assert sandbox.store.albums[anonymous_album["id"]].image_ids == [theirs["id"]]


def test_an_upload_into_someone_elses_album_is_refused(imgur: Imgur) -> None:
    files = {"image": ("a.png", png(), "image/png")}

    answer = imgur.post("/3/upload", ARTIST, files=files, data={"album": "Hol1d4y"})

    assert answer.status_code == 403


def test_favourites_are_newest_first(imgur: Imgur, sandbox: Sandbox) -> None:
    first, second = upload(imgur, ARTIST)["id"], upload(imgur, ARTIST)["id"]

    answers = [imgur.post(f"/3/image/{i}/favorite", ARTIST) for i in (first, second)]

    artist = sandbox.store.account("friendly_artist")
    assert artist is not None
    assert [a.json()["data"] for a in answers] == ["favorited", "favorited"]
    assert artist.favorites[:2] == [second, first]
    assert imgur.get(f"/3/image/{first}", ARTIST).json()["data"]["favorite"] is True


def test_favouriting_again_takes_it_out(imgur: Imgur, sandbox: Sandbox) -> None:
    image_id = upload(imgur, ARTIST)["id"]
    imgur.post(f"/3/image/{image_id}/favorite", ARTIST)

    answer = imgur.post(f"/3/image/{image_id}/favorite", ARTIST)

    artist = sandbox.store.account("friendly_artist")
    assert artist is not None
    assert answer.json()["data"] == "unfavorited"
    assert image_id not in artist.favorites


def test_favouriting_an_unknown_image_is_a_404(imgur: Imgur) -> None:
    answer = imgur.post("/3/image/NoSuch1/favorite", BEARER)

    assert answer.status_code == 404
    assert (
        answer.json()["data"]["error"] == "Unable to find an image with the id, NoSuch1"
    )
