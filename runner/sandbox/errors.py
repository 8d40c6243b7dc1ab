"""Failures the sandbox answers with, in Imgur's own words where known."""

from __future__ import annotations

AUTH_REQUIRED = "Authentication required"
PERMISSION_DENIED = "Permission denied"


class ImgurError(Exception):
    """An error answer: an HTTP status and the message Imgur would send."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class RateLimited(ImgurError):
    """A credit budget is spent; ``retry_after`` says for how many seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(429, "Too Many Requests")
        self.retry_after = retry_after


def not_found(kind: str, key: str) -> ImgurError:
    """Imgur's 404 for an id it does not know (``kind``: image, album, ...)."""
    article = "an" if kind[0] in "aeiou" else "a"
    return ImgurError(404, f"Unable to find {article} {kind} with the id, {key}")


def account_not_found(username: str) -> ImgurError:
    return ImgurError(404, f"Unable to find an account with the username, {username}")


def auth_required(message: str = AUTH_REQUIRED) -> ImgurError:
    return ImgurError(401, message)


def forbidden(message: str = PERMISSION_DENIED) -> ImgurError:
    return ImgurError(403, message)


def bad_request(message: str) -> ImgurError:
    return ImgurError(400, message)
