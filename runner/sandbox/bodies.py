"""Request values in every form Imgur takes them.

Form fields (urlencoded or multipart) repeat ``ids[]`` for a list; the
LowCodeAPI proxy sends a JSON object instead, with lists as JSON lists. Both
arrive at handlers under the catalog's names: ``ids``, not ``ids[]``.
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.wrappers import Request

from runner.catalog import Endpoint
from runner.sandbox.errors import bad_request

LIST_SUFFIX = "[]"

# Imgur takes images of up to 20 MB, also as base64 text in a form field, which
# is a third bigger; werkzeug's own limit for form text is only 500 kB.
MAX_BODY = 40 * 1024 * 1024


class ApiRequest(Request):
    """A request whose form fields may carry a whole image."""

    max_content_length = MAX_BODY
    max_form_memory_size = MAX_BODY


def read_args(request: Request, endpoint: Endpoint | None = None) -> dict[str, Any]:
    """Query and body values by name, lists for ``name[]`` keys.

    Body fields go under the `endpoint`'s names for them: the settings' new
    ``username`` is ``new_username``, apart from the path's ``username``.

    Raises:
        ImgurError: 400 for a JSON body that is not a JSON object.
    """
    args = _fields(request.args)
    if request.is_json:
        body = _json_fields(request.get_data())
    else:
        body = _fields(request.form)
    args.update(endpoint.named(body, "body") if endpoint else body)
    return args


def read_files(request: Request) -> dict[str, FileStorage]:
    """The multipart files by field name."""
    return dict(request.files.items())


def _fields(values: MultiDict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key in values:
        if key.endswith(LIST_SUFFIX):
            fields[key.removesuffix(LIST_SUFFIX)] = values.getlist(key)
        else:
            fields[key] = values[key]
    return fields


def _json_fields(data: bytes) -> dict[str, Any]:
    if not data.strip():
        return {}
    try:
        body = json.loads(data)
    except ValueError:
        raise bad_request("The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("The JSON request body must be an object")
    return {str(key).removesuffix(LIST_SUFFIX): value for key, value in body.items()}
