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


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2021-01-01", "2021-01-01"),
        ("2021-01-01 10:00:00", "2021-01-01 10:00:00"),
        ("!!timestamp 2021-01-01", "2021-01-01"),
        ("[2021-01-01]", ["2021-01-01"]),
    ],
    ids=["date", "date-and-time", "tagged", "in-a-list"],
)
def test_a_date_stays_the_text_it_was_written_as(written: str, read: object) -> None:
    document = parse_document(Path("p.yaml"), f"before: {written}\n")
    assert document.data == {"before": read}


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("010", 10),
        ("-3", -3),
        ("+7", 7),
        ("0o10", 8),
        ("0x1F", 31),
        ("0xff", 255),
        ("-0x1F", "-0x1F"),
        ("0X1F", "0X1F"),
        ("0o8", "0o8"),
        ("1_000", "1_000"),
        ("\u0661\u0660", "\u0661\u0660"),
        ("2.5", 2.5),
        ("1e3", 1000.0),
        ("[010, on, 0x1F, 1_000]", [10, "on", 31, "1_000"]),
        (".inf", float("inf")),
        ("-.Inf", float("-inf")),
        ("12:30", "12:30"),
        ("true", True),
        ("False", False),
        ("yes", "yes"),
        ("no", "no"),
        ("On", "On"),
        ("OFF", "OFF"),
        ("~", None),
        ("Null", None),
        ("NULL", None),
        ("", None),
        ("nULL", "nULL"),
        ("tRUE", "tRUE"),
        ("=", "="),
    ],
    ids=lambda value: str(value),
)
def test_a_value_means_what_it_looks_like(written: str, read: object) -> None:
    """YAML 1.2's core schema, not PyYAML's YAML 1.1: 010 is ten, no yes/no."""
    found = parse_document(Path("p.yaml"), f"n: {written}\n").data["n"]
    assert found == read and type(found) is type(read)


def test_yes_and_no_are_text_with_a_fix_where_true_or_false_is_wanted() -> None:
    document = parse_document(Path("p.yaml"), "a: yes\nb: true\nc: [off]\nd: 'no'\n")
    assert document.data == {"a": "yes", "b": True, "c": ["off"], "d": "no"}
    assert document.bool_words == {("a",): "yes", ("c", 0): "off"}
    assert document.bool_hint(("a",)) == "write `a: true` (yes is text)"
    assert document.bool_hint(("c", 0)) == "write `- false` (off is text)"
    assert document.bool_hint(("b",)) is None


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("steps:\n\t- id: a\n", 2),
        ("steps:\n  - id: a\n\t  call: x\n", 3),
        ("a:\n  b: 1\n\tc: 2\n", 3),
    ],
    ids=["first-level", "inside-a-step", "after-spaces"],
)
def test_a_tab_in_the_indentation_is_named(text: str, line: int) -> None:
    with pytest.raises(InvalidPlaybook) as caught:
        parse_document(Path("p.yaml"), text)
    [problem] = caught.value.problems
    assert (problem.line, problem.message) == (
        line,
        "this line is indented with a tab; YAML allows only spaces",
    )
    assert problem.hint == "indent with spaces; most editors can turn tabs into spaces"


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("    title: {{ vars.t }}", 'title: "{{ vars.t }}"'),
        ("    - {{ item }}", '- "{{ item }}"'),
        ("    title: {{ vars.t }} and more", 'title: "{{ vars.t }} and more"'),
        ('    that: {{ data.x == "a" }}', "that: '{{ data.x == \"a\" }}'"),
    ],
    ids=["value", "list-item", "text-after", "holds-double-quotes"],
)
def test_an_unquoted_template_says_to_quote_it(line: str, fixed: str) -> None:
    text = f"version: 1\nsteps:\n  - id: a\n    with:\n  {line}\n"
    with pytest.raises(InvalidPlaybook) as caught:
        parse_document(Path("p.yaml"), text)
    [problem] = caught.value.problems
    assert problem.line == 5
    assert (
        problem.message == f"a value that starts with {{{{ must be in quotes: {fixed}"
    )
    assert "YAML syntax" not in str(problem)


def test_a_playbook_that_is_not_utf8_names_the_line_and_the_fix(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes("version: 1\nname: café\n".encode("latin-1"))
    with pytest.raises(InvalidPlaybook) as caught:
        load_document(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.message) == (
        2,
        "this line is not UTF-8 text (it holds the byte 0xe9)",
    )
    assert problem.hint is not None and "save the file as UTF-8" in problem.hint


def test_a_playbook_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes("\ufeffversion: 1\n".encode())
    assert load_document(path).data == {"version": 1}


@pytest.mark.parametrize("text", ["", "# only a comment\n"], ids=["empty", "comments"])
def test_an_empty_playbook_says_what_goes_in_one(text: str) -> None:
    with pytest.raises(InvalidPlaybook) as caught:
        parse_document(Path("p.yaml"), text)
    [problem] = caught.value.problems
    assert problem.message == "the file is empty"
    assert problem.hint is not None and "`version: 1`" in problem.hint
