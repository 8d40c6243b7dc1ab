"""Which LowCodeAPI URL format a run speaks, counted in requests the proxy gets."""

from __future__ import annotations

import random
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from runner.catalog import load_catalog
from runner.lowcodeapi import LowCodeApiTransport
from runner.redact import Redactor
from runner.replies import Reply, reply_error
from runner.results import RunResult, Status
from runner.run import RunRequest, run
from runner.sandbox import (
    DEMO_API_TOKEN,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REFRESH_TOKEN,
    Fault,
    Sandbox,
)
from runner.targets import Target
from runner.transports import Call

from .support import png

ENDPOINT_PLAYBOOKS = sorted(
    path
    for path in (Path(__file__).parents[1] / "endpoints" / "playbooks").glob("*.yaml")
    if not path.name.startswith("imgur_only")
)

# Upload and album creation have one path in both formats; the rest differ.
SEQUENCE = """\
version: 1
steps:
  - id: upload
    call: image.upload
    with: {image: {file: beach.png}, title: Beach}
    save: {id: data.id}
  - id: album
    call: album.create
    with: {ids: ["{{ steps.upload.id }}"], title: Trip}
    save: {id: data.id}
  - id: album_get
    call: album.get
    with: {albumHash: "{{ steps.album.id }}"}
    expect: {that: ["data.title == 'Trip'"]}
  - id: image_get
    call: image.get
    with: {imageHash: "{{ steps.upload.id }}"}
  - id: rename
    call: image.update
    with: {imageHash: "{{ steps.upload.id }}", title: Renamed}
"""


def run_sequence(sandbox: Sandbox, folder: Path) -> RunResult:
    (folder / "beach.png").write_bytes(png())
    playbook = folder / "sequence.yaml"
    playbook.write_text(SEQUENCE, encoding="utf-8")
    request = RunRequest(
        playbook=playbook,
        target=Target.LOWCODEAPI,
        base_url=sandbox.lowcodeapi_url,
        report=folder / "report.json",
        env={"LOWCODEAPI_API_TOKEN": DEMO_API_TOKEN},
    )
    return run(request, rng=random.Random(1)).result


def sent(sandbox: Sandbox) -> list[str]:
    return [f"{r.method} {r.path}" for r in sandbox.received]


def expected(text: str, **ids: str) -> list[str]:
    return textwrap.dedent(text).format(**ids).strip().splitlines()


class TestOldFormatOnlyProxy:
    @pytest.fixture
    def sandbox_options(self) -> dict[str, Any]:
        return {"lowcodeapi_formats": {"old"}}

    def test_the_format_is_learnt_from_the_first_call_whose_formats_differ(
        self, sandbox: Sandbox, tmp_path: Path
    ) -> None:
        result = run_sequence(sandbox, tmp_path)

        assert [s.status for s in result.steps] == [Status.SUCCEEDED] * 5
        image, album = (s.saved["id"] for s in result.steps[:2])
        assert sent(sandbox) == (
            expected(
                """
                POST /imgur/3/upload
                POST /imgur/3/album
                GET /imgur/3/album/{album}
                GET /imgur/3/album/albumhash
                GET /imgur/3/image/imagehash
                POST /imgur/3/image/imagehash
                """,
                album=album,
            )
        )
        assert sandbox.store.images[image].title == "Renamed"

    def test_a_genuine_404_in_the_old_format_costs_one_try_of_the_new(
        self, sandbox: Sandbox
    ) -> None:
        transport = proxy(sandbox)
        transport.send(call("album.get", albumHash="Hol1d4y"))

        reply = transport.send(call("image.get", imageHash="NoSuch1"))

        assert sent(sandbox)[2:] == [
            "GET /imgur/3/image/imagehash",
            "GET /imgur/3/image/NoSuch1",  # no route: the old 404 is Imgur's
        ]
        error = failure(reply)
        assert "/imgur/3/image/imagehash?" in error
        assert "HTTP 404: Unable to find an image with the id, NoSuch1" in error
        assert transport.proven["image.get"] == "old"

    @pytest.mark.parametrize(
        "playbook", ENDPOINT_PLAYBOOKS, ids=[p.stem for p in ENDPOINT_PLAYBOOKS]
    )
    def test_every_endpoint_playbook_runs_through_it(
        self, sandbox: Sandbox, playbook: Path, tmp_path: Path
    ) -> None:
        env = {
            "LOWCODEAPI_API_TOKEN": DEMO_API_TOKEN,
            "IMGUR_CLIENT_ID": DEMO_CLIENT_ID,
            "IMGUR_CLIENT_SECRET": DEMO_CLIENT_SECRET,
            "IMGUR_REFRESH_TOKEN": DEMO_REFRESH_TOKEN,
        }
        request = RunRequest(
            playbook=playbook,
            target=Target.LOWCODEAPI,
            base_url=sandbox.lowcodeapi_url,
            report=tmp_path / "report.json",
            env=env,
            allow_destructive=True,
        )

        result = run(request, rng=random.Random(1)).result

        assert [(s.id, s.error) for s in result.steps if s.error] == []
        assert result.status is Status.SUCCEEDED


class TestNewFormatOnlyProxy:
    @pytest.fixture
    def sandbox_options(self) -> dict[str, Any]:
        return {"lowcodeapi_formats": {"new"}}

    def test_every_call_is_sent_once(self, sandbox: Sandbox, tmp_path: Path) -> None:
        result = run_sequence(sandbox, tmp_path)

        assert [s.status for s in result.steps] == [Status.SUCCEEDED] * 5
        image, album = (s.saved["id"] for s in result.steps[:2])
        assert sent(sandbox) == (
            expected(
                """
                POST /imgur/3/upload
                POST /imgur/3/album
                GET /imgur/3/album/{album}
                GET /imgur/3/image/{image}
                POST /imgur/3/image/{image}
                """,
                album=album,
                image=image,
            )
        )


def call(name: str, **args: Any) -> Call:
    endpoint = load_catalog().get(name)
    assert endpoint is not None
    return Call(endpoint, args)


def proxy(sandbox: Sandbox) -> LowCodeApiTransport:
    return LowCodeApiTransport(
        sandbox.lowcodeapi_url, Redactor(), api_token=DEMO_API_TOKEN
    )


def failure(reply: Reply) -> str:
    error = reply_error(reply)
    assert error is not None
    return str(error)


class TestImgursOwn404:
    """An unknown id is Imgur's answer, whatever the wrapper: no second try."""

    @pytest.fixture(params=["hosted", "oss"])
    def sandbox_options(self, request: pytest.FixtureRequest) -> dict[str, Any]:
        return {"lowcodeapi_style": request.param}

    @pytest.mark.parametrize(
        ("name", "args", "words"),
        [
            ("image.get", {"imageHash": "NoSuch1"}, "an image with the id, NoSuch1"),
            (
                "gallery.create_comment",
                {"galleryHash": "NoSuch2", "comment": "hi"},
                "an image with the id, NoSuch2",
            ),
        ],
        ids=["get", "post"],
    )
    def test_it_is_sent_once_and_named_by_its_url(
        self, sandbox: Sandbox, name: str, args: dict[str, str], words: str
    ) -> None:
        transport = proxy(sandbox)

        reply = transport.send(call(name, **args))

        assert len(sandbox.received) == 1
        error = failure(reply)
        assert f"/imgur/3/{'image' if 'image' in name else 'gallery'}/NoSuch" in error
        assert f"HTTP 404: Unable to find {words}" in error
        assert transport.url_format == "new"


class TestProxyWithoutImgur:
    """Neither format is a route: both are tried, the first answer is shown."""

    @pytest.fixture
    def sandbox_options(self) -> dict[str, Any]:
        return {"lowcodeapi_formats": set()}

    def test_the_error_shows_the_new_format_url(self, sandbox: Sandbox) -> None:
        transport = proxy(sandbox)

        reply = transport.send(call("album.get", albumHash="Hol1d4y"))

        assert [r.path for r in sandbox.received] == [
            "/imgur/3/album/Hol1d4y",
            "/imgur/3/album/albumhash",
        ]
        error = failure(reply)
        assert "GET http://127.0.0.1:" in error
        assert "/imgur/3/album/Hol1d4y?api_token=***" in error
        assert "HTTP 404: LowCodeAPI has no route for this call" in error
        assert transport.url_format is None


# A passing failure before the proxy routes anything, then the two steps.
PASSING_FIRST = """\
version: 1
steps:
  - id: me
    call: account.get
    with: {username: me}
    retry: {attempts: 3, delay: 0.01, jitter: false}
  - id: images
    call: account.list_images
    with: {username: me}
"""

PASSING_FAULTS = {
    "503": Fault(503, at="lowcodeapi"),
    "503-page": Fault(503, html=True, at="lowcodeapi"),
    "429": Fault(429, at="lowcodeapi"),
    "503-from-imgur": Fault(503),
}


class TestAPassingFailureFirst:
    """A 503 or 429 shows nothing of the route: it must not fix the format."""

    @pytest.fixture
    def sandbox_options(self) -> dict[str, Any]:
        return {"lowcodeapi_formats": {"old"}}

    @pytest.mark.parametrize(
        "fault", PASSING_FAULTS.values(), ids=PASSING_FAULTS.keys()
    )
    def test_the_format_is_learnt_from_the_answer_after_it(
        self, sandbox: Sandbox, tmp_path: Path, fault: Fault
    ) -> None:
        sandbox.faults.add(fault)
        waits: list[float] = []

        result = run_text(sandbox, tmp_path, PASSING_FIRST, waits.append)

        assert [(s.id, s.status, s.error) for s in result.steps] == [
            ("me", Status.SUCCEEDED, None),
            ("images", Status.SUCCEEDED, None),
        ]
        assert (result.steps[0].attempts, len(waits)) == (2, 1)
        first = ["GET /imgur/3/account/me"]
        if fault.at == "imgur":  # the proxy routed the old format to Imgur
            first.append("GET /imgur/3/account/username")
        assert sent(sandbox) == [
            *first,
            "GET /imgur/3/account/me",
            "GET /imgur/3/account/username",
            "GET /imgur/3/account/username/images/page",
        ]

    def test_the_transport_learns_nothing_from_it(self, sandbox: Sandbox) -> None:
        transport = proxy(sandbox)
        sandbox.faults.add(Fault(503, at="lowcodeapi"))

        busy = transport.send(call("account.get", username="me"))
        learnt = transport.url_format
        again = transport.send(call("account.get", username="me"))

        assert "failed with HTTP 503" in failure(busy)
        assert learnt is None
        assert again.body["data"]["url"] == "demo_user"
        assert transport.url_format == "old"


class TestALearntFormatWithoutTheRoute:
    """The proxy stops knowing the learnt format: the other is tried."""

    def test_the_other_format_answers_and_is_learnt(self, sandbox: Sandbox) -> None:
        transport = proxy(sandbox)
        transport.send(call("album.get", albumHash="Hol1d4y"))
        assert transport.url_format == "new"
        sandbox.lowcodeapi.formats = frozenset({"old"})

        reply = transport.send(call("image.get", imageHash="vnKe11t"))
        again = transport.send(call("image.get", imageHash="Bq3xT9a"))

        assert (reply_error(reply), reply.body["data"]["id"]) == (None, "vnKe11t")
        assert again.body["data"]["id"] == "Bq3xT9a"
        assert transport.url_format == "old"
        assert sent(sandbox) == [
            "GET /imgur/3/album/Hol1d4y",
            "GET /imgur/3/image/vnKe11t",
            "GET /imgur/3/image/imagehash",
            "GET /imgur/3/image/imagehash",
        ]

    def test_a_passing_failure_of_the_learnt_format_is_not_sent_again(
        self, sandbox: Sandbox
    ) -> None:
        transport = proxy(sandbox)
        transport.send(call("album.get", albumHash="Hol1d4y"))
        sandbox.faults.add(Fault(503, at="lowcodeapi"))

        reply = transport.send(call("image.get", imageHash="vnKe11t"))

        assert "failed with HTTP 503" in failure(reply)
        assert len(sandbox.received) == 2
        assert transport.url_format == "new"


LEARNING_OLD = 2  # album.get in the new format (no route), then the old


class TestAnOldFormatLearntOnANewFormatProxy:
    """Old-format paths are new-format URLs on ids like `imagehash`."""

    @pytest.fixture
    def sandbox_options(self) -> dict[str, Any]:
        return {"lowcodeapi_formats": {"old"}}

    @pytest.fixture
    def transport(self, sandbox: Sandbox) -> LowCodeApiTransport:
        transport = proxy(sandbox)
        transport.send(call("album.get", albumHash="Hol1d4y"))
        assert transport.url_format == "old"
        sandbox.lowcodeapi.formats = frozenset({"new"})
        return transport

    def test_imgurs_404_to_the_old_format_sends_the_new_one(
        self, sandbox: Sandbox, transport: LowCodeApiTransport
    ) -> None:
        reply = transport.send(call("image.get", imageHash="vnKe11t"))
        again = transport.send(call("image.get", imageHash="Bq3xT9a"))

        assert (reply_error(reply), reply.body["data"]["id"]) == (None, "vnKe11t")
        assert again.body["data"]["id"] == "Bq3xT9a"
        assert (transport.proven["image.get"], transport.url_format) == ("new",) * 2
        assert sent(sandbox)[LEARNING_OLD:] == [
            "GET /imgur/3/image/imagehash",
            "GET /imgur/3/image/vnKe11t",
            "GET /imgur/3/image/Bq3xT9a",
        ]

    def test_a_write_reaches_the_image_named(
        self, sandbox: Sandbox, transport: LowCodeApiTransport
    ) -> None:
        reply = transport.send(
            call("image.update", imageHash="vnKe11t", title="Renamed")
        )

        assert reply_error(reply) is None
        assert sandbox.store.images["vnKe11t"].title == "Renamed"

    def test_a_genuine_404_in_the_new_format_is_sent_once(
        self, sandbox: Sandbox, transport: LowCodeApiTransport
    ) -> None:
        transport.send(call("image.get", imageHash="vnKe11t"))
        before = len(sandbox.received)

        reply = transport.send(call("image.get", imageHash="NoSuch1"))

        assert sent(sandbox)[before:] == ["GET /imgur/3/image/NoSuch1"]
        assert "Unable to find an image with the id, NoSuch1" in failure(reply)

    def test_an_endpoint_proven_old_tries_the_new_format_again(
        self, sandbox: Sandbox, transport: LowCodeApiTransport
    ) -> None:
        reply = transport.send(call("album.get", albumHash="Hol1d4y"))

        assert reply_error(reply) is None
        assert transport.proven["album.get"] == "new"
        assert sent(sandbox)[LEARNING_OLD:] == [
            "GET /imgur/3/album/albumhash",
            "GET /imgur/3/album/Hol1d4y",
        ]


class TestAProxyWithFormatsPerEndpoint:
    """Each endpoint remembers its own format: no call pays for another's."""

    def test_each_endpoint_goes_straight_to_its_format(self, sandbox: Sandbox) -> None:
        sandbox.lowcodeapi.endpoint_formats = {
            "album.get": frozenset({"new"}),
            "image.get": frozenset({"old"}),
        }
        transport = proxy(sandbox)

        for _ in range(2):
            album = transport.send(call("album.get", albumHash="Hol1d4y"))
            image = transport.send(call("image.get", imageHash="vnKe11t"))
            assert (reply_error(album), reply_error(image)) == (None, None)

        assert transport.proven == {"album.get": "new", "image.get": "old"}
        assert sent(sandbox) == [
            "GET /imgur/3/album/Hol1d4y",
            "GET /imgur/3/image/vnKe11t",  # no route
            "GET /imgur/3/image/imagehash",
            "GET /imgur/3/album/Hol1d4y",
            "GET /imgur/3/image/imagehash",
        ]

    def test_an_endpoint_not_yet_called_starts_with_the_latest_format(
        self, sandbox: Sandbox
    ) -> None:
        sandbox.lowcodeapi.formats = frozenset({"old"})
        sandbox.lowcodeapi.endpoint_formats = {"album.get": frozenset({"new"})}
        transport = proxy(sandbox)
        transport.send(call("album.get", albumHash="Hol1d4y"))
        transport.send(call("image.get", imageHash="vnKe11t"))
        before = len(sandbox.received)

        reply = transport.send(call("account.get", username="me"))

        assert reply_error(reply) is None
        assert sent(sandbox)[before:] == ["GET /imgur/3/account/username"]


def run_text(
    sandbox: Sandbox,
    folder: Path,
    text: str,
    sleep: Callable[[float], None],
) -> RunResult:
    playbook = folder / "playbook.yaml"
    playbook.write_text(text, encoding="utf-8")
    request = RunRequest(
        playbook=playbook,
        target=Target.LOWCODEAPI,
        base_url=sandbox.lowcodeapi_url,
        report=folder / "report.json",
        env={"LOWCODEAPI_API_TOKEN": DEMO_API_TOKEN},
    )
    return run(request, rng=random.Random(1), sleep=sleep).result
