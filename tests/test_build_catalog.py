"""tools/build_catalog.py: the catalog is what the reference builds."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Beside the checkout on the machines where the reference is written; a clone
# of the repository alone has only the copy in tools/reference/.
SHARED = ROOT.parent / "shared" / "reference" / "imgur-endpoints.yaml"


def load_tool() -> ModuleType:
    path = ROOT / "tools" / "build_catalog.py"
    spec = importlib.util.spec_from_file_location("build_catalog", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = load_tool()


def test_the_catalog_is_what_the_reference_builds() -> None:
    catalog = ROOT / "runner" / "catalog.yaml"
    rebuilt = TOOL.catalog_text()
    assert rebuilt == catalog.read_text(encoding="utf-8"), (
        "run `python tools/build_catalog.py`"
    )


@pytest.mark.skipif(not SHARED.is_file(), reason=f"no shared reference at {SHARED}")
def test_the_reference_copy_is_the_shared_reference() -> None:
    copy = TOOL.REFERENCE.read_bytes()
    assert copy == SHARED.read_bytes(), "see tools/reference/README.md"


def raw_endpoint(**changes: Any) -> dict[str, Any]:
    """A reference entry with a path `username` and a body field."""
    field = {"name": "bio", "type": "string", "required": False}
    raw: dict[str, Any] = {
        "name": "account.some_update",
        "full_description": "Updates something",
        "imgur_path": "/3/account/{username}/something",
        "path_params": [{"name": "username", "type": "string", "required": True}],
        "query_params": [],
        "body": {"encoding": "form", "fields": [field]},
    }
    return {**raw, **changes}


def test_a_field_named_like_a_path_parameter_stops_the_build() -> None:
    field = {"name": "username", "type": "string", "required": False}
    raw = raw_endpoint(body={"encoding": "form", "fields": [field]})

    with pytest.raises(SystemExit, match=r"account\.some_update: username named twice"):
        TOOL.convert_params(raw)


@pytest.mark.parametrize(
    "text",
    ["| Key | Required | Value", "#### Response Model: [Basic](https://api"],
    ids=["table", "heading"],
)
def test_a_summary_that_is_markup_stops_the_build(text: str) -> None:
    with pytest.raises(SystemExit, match="is no summary; see SUMMARIES"):
        TOOL.summary(raw_endpoint(full_description=text))
