"""Fixtures shared by the test modules."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "playbooks" / "examples"


@pytest.fixture
def write_playbook(tmp_path: Path) -> Callable[[str], Path]:
    """Write YAML (dedented) to a playbook file in a fresh folder."""

    def write(text: str, name: str = "playbook.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write
