"""The port the sandbox listens on: a bad or busy one is a clear SandboxError."""

from __future__ import annotations

import pytest

from runner.errors import SandboxError
from runner.sandbox import Sandbox, serve


@pytest.mark.parametrize("port", [99999, 65536, -1], ids=str)
def test_a_port_that_does_not_exist_is_refused(port: int) -> None:
    with pytest.raises(SandboxError, match=f"port {port} does not exist"):
        Sandbox(port=port)


def test_the_foreground_server_refuses_it_too() -> None:
    with pytest.raises(SandboxError, match="choose one from 1 to 65535"):
        serve(port=99999)


def test_a_busy_port_says_so_and_what_to_do(sandbox: Sandbox) -> None:
    port = int(sandbox.url.rsplit(":", 1)[1])

    with pytest.raises(SandboxError) as refused:
        Sandbox(port=port).start()

    assert str(refused.value) == (
        f"port {port} on 127.0.0.1 is already in use; "
        "choose another --port, or 0 for any free one"
    )
