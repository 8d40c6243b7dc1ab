"""tools/build_catalog.py: the catalog is what the reference builds."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

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


def reference_notes() -> list[str]:
    """Every note of the reference: the endpoints' and their parameters'."""
    reference = yaml.safe_load(TOOL.REFERENCE.read_text(encoding="utf-8"))
    notes: list[str] = []
    for raw in reference["endpoints"]:
        body = raw.get("body") or {}
        fields = raw["path_params"] + raw["query_params"] + body.get("fields", [])
        notes += raw.get("notes") or []
        notes += [field["notes"] for field in fields if field.get("notes")]
    return notes


def test_a_note_naming_a_source_stops_the_build_until_it_is_in_plain_words() -> None:
    with pytest.raises(SystemExit, match="names a source; add it to plain_words"):
        TOOL.plain("Postman sends Bearer here.")
    assert TOOL.plain("Only the owner may remove the item.") == (
        "Only the owner may remove the item."
    )


def test_no_note_of_the_catalog_names_a_source() -> None:
    catalog = yaml.safe_load((ROOT / "runner" / "catalog.yaml").read_text("utf-8"))
    texts = [
        text
        for entry in catalog["endpoints"]
        for text in [
            *entry.get("notes", []),
            *(param.get("description", "") for param in entry["params"]),
        ]
    ]
    assert [text for text in texts if TOOL.SOURCE_WORDS.search(text)] == []


def test_a_note_saying_a_fact_is_unconfirmed_still_says_so() -> None:
    unconfirmed = [note for note in reference_notes() if "unconfirmed" in note]

    plain = [TOOL.plain(note) for note in unconfirmed]

    assert unconfirmed and all(text and "confirmed" in text for text in plain), plain


def test_every_plain_rewrite_is_of_a_note_the_reference_has() -> None:
    assert set(TOOL.plain_words()) <= set(reference_notes())
