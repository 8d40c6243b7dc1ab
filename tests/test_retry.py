"""Retries: waits that grow, jitter, a cap, Retry-After and `until`."""

import random
import socketserver
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest import MonkeyPatch

from runner import transports
from runner.errors import ApiError, StepError
from runner.executor import Executor
from runner.playbook import load_playbook
from runner.redact import Redactor
from runner.results import Status
from runner.retry import Retry
from runner.sandbox import DEMO_USER, Fault, Sandbox
from runner.targets import Target
from runner.transports import Call, ImgurTransport, Reply, Transport

from .conftest import FAKE_ACCESS_TOKEN, RunText, Waits

ME = """\
version: 1
steps:
  - id: me
    call: account.get
    with: {username: me}
    RETRY
    save: {url: data.url}
"""


def test_waits_grow_by_the_backoff_up_to_the_cap() -> None:
    retry = Retry(attempts=6, delay=1, backoff=3, max_delay=20, jitter=False)
    rng = random.Random(1)

    assert [retry.wait(n, rng) for n in range(1, 6)] == [1, 3, 9, 20, 20]


def test_jitter_draws_between_half_and_all_of_the_wait() -> None:
    retry = Retry(attempts=3, delay=4, backoff=2, max_delay=60)
    rng = random.Random(1)

    waits = [retry.wait(2, rng) for _ in range(200)]
    assert all(4 <= wait <= 8 for wait in waits)
    assert len(set(waits)) > 100  # drawn, not fixed


def test_retry_after_sets_the_least_wait_but_not_past_the_cap() -> None:
    retry = Retry(attempts=3, delay=1, max_delay=30, jitter=False)
    rng = random.Random(1)
    asked = ApiError("HTTP 429", http_status=429, retryable=True, retry_after=12)

    assert retry.wait_for(1, asked, rng) == 12
    too_long = ApiError("HTTP 429", http_status=429, retryable=True, retry_after=90)
    with pytest.raises(StepError, match=r"asks to wait 90s .* retry.max_delay \(30s\)"):
        retry.wait_for(1, too_long, rng)


@pytest.mark.parametrize("target", [Target.IMGUR, Target.LOWCODEAPI], ids=str)
def test_passing_server_errors_are_tried_again(
    run_text: RunText, sandbox: Sandbox, waits: Waits, target: Target
) -> None:
    sandbox.faults.add(Fault(503), times=2)

    ran = run_text(ME.replace("RETRY", "retry: {attempts: 3, delay: 2}"), target)

    me = ran.step("me")
    assert (me.status, me.attempts, me.saved["url"]) == (
        Status.SUCCEEDED,
        3,
        DEMO_USER,
    )
    assert len(waits) == 2
    assert 1 <= waits[0] <= 2 and 2 <= waits[1] <= 4
    assert ran.report["steps"][0]["attempts"] == 3


def test_a_429_waits_as_long_as_imgur_asks(
    run_text: RunText, sandbox: Sandbox, waits: Waits
) -> None:
    sandbox.faults.add(Fault(429, retry_after=7))

    ran = run_text(ME.replace("RETRY", "retry: {attempts: 2, delay: 1}"))

    assert ran.step("me").status is Status.SUCCEEDED
    assert waits == [7]


def test_without_retry_a_failure_is_final(
    run_text: RunText, sandbox: Sandbox, waits: Waits
) -> None:
    sandbox.faults.add(Fault(500))

    ran = run_text(ME.replace("RETRY", ""))

    me = ran.step("me")
    assert (me.status, me.attempts, me.http_status) == (Status.FAILED, 1, 500)
    assert waits == []


def test_tries_run_out_and_the_last_error_is_told(
    run_text: RunText, sandbox: Sandbox, waits: Waits
) -> None:
    sandbox.faults.add(Fault(502, html=True), times=3)

    ran = run_text(ME.replace("RETRY", "retry: {attempts: 3, jitter: false}"))

    me = ran.step("me")
    assert (me.status, me.attempts) == (Status.FAILED, 3)
    assert me.error is not None
    assert "HTTP 502: a body that is not JSON (text/html" in me.error
    assert waits == [1, 2]


def test_a_client_error_is_not_tried_again(
    run_text: RunText, sandbox: Sandbox, waits: Waits
) -> None:
    ran = run_text(
        """\
        version: 1
        steps:
          - id: gone
            call: album.get
            with: {albumHash: NoSuchAlbum}
            retry: {attempts: 5}
        """
    )

    assert (ran.step("gone").status, ran.step("gone").attempts) == (Status.FAILED, 1)
    assert waits == []


def test_until_polls_while_the_answer_is_not_there_yet(
    run_text: RunText, sandbox: Sandbox, waits: Waits
) -> None:
    image = sandbox.store.images["vnKe11t"]
    image.title = None

    def someone_retitles_it(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            image.title = "Finally named"

    ran = run_text(
        """\
        version: 1
        steps:
          - id: wait
            call: image.get
            with: {imageHash: vnKe11t}
            retry: {attempts: 5, delay: 10, jitter: false, until: data.title}
            save: {title: data.title}
        """,
        sleep=someone_retitles_it,
    )

    wait = ran.step("wait")
    assert (wait.status, wait.attempts, wait.saved["title"]) == (
        Status.SUCCEEDED,
        3,
        "Finally named",
    )
    assert waits == [10, 20]


def test_until_that_never_holds_fails_with_the_values_seen(
    run_text: RunText, waits: Waits
) -> None:
    ran = run_text(
        """\
        version: 1
        steps:
          - id: wait
            call: image.get
            with: {imageHash: vnKe11t}
            retry: {attempts: 3, delay: 1, jitter: false, until: "data.views > `100`"}
        """
    )

    wait = ran.step("wait")
    assert (wait.status, wait.attempts) == (Status.FAILED, 3)
    assert wait.error == (
        "still not true after 3 attempts: retry.until `data.views > `100`` "
        "is false: data.views is 2"
    )
    assert waits == [1, 2]


class FaultBefore:
    """The real transport, with a passing 503 served to chosen requests."""

    def __init__(self, transport: Transport, sandbox: Sandbox, numbers: set[int]):
        self.transport, self.sandbox, self.numbers = transport, sandbox, numbers
        self.name, self.base_url = transport.name, transport.base_url
        self.sent = 0

    def send(self, call: Call) -> Reply:
        self.sent += 1
        if self.sent in self.numbers:
            self.sandbox.faults.add(Fault(503))
        return self.transport.send(call)


PAGED = """\
version: 1
steps:
  - id: images
    call: account.list_images
    with: {username: me}
    pages: all
    RETRY
    save: {count: length(data)}
"""


def add_images(sandbox: Sandbox, count: int) -> None:
    demo = sandbox.store.account(DEMO_USER)
    for _ in range(count):
        sandbox.store.add_image(demo, mime="image/png", width=1, height=1, size=9)


def test_each_page_has_its_own_tries(
    sandbox: Sandbox, write_playbook: Callable[[str], Path], waits: Waits
) -> None:
    add_images(sandbox, 98)  # 100 images: pages 0 and 1, then the empty page 2
    text = PAGED.replace("RETRY", "retry: {attempts: 2, jitter: false}")
    playbook = load_playbook(write_playbook(text))
    transport = ImgurTransport(sandbox.url, Redactor(), access_token=FAKE_ACCESS_TOKEN)
    # A passing error on page 0 and another on page 1, one try each.
    sender = FaultBefore(transport, sandbox, {1, 3})

    images = Executor(playbook, sender, sleep=waits).run().steps[0]

    assert (images.status, images.saved["count"]) == (Status.SUCCEEDED, 100)
    assert (images.attempts, images.pages, sender.sent) == (3, 3, 5)
    assert waits == [1, 1]  # each page's first retry waits the first delay


def test_pages_read_are_reported_when_a_later_page_fails(
    run_text: RunText, sandbox: Sandbox
) -> None:
    add_images(sandbox, 98)
    sandbox.faults.add(Fault(200))  # page 0 answers as usual,
    sandbox.faults.add(Fault(500))  # page 1 fails

    ran = run_text(PAGED.replace("RETRY", ""))

    images = ran.step("images")
    assert (images.status, images.http_status, images.pages) == (
        Status.FAILED,
        500,
        1,
    )
    assert ran.report["steps"][0]["pages"] == 1


UPLOAD = """\
version: 1
steps:
  - id: album
    call: album.create
    with: {title: Once only}
    retry: {attempts: 3}
"""


def test_a_write_whose_answer_was_lost_is_not_sent_again(
    run_text: RunText, sandbox: Sandbox, waits: Waits, monkeypatch: MonkeyPatch
) -> None:
    monkeypatch.setattr(transports, "READ_TIMEOUT", 0.05)
    sandbox.faults.add(Fault(200, delay=0.3, endpoint="album.create"))

    ran = run_text(UPLOAD)

    album = ran.step("album")
    assert (album.status, album.attempts, waits) == (Status.FAILED, 1, [])
    assert album.error is not None
    assert album.error.endswith(
        "got no answer: timed out. The request had been sent, so Imgur may have "
        "acted on it; it is not sent again: check on Imgur before running "
        "this step again"
    )


def test_a_read_whose_answer_was_lost_is_tried_again(
    run_text: RunText, sandbox: Sandbox, waits: Waits, monkeypatch: MonkeyPatch
) -> None:
    monkeypatch.setattr(transports, "READ_TIMEOUT", 0.05)
    sandbox.faults.add(Fault(200, delay=0.3, endpoint="account.get"))

    ran = run_text(ME.replace("RETRY", "retry: {attempts: 2}"))

    me = ran.step("me")
    assert (me.status, me.attempts, len(waits)) == (Status.SUCCEEDED, 2, 1)


def test_a_write_that_could_not_connect_is_tried_again(
    write_playbook: Callable[[str], Path], waits: Waits
) -> None:
    playbook = load_playbook(write_playbook(UPLOAD))
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens on it
    transport = ImgurTransport(closed, Redactor(), access_token=FAKE_ACCESS_TOKEN)

    album = Executor(playbook, transport, sleep=waits).run().steps[0]

    assert (album.status, album.attempts, len(waits)) == (Status.FAILED, 3, 2)
    assert album.error is not None and "could not connect" in album.error


class _HangsUp(socketserver.BaseRequestHandler):
    """Reads the request, then closes the connection without an answer."""

    def handle(self) -> None:
        self.request.recv(65536)


@pytest.fixture
def hangs_up() -> Iterator[str]:
    with socketserver.TCPServer(("127.0.0.1", 0), _HangsUp) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


def test_a_write_whose_connection_broke_says_so_and_is_not_sent_again(
    write_playbook: Callable[[str], Path], waits: Waits, hangs_up: str
) -> None:
    playbook = load_playbook(write_playbook(UPLOAD))
    transport = ImgurTransport(hangs_up, Redactor(), access_token=FAKE_ACCESS_TOKEN)

    album = Executor(playbook, transport, sleep=waits).run().steps[0]

    assert (album.status, album.attempts, waits) == (Status.FAILED, 1, [])
    assert album.error is not None
    assert "got no answer: the connection broke before the answer came." in (
        album.error
    )
    assert "could not connect" not in album.error
