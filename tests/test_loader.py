from pathlib import Path

import pytest

from runner.errors import InvalidPlaybook
from runner.loader import load_document, parse_document


def test_every_node_knows_its_line() -> None:
    text = "version: 1\nsteps:\n  - id: me\n    with:\n      username: me\n"
    document = parse_document(Path("p.yaml"), text)
    assert document.data["steps"][0]["with"] == {"username": "me"}
    assert document.line(("steps", 0)) == 3
    assert document.line(("steps", 0, "with", "username")) == 5


def test_a_missing_node_is_placed_at_its_nearest_parent() -> None:
    document = parse_document(Path("p.yaml"), "version: 1\nsteps:\n  - id: me\n")
    assert document.line(("steps", 0, "with", "title")) == 3


def test_a_block_value_is_placed_on_its_key_line() -> None:
    document = parse_document(Path("p.yaml"), "a: 1\nvars:\n  x: 1\n")
    assert document.line(("vars",)) == 2


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: [1\nb: 2\n", 2, "YAML syntax"),
        ("steps:\n  - id: a\n    id: b\n", 3, "`id` is given twice"),
        ("", 1, "empty"),
    ],
    ids=["unclosed-list", "repeated-key", "empty-file"],
)
def test_broken_yaml_is_a_placed_problem(text: str, line: int, words: str) -> None:
    with pytest.raises(InvalidPlaybook) as caught:
        parse_document(Path("p.yaml"), text)
    [problem] = caught.value.problems
    assert problem.line == line
    assert words in problem.message


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(InvalidPlaybook) as caught:
        load_document(tmp_path / "nope.yaml")
    assert "no such file" in str(caught.value.problems[0])
