"""Upload bytes and what they really are: type, size and frames, read by Pillow.

Bytes arrive as a multipart file, as base64 text, or from a URL. The sandbox
never reaches the internet, so a URL must point at the loopback address.
"""

from __future__ import annotations

import base64
import binascii
import io
import urllib.request
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

from PIL import Image as PillowImage

from runner.sandbox.errors import ImgurError, bad_request

CORRUPT = "Image format not supported, or image is corrupt."
TOO_BIG = "File is over the size limit"
MAX_IMAGE_BYTES = 20 * 1024 * 1024
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1"})
FETCH_TIMEOUT = 10.0

# Pillow's format names for the image types Imgur accepts.
ACCEPTED = frozenset({"JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP"})


@dataclass(frozen=True)
class Media:
    """What an upload turned out to be."""

    mime: str
    width: int
    height: int
    size: int
    animated: bool


def inspect(data: bytes) -> Media:
    """Read the real type, dimensions and animation of image bytes.

    Raises:
        ImgurError: 400 when the bytes are not an image Imgur accepts.
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise bad_request(TOO_BIG)
    try:
        with PillowImage.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            animated = bool(getattr(image, "is_animated", False))
            mime = image.get_format_mimetype()
            image.verify()
    except (OSError, SyntaxError, ValueError, PillowImage.DecompressionBombError):
        # Pillow's ways of saying "not an image" (UnidentifiedImageError is an
        # OSError) or "a damaged one".
        raise bad_request(CORRUPT) from None
    if kind not in ACCEPTED or mime is None:
        raise bad_request(CORRUPT)
    return Media(mime, width, height, len(data), animated)


def from_base64(text: str) -> bytes:
    """The bytes of base64 text (a ``data:`` URL prefix is allowed).

    Raises:
        ImgurError: 400 when the text is not base64.
    """
    _, comma, payload = text.partition(",")
    encoded = payload if comma and text.startswith("data:") else text
    try:
        return base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        raise bad_request(CORRUPT) from None


def from_url(url: str) -> bytes:
    """The bytes at a loopback URL.

    Raises:
        ImgurError: 400 for a URL off this machine or one that cannot be read.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOOPBACK_HOSTS:
        raise bad_request(
            "The sandbox never fetches from the internet: an image URL must point "
            f"at 127.0.0.1, not {parts.hostname or url!r}. Upload the file instead."
        )
    try:
        with _OPENER.open(url, timeout=FETCH_TIMEOUT) as answer:
            return _read_capped(answer)
    except (OSError, ValueError) as error:  # URLError and HTTPError are OSErrors
        raise bad_request(f"Could not fetch the image URL: {error}") from None


def _read_capped(stream: IO[bytes]) -> bytes:
    data = stream.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise ImgurError(400, TOO_BIG)
    return data


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead off the machine; refuse it like any other address.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# No proxies either: a proxy from the environment would be a way off the machine.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())
