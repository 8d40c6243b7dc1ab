"""What the sandbox tests share: demo credentials, an HTTP helper, image bytes."""

from __future__ import annotations

import io
from typing import Any

import requests
from PIL import Image

from runner.sandbox import DEMO_ACCESS_TOKEN, DEMO_CLIENT_ID

ARTIST_TOKEN = "artist-access-token"
BEARER = f"Bearer {DEMO_ACCESS_TOKEN}"
ARTIST = f"Bearer {ARTIST_TOKEN}"
CLIENT = f"Client-ID {DEMO_CLIENT_ID}"


Reply = requests.Response


class Imgur:
    """Plain HTTP calls to a sandbox, with the Authorization header given whole."""

    def __init__(self, base: str, session: requests.Session) -> None:
        self.base = base
        self.session = session

    def call(self, method: str, path: str, auth: str | None, **kw: Any) -> Reply:
        headers = {"Authorization": auth} if auth else {}
        return self.session.request(method, self.base + path, headers=headers, **kw)

    def get(self, path: str, auth: str | None = BEARER, **kw: Any) -> Reply:
        return self.call("GET", path, auth, **kw)

    def post(self, path: str, auth: str | None = BEARER, **kw: Any) -> Reply:
        return self.call("POST", path, auth, **kw)

    def delete(self, path: str, auth: str | None = BEARER, **kw: Any) -> Reply:
        return self.call("DELETE", path, auth, **kw)


def png(width: int = 30, height: int = 20) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (12, 12), colour) for colour in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], loop=0)
    return buffer.getvalue()


def upload(imgur: Imgur, auth: str = BEARER, **data: str) -> dict[str, Any]:
    """Upload a PNG as multipart and return the Image model."""
    files = {"image": ("photo.png", png(), "image/png")}
    answer = imgur.post("/3/upload", auth, files=files, data=data)
    assert answer.status_code == 200, answer.text
    image: dict[str, Any] = answer.json()["data"]
    return image
