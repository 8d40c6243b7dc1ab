"""The editor schema: generated from the catalog and kept in sync with it."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from runner.catalog import load_catalog
from runner.editor_schema import playbook_schema, schema_json
from runner.schema import schema_text

from .conftest import EXAMPLES


def full_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_text("playbook"))
    return schema


def editor_errors(playbook: dict[str, Any]) -> list[str]:
    validator = Draft7Validator(full_schema())
    return [error.message for error in validator.iter_errors(playbook)]


def test_the_schema_file_is_in_sync_with_the_catalog() -> None:
    text = schema_text("playbook")
    regenerated = schema_json(playbook_schema(json.loads(text), load_catalog()))
    assert text == regenerated, "run `python tools/build_schema.py`"


def test_call_completes_to_every_endpoint_name() -> None:
    calls = full_schema()["definitions"]["calls"]
    assert calls["properties"]["call"]["enum"] == [e.name for e in load_catalog()]


def test_the_examples_are_valid_for_editors() -> None:
    for path in sorted(Path(EXAMPLES).glob("*.yaml")):
        assert editor_errors(yaml.safe_load(path.read_text())) == [], path.name


def test_with_completes_to_the_chosen_endpoints_parameters() -> None:
    playbook = {
        "version": 1,
        "steps": [
            {
                "id": "a",
                "call": "album.create",
                "with": {"titel": "x", "privacy": "hiden", "ids": "{{ vars.ids }}"},
            }
        ],
    }
    errors = " | ".join(editor_errors(playbook))
    assert "'titel' was unexpected" in errors
    assert "'hiden'" in errors
    assert "ids" not in errors


def one_step(step: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "steps": [{"id": "a", **step}]}


@pytest.mark.parametrize(
    "call",
    ["album.get", "image.upload", "account.update_settings"],
    ids=["required-parameter", "one-of-a-group", "required-path-value"],
)
def test_a_call_that_needs_parameters_needs_with(call: str) -> None:
    errors = editor_errors(one_step({"call": call}))
    assert errors == ["'with' is a required property"]


def test_a_call_without_required_parameters_needs_no_with() -> None:
    assert editor_errors(one_step({"call": "account.get_settings"})) == []


def test_per_page_is_offered_from_1_to_100() -> None:
    step = {"call": "account.list_albums", "with": {"username": "me", "perPage": 500}}
    errors = editor_errors(one_step(step))
    assert any("500" in error for error in errors)
    step["with"] = {"username": "me", "perPage": 100}
    assert editor_errors(one_step(step)) == []


def test_a_new_username_is_offered_beside_the_path_username() -> None:
    calls = full_schema()["definitions"]["calls"]["allOf"]
    [settings] = [
        rule["then"]["properties"]["with"]
        for rule in calls
        if rule["if"]["properties"]["call"]["const"] == "account.update_settings"
    ]
    username = settings["properties"]["username"]["description"]
    new_username = settings["properties"]["new_username"]["description"]
    assert username.endswith("(path)")
    assert new_username.endswith("(body, sent as username)")
    assert settings["required"] == ["username"]
