"""The bodies Imgur answers with, success and failure, in each of its styles.

Most routes use the ``{data, success, status}`` envelope. ``/oauth2/token``
answers a bare token object; the ``/account/v1`` block routes answer
``{data}`` and report errors JSON:API style (``errors[]``), which is also how
Imgur's newer services say 429. Upload checks put an object in ``data.error``
(``{code, message, type, exception}``) where other routes put the text.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

from runner.sandbox.errors import ImgurError, RateLimited

OAUTH_PATH = "/oauth2/token"
JSONAPI_PREFIX = "/account/v1/"


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def success(path: str, data: Any) -> Response:
    """A 200 answer carrying `data` in the style of the route at `path`."""
    if path == OAUTH_PATH:
        return json_response(data)
    if path.startswith(JSONAPI_PREFIX):
        return json_response({"data": data})
    return json_response({"data": data, "success": True, "status": 200})


class ErrorStyle(StrEnum):
    """How an error body says what went wrong."""

    TEXT = "text"  # {"data": {"error": "..."}, ...}: most routes
    OBJECT = "object"  # {"data": {"error": {"message": ...}}, ...}: uploads
    JSONAPI = "jsonapi"  # {"errors": [{"detail": ...}]}: 429, /account/v1


def failure(
    error: ImgurError,
    method: str,
    path: str,
    error_id: str,
    style: ErrorStyle | None = None,
) -> Response:
    """The error answer for `error`, in `style` or that of the route at `path`."""
    style = style or _route_style(error, path)
    if style is ErrorStyle.JSONAPI:
        body = _jsonapi(error, error_id)
    else:
        body = _imgur(error, method, path, style)
    response = json_response(body, error.status)
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _route_style(error: ImgurError, path: str) -> ErrorStyle:
    if isinstance(error, RateLimited) or path.startswith(JSONAPI_PREFIX):
        return ErrorStyle.JSONAPI
    return ErrorStyle.TEXT


def _imgur(
    error: ImgurError, method: str, path: str, style: ErrorStyle
) -> dict[str, Any]:
    said: Any = error.message
    if style is ErrorStyle.OBJECT:
        # Imgur's own code numbers (1003: file type) are not modelled.
        said = {
            "code": error.status,
            "message": error.message,
            "type": "ImgurException",
            "exception": [],
        }
    data = {"error": said, "request": path, "method": method}
    return {"data": data, "success": False, "status": error.status}


def _jsonapi(error: ImgurError, error_id: str) -> dict[str, Any]:
    item = {
        "code": str(error.status),
        "detail": error.message,
        "id": error_id,
        "status": HTTP_STATUS_CODES.get(error.status, "Error"),
    }
    return {"errors": [item]}
