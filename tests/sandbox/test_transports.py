"""The runner's real clients against the sandbox, over loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from runner.catalog import load_catalog
from runner.redact import Redactor
from runner.sandbox import DEMO_ACCESS_TOKEN, DEMO_API_TOKEN, DEMO_CLIENT_ID, Sandbox
from runner.transports import (
    Call,
    FileUpload,
    ImgurTransport,
    LowCodeApiTransport,
    reply_error,
)

from .support import png


def call(name: str, **args: Any) -> Call:
    endpoint = load_catalog().get(name)
    assert endpoint is not None
    return Call(endpoint, args)


@pytest.fixture
def photo(tmp_path: Path) -> FileUpload:
    path = tmp_path / "beach.png"
    path.write_bytes(png(40, 30))
    return FileUpload(path)


def test_imgur_transport_uploads_and_makes_an_album(
    sandbox: Sandbox, photo: FileUpload
) -> None:
    transport = ImgurTransport(sandbox.url, Redactor(), access_token=DEMO_ACCESS_TOKEN)
    with transport.session:
        image = transport.send(call("image.upload", image=photo, title="Beach"))
        ids = [image.body["data"]["id"], "vnKe11t"]
        album = transport.send(call("album.create", ids=ids, privacy="hidden"))

    assert image.body["data"]["name"] == "beach.png"
    assert image.headers["x-ratelimit-userremaining"] == "1990"
    assert sandbox.store.albums[album.body["data"]["id"]].image_ids == ids


def test_imgur_transport_reads_imgurs_error(sandbox: Sandbox) -> None:
    transport = ImgurTransport(sandbox.url, Redactor(), client_id=DEMO_CLIENT_ID)

    with transport.session:
        reply = transport.send(call("image.get", imageHash="NoSuch1"))

    error = reply_error(reply)
    assert error is not None
    assert error.http_status == 404
    assert "Unable to find an image with the id, NoSuch1" in str(error)


def test_lowcodeapi_transport_reads_the_proxys_error(sandbox: Sandbox) -> None:
    transport = LowCodeApiTransport(
        sandbox.lowcodeapi_url, Redactor(), api_token="at_not-a-token"
    )
    with transport.session:
        reply = transport.send(call("account.get", username="me"))

    error = reply_error(reply)
    assert error is not None
    assert error.http_status == 401
    assert "A valid API token is required" in str(error)


def test_lowcodeapi_transport_unwraps_and_uploads_as_base64(
    sandbox: Sandbox, photo: FileUpload
) -> None:
    transport = LowCodeApiTransport(
        sandbox.lowcodeapi_url, Redactor(), api_token=DEMO_API_TOKEN
    )
    with transport.session:
        reply = transport.send(call("image.upload", image=photo))

    assert reply.body["data"]["account_url"] == "demo_user"
    assert reply.body["data"]["name"] == "beach.png"
    assert transport.url_format == "new"


class TestOldFormatOnly:
    @pytest.fixture
    def sandbox_options(self) -> dict[str, Any]:
        return {"lowcodeapi_formats": {"old"}}

    def test_lowcodeapi_transport_falls_back_to_the_old_format(
        self, sandbox: Sandbox
    ) -> None:
        transport = LowCodeApiTransport(
            sandbox.lowcodeapi_url, Redactor(), api_token=DEMO_API_TOKEN
        )
        with transport.session:
            reply = transport.send(call("album.get", albumHash="Hol1d4y"))
            again = transport.send(call("account.get", username="friendly_artist"))

        assert reply.body["data"]["title"] == "Holiday 2025"
        assert again.body["data"]["id"] == 10000003
        assert transport.url_format == "old"
