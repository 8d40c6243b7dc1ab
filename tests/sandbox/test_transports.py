"""The runner's real clients against the sandbox, over loopback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runner.catalog import load_catalog
from runner.errors import ConfigError, StepError
from runner.redact import MASK, RedactingFilter, Redactor
from runner.sandbox import DEMO_ACCESS_TOKEN, DEMO_API_TOKEN, DEMO_CLIENT_ID, Sandbox
from runner.transports import (
    Call,
    FileUpload,
    ImgurTransport,
    LowCodeApiTransport,
    Transport,
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
    assert transport.url_format is None  # /3/upload is the same in both formats


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


def test_lowcodeapi_transport_unwraps_the_open_source_servers_result() -> None:
    with Sandbox(lowcodeapi_style="oss") as sandbox:
        transport = LowCodeApiTransport(
            sandbox.lowcodeapi_url, Redactor(), api_token=DEMO_API_TOKEN
        )
        with transport.session:
            reply = transport.send(call("album.get", albumHash="Hol1d4y"))

    assert reply.body["data"]["title"] == "Holiday 2025"
    assert reply_error(reply) is None


def transports(sandbox: Sandbox, redactor: Redactor) -> list[Transport]:
    imgur = ImgurTransport(sandbox.url, redactor, access_token=DEMO_ACCESS_TOKEN)
    proxy = LowCodeApiTransport(
        sandbox.lowcodeapi_url, redactor, api_token=DEMO_API_TOKEN
    )
    return [imgur, proxy]


@pytest.mark.parametrize("kind", ["imgur", "lowcodeapi"])
@pytest.mark.parametrize(
    "args",
    [{}, {"albumHash": None}, {"albumHash": ""}, {"albumHash": ".."}],
    ids=["missing", "null", "empty", "dot-dot"],
)
def test_a_path_without_its_value_is_never_sent(
    sandbox: Sandbox, kind: str, args: dict[str, Any]
) -> None:
    imgur, proxy = transports(sandbox, Redactor())
    transport = imgur if kind == "imgur" else proxy

    with pytest.raises(StepError, match="give `albumHash:` a value under `with:`"):
        transport.send(call("album.get", **args))

    assert sandbox.received == []


class LogLines(logging.Handler):
    """The transport's log lines, as a handler with the secret filter shows them."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__(logging.INFO)
        self.addFilter(RedactingFilter(redactor))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def redactor() -> Iterator[Redactor]:
    """A redactor whose masking the transport's INFO lines go through."""
    shared = Redactor()
    logger = logging.getLogger("runner.transports")
    level = logger.level
    logger.setLevel(logging.INFO)
    yield shared
    logger.setLevel(level)


@pytest.mark.parametrize("kind", ["imgur", "lowcodeapi"])
def test_values_of_secret_parameters_are_masked_before_sending(
    sandbox: Sandbox, kind: str, redactor: Redactor
) -> None:
    deletehash = sandbox.store.images["vnKe11t"].deletehash
    imgur, proxy = transports(sandbox, redactor)
    transport = imgur if kind == "imgur" else proxy
    log = LogLines(redactor)
    logging.getLogger("runner.transports").addHandler(log)
    try:
        reply = transport.send(
            call("image.update_anonymous", imageDeleteHash=deletehash, title="New")
        )
    finally:
        logging.getLogger("runner.transports").removeHandler(log)

    assert reply.status == 200
    assert sandbox.store.images["vnKe11t"].title == "New"
    assert f"/3/image/{MASK}" in reply.url
    [line] = log.lines
    assert f"/3/image/{MASK}" in line
    assert deletehash not in line


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("account.get", {"username": "me"}),
        ("account.list_blocks", {}),
    ],
    ids=["username-me", "user-token-endpoint"],
)
def test_a_client_id_alone_never_sends_what_needs_a_user_token(
    sandbox: Sandbox, name: str, args: dict[str, Any]
) -> None:
    transport = ImgurTransport(sandbox.url, Redactor(), client_id=DEMO_CLIENT_ID)

    with pytest.raises(ConfigError, match="needs a user access token"):
        transport.send(call(name, **args))

    assert sandbox.received == []


@pytest.mark.parametrize(
    "base_url",
    [
        "http://127.0.0.1:8765/?client_id=q-SECRET-2",
        "http://127.0.0.1:8765/#q-SECRET-2",
    ],
    ids=["query", "fragment"],
)
def test_a_base_url_with_a_query_or_fragment_is_refused(base_url: str) -> None:
    with pytest.raises(ConfigError) as refused:
        ImgurTransport(base_url, Redactor(), client_id=DEMO_CLIENT_ID)

    assert "q-SECRET-2" not in str(refused.value)
