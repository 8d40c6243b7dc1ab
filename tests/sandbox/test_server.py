"""Starting and stopping the sandbox, and many callers at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from runner.console import sandbox_banner
from runner.errors import SandboxError
from runner.sandbox import DEMO_CLIENT_ID, Sandbox
from runner.sandbox.seed import seeded_world

from .support import BEARER, CLIENT, Imgur, png


def test_the_url_exists_only_while_listening() -> None:
    sandbox = Sandbox()

    with pytest.raises(SandboxError, match="not listening"):
        _ = sandbox.url

    with sandbox:
        assert sandbox.url.startswith("http://127.0.0.1:")
        assert sandbox.lowcodeapi_url == sandbox.url + "/imgur"


def test_a_taken_port_is_a_sandbox_error(sandbox: Sandbox) -> None:
    port = int(sandbox.url.rsplit(":", 1)[1])

    with pytest.raises(
        SandboxError, match=f"port {port} on 127.0.0.1 is already in use"
    ):
        Sandbox(port=port).start()


def test_credentials_must_name_a_seeded_account() -> None:
    with pytest.raises(SandboxError, match="nobody_here"):
        Sandbox(access_tokens={"some-token": "nobody_here"})


def test_the_foreground_server_answers_until_stopped() -> None:
    sandbox = Sandbox()
    ready = threading.Event()
    serving = threading.Thread(
        target=sandbox.serve_forever, args=(lambda _: ready.set(),)
    )
    serving.start()
    ready.wait(timeout=10)

    with requests.Session() as session:
        headers = {"Authorization": f"Client-ID {DEMO_CLIENT_ID}"}
        answer = session.get(sandbox.url + "/3/album/Hol1d4y", headers=headers)
    sandbox.stop()
    serving.join(timeout=10)

    assert answer.status_code == 200
    assert not serving.is_alive()


def test_concurrent_uploads_keep_the_store_consistent(
    imgur: Imgur, sandbox: Sandbox
) -> None:
    def one_upload(_: int) -> str:
        files = {"image": ("a.png", png(), "image/png")}
        with requests.Session() as session:
            headers = {"Authorization": BEARER}
            answer = session.post(
                imgur.base + "/3/upload", headers=headers, files=files
            )
        return str(answer.json()["data"]["id"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(one_upload, range(24)))

    assert len(set(ids)) == 24
    assert set(ids) <= set(sandbox.store.images)
    credits = imgur.get("/3/credits", CLIENT).json()["data"]
    assert credits["UserRemaining"] == credits["UserLimit"] - 24 * 10 - 1


def test_what_the_banner_says_a_new_sandbox_holds_is_there(
    sandbox: Sandbox, imgur: Imgur
) -> None:
    world = dict(line.split(": ", 1) for line in seeded_world(sandbox.store))
    users = world["accounts"].split(" (")[0].split(", ")
    tags = world["tags"].split(", ")
    posts = world["gallery posts"].split(", ")

    assert {"demo_user", "spam_bot_1"} <= set(users)
    for user in users:
        assert imgur.get(f"/3/account/{user}").status_code == 200, user
    for tag in tags:
        assert imgur.get(f"/3/gallery/t/{tag}").status_code == 200, tag
    for post in posts:
        assert imgur.get(f"/3/gallery/{post}/votes").status_code == 200, post


def test_a_sandbox_on_every_address_is_rehearsed_through_loopback() -> None:
    with Sandbox(host="0.0.0.0") as everywhere:
        banner = sandbox_banner(everywhere)
        base_url = f"http://127.0.0.1:{everywhere.url.rsplit(':', 1)[1]}"
        answer = requests.get(
            f"{base_url}/3/account/demo_user",
            headers={"Authorization": f"Client-ID {DEMO_CLIENT_ID}"},
            timeout=5,
        )

    assert f"--target sandbox --base-url {base_url}\n" in banner
    assert "0.0.0.0" not in banner
    assert answer.status_code == 200
