"""Regenerate the per-endpoint part of schemas/playbook.schema.json.

Run after changing runner/catalog.yaml (a test fails until you do):

    python tools/build_schema.py
"""

from __future__ import annotations

import json
from pathlib import Path

from runner.catalog import load_catalog
from runner.editor_schema import playbook_schema, schema_json

SCHEMA = (
    Path(__file__).resolve().parents[1] / "runner" / "schemas" / "playbook.schema.json"
)


def main() -> None:
    structure = json.loads(SCHEMA.read_text(encoding="utf-8"))
    SCHEMA.write_text(schema_json(playbook_schema(structure, load_catalog())), "utf-8")
    print(f"wrote {SCHEMA}")


if __name__ == "__main__":
    main()
