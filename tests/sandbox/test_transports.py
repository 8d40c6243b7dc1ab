"""The runner's real clients against the sandbox, over loopback."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runner import transports as transports_module
from runner.catalog import load_catalog
from runner.errors import ConfigError, StepError, TransportError
from runner.lowcodeapi import LowCodeApiTransport
from runner.redact import MASK, RedactingFilter, Redactor
from runner.replies import reply_error
from runner.results import Status
from runner.run import RunRequest, run
from runner.sandbox import (
    DEMO_ACCESS_TOKEN,
    DEMO_API_TOKEN,
    DEMO_CLIENT_ID,
    Fault,
    Sandbox,
)
from runner.targets import Credentials, Target, open_transport
from runner.transports import (
    Call,
    FileUpload,
    ImgurTransport,
    Transport,
    may_retry,
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


@pytest.mark.parametrize("under_imgur", [True, False], ids=["/imgur", "no-/imgur"])
def test_a_lowcodeapi_address_without_imgur_says_so_when_refused(
    sandbox: Sandbox, under_imgur: bool
) -> None:
    base_url = sandbox.lowcodeapi_url if under_imgur else sandbox.url
    transport = LowCodeApiTransport(base_url, Redactor(), api_token=DEMO_API_TOKEN)
    with transport.session:
        reply = transport.send(call("image.get", imageHash="NoSuch1"))

    error = reply_error(reply)
    assert error is not None and error.http_status in (401, 404)
    hint = f"LowCodeAPI serves Imgur under /imgur, and --base-url {sandbox.url} "
    assert (hint in str(error)) is not under_imgur


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
    credentials = Credentials(client_id=DEMO_CLIENT_ID)

    with (
        open_transport(Target.IMGUR, credentials, Redactor(), sandbox.url) as sender,
        pytest.raises(ConfigError, match="needs a user access token"),
    ):
        sender.send(call(name, **args))

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


UNUSABLE_BODIES = {
    "deep": ("[" * 5000, "nested more than 64 levels deep"),
    "deep-but-readable": ("[" * 100 + "]" * 100, "nested more than 64 levels deep"),
    "cut-short": ('{"data": [1, 2', "it is cut short or not valid JSON"),
}


@pytest.mark.parametrize("kind", ["imgur", "lowcodeapi"])
@pytest.mark.parametrize(
    ("body", "why"), UNUSABLE_BODIES.values(), ids=UNUSABLE_BODIES.keys()
)
def test_a_body_that_is_not_usable_json_is_the_calls_error(
    sandbox: Sandbox, kind: str, body: str, why: str
) -> None:
    imgur, proxy = transports(sandbox, Redactor())
    transport = imgur if kind == "imgur" else proxy
    sandbox.faults.add(Fault(200, body=body, at=kind))

    reply = transport.send(call("account.get", username="demo_user"))

    error = reply_error(reply)
    assert error is not None
    assert error.http_status == 200
    assert str(error).endswith(
        f"failed with HTTP 200: Imgur answered with a body that is not usable "
        f"JSON ({why})"
    )


LOOP = """\
version: 1
vars:
  names: [demo_user, friendly_artist, demo_user]
steps:
  - id: accounts
    call: account.get
    for_each: "{{ vars.names }}"
    on_error: continue
    with: {username: "{{ item }}"}
  - id: after
    call: account.get
    with: {username: demo_user}
"""


@pytest.mark.parametrize("target", [Target.IMGUR, Target.LOWCODEAPI], ids=str)
def test_a_deeply_nested_body_fails_only_its_loop_item(
    sandbox: Sandbox, target: Target, tmp_path: Path
) -> None:
    playbook = tmp_path / "loop.yaml"
    playbook.write_text(LOOP, encoding="utf-8")
    at = "imgur" if target is Target.IMGUR else "lowcodeapi"
    sandbox.faults.add(Fault(200, at=at))  # the first item is answered as usual
    sandbox.faults.add(Fault(200, body="[" * 5000, at=at))
    env = {
        "IMGUR_ACCESS_TOKEN": DEMO_ACCESS_TOKEN,
        "LOWCODEAPI_API_TOKEN": DEMO_API_TOKEN,
    }
    base_url = sandbox.url if target is Target.IMGUR else sandbox.lowcodeapi_url
    request = RunRequest(
        playbook=playbook,
        target=target,
        base_url=base_url,
        report=tmp_path / "report.json",
        env=env,
    )

    result = run(request).result

    accounts, after = result.steps
    items = accounts.items or []
    assert [i.status for i in items] == [
        Status.SUCCEEDED,
        Status.FAILED,
        Status.SUCCEEDED,
    ]
    assert items[1].error is not None
    assert "failed with HTTP 200: Imgur answered with a body that is not usable" in (
        items[1].error
    )
    assert after.status is Status.SUCCEEDED


@pytest.mark.parametrize("kind", ["imgur", "lowcodeapi"])
@pytest.mark.parametrize("value", ["abc", " x "], ids=["three", "one-in-blanks"])
def test_a_secret_value_too_short_to_mask_is_never_sent(
    sandbox: Sandbox, kind: str, value: str
) -> None:
    imgur, proxy = transports(sandbox, Redactor())
    transport = imgur if kind == "imgur" else proxy

    with pytest.raises(StepError) as refused:
        transport.send(
            call("image.update_anonymous", imageDeleteHash=value, title="New")
        )

    message = str(refused.value)
    assert message.startswith(
        "the value of `imageDeleteHash` is too short to be masked safely"
    )
    assert value.strip() not in message.replace("imageDeleteHash", "")
    assert sandbox.received == []


class TestMayRetry:
    """Whether a failed call may be sent again, from what really happened."""

    @pytest.mark.parametrize(
        ("status", "again"),
        [(429, True), (500, True), (503, True), (501, False), (404, False)],
    )
    def test_an_answer_says_if_its_failure_passes(
        self, sandbox: Sandbox, status: int, again: bool
    ) -> None:
        imgur, _ = transports(sandbox, Redactor())
        sandbox.faults.add(Fault(status))

        reply = imgur.send(call("album.create", title="Trip"))

        error = reply_error(reply)
        assert error is not None
        assert may_retry("POST", error) is again

    @pytest.mark.parametrize(
        ("name", "method", "args", "again"),
        [
            ("album.create", "POST", {"title": "Trip"}, False),
            ("album.update", "PUT", {"albumHash": "Hol1d4y", "title": "Trip"}, True),
            ("album.get", "GET", {"albumHash": "Hol1d4y"}, True),
        ],
        ids=["post", "put", "get"],
    )
    def test_a_lost_answer_stops_only_a_post(
        self,
        sandbox: Sandbox,
        monkeypatch: pytest.MonkeyPatch,
        name: str,
        method: str,
        args: dict[str, Any],
        again: bool,
    ) -> None:
        monkeypatch.setattr(transports_module, "READ_TIMEOUT", 0.05)
        imgur, _ = transports(sandbox, Redactor())
        sandbox.faults.add(Fault(200, delay=0.2))

        with pytest.raises(TransportError) as lost:
            imgur.send(call(name, **args))

        assert lost.value.sent
        assert may_retry(method, lost.value) is again
        warned = "Imgur may have acted on it; it is not sent again" in str(lost.value)
        assert warned is not again

    def test_a_post_that_never_connected_may_be_sent_again(self) -> None:
        with socket.socket() as closed:  # a port nothing listens on
            closed.bind(("127.0.0.1", 0))
            port = closed.getsockname()[1]
        imgur = ImgurTransport(
            f"http://127.0.0.1:{port}", Redactor(), access_token=DEMO_ACCESS_TOKEN
        )

        with pytest.raises(TransportError) as refused:
            imgur.send(call("album.create", title="Trip"))

        assert not refused.value.sent
        assert may_retry("POST", refused.value)
