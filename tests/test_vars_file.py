"""--vars-file: values for `vars:` from a YAML or JSON file, under --var."""

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import cli
from runner.errors import ExitCode, InvalidPlaybook
from runner.playbook import Playbook
from runner.run import RunRequest, check

WritePlaybook = Callable[..., Path]

PLAYBOOK = """\
version: 1
vars:
  limit: 5
  ratio: 0.5
  title: Holiday
  tags: [beach]
steps:
  - id: me
    call: account.get
    with: {username: me}
"""


@pytest.fixture
def playbook(write_playbook: WritePlaybook) -> Path:
    return write_playbook(PLAYBOOK)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def checked(playbook: Path, vars_file: Path, **overrides: str) -> Playbook:
    return check(RunRequest(playbook, vars_file=vars_file, overrides=overrides))


def problem_of(playbook: Path, vars_file: Path) -> str:
    with pytest.raises(InvalidPlaybook) as caught:
        checked(playbook, vars_file)
    [problem] = caught.value.problems
    return str(problem)


def test_values_take_the_type_the_playbook_gives_them(
    playbook: Path, tmp_path: Path
) -> None:
    vars_file = write(
        tmp_path,
        "vars.yaml",
        """\
        limit: "7"
        ratio: 2
        title: 2026
        tags: [cats, dogs]
        """,
    )
    assert checked(playbook, vars_file).vars == {
        "limit": 7,
        "ratio": 2.0,
        "title": "2026",
        "tags": ["cats", "dogs"],
    }


def test_names_the_playbook_does_not_have_are_added_as_they_are(
    playbook: Path, tmp_path: Path
) -> None:
    vars_file = write(tmp_path, "vars.json", '{"album": {"privacy": "hidden"}}')
    assert checked(playbook, vars_file).vars["album"] == {"privacy": "hidden"}


def test_a_json_file_keeps_json_numbers(playbook: Path, tmp_path: Path) -> None:
    # PyYAML would read 1e3 as text; JSON says it is a number.
    vars_file = write(tmp_path, "vars.json", '{"ratio": 1e3}')
    assert checked(playbook, vars_file).vars["ratio"] == 1000.0


def test_var_on_the_command_line_wins_over_the_file(
    playbook: Path, tmp_path: Path
) -> None:
    vars_file = write(tmp_path, "vars.yaml", "limit: 7\ntitle: From the file\n")
    found = checked(playbook, vars_file, limit="9").vars
    assert (found["limit"], found["title"]) == (9, "From the file")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("title: ok\nlimit: [1, 2]\n", 2, "`limit` is [1, 2], but the playbook's "),
        ("limit: lots\n", 1, '`limit` is "lots", but the playbook\'s value is a whole'),
        ("tags: beach\n", 1, "the playbook's value is a list"),
        ("title: [a]\n", 1, "the playbook's value is text"),
    ],
    ids=["list-for-number", "word-for-number", "text-for-list", "list-for-text"],
)
def test_a_value_of_another_type_is_placed_in_the_vars_file(
    playbook: Path, tmp_path: Path, text: str, line: int, words: str
) -> None:
    vars_file = write(tmp_path, "vars.yaml", text)
    assert problem_of(playbook, vars_file).startswith(f"{vars_file}:{line}: ")
    assert words in problem_of(playbook, vars_file)


@pytest.mark.parametrize(
    ("name", "text", "where", "words"),
    [
        ("vars.yaml", "limit: [1\ntitle: x\n", ":2: ", "--vars-file: YAML syntax"),
        ("vars.yaml", "- limit\n- 7\n", ":1: ", "must map var names to values"),
        ("vars.yaml", "limit: 1\nlimit: 2\n", ":2: ", "`limit` is given twice"),
        ("vars.yaml", "", ":1: ", "the file is empty"),
        ("vars.json", '{\n  "limit": 7,\n}\n', ":3: ", "not valid JSON at column 1"),
    ],
    ids=["yaml-syntax", "a-list", "repeated-name", "empty", "json-syntax"],
)
def test_a_broken_vars_file_is_a_placed_problem(
    playbook: Path, tmp_path: Path, name: str, text: str, where: str, words: str
) -> None:
    vars_file = write(tmp_path, name, text)
    found = problem_of(playbook, vars_file)
    assert found.startswith(f"{vars_file}{where}")
    assert words in found


def test_a_name_like_a_var_is_refused_as_a_misspelling(
    playbook: Path, tmp_path: Path
) -> None:
    vars_file = write(tmp_path, "vars.yaml", "limit: 7\ntitel: Summer\n")
    found = problem_of(playbook, vars_file)
    assert found.startswith(f"{vars_file}:2: ")
    assert "no var `titel`, so its `title` would keep the playbook's value" in found
    assert "fix: did you mean `title`?" in found


def test_a_name_like_a_var_is_added_when_the_playbook_reads_it(
    write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    playbook = write_playbook(
        PLAYBOOK.replace("username: me}", "username: '{{ vars.titles[0] }}'}")
    )
    vars_file = write(tmp_path, "vars.yaml", "titles: [demo_user]\nTAGS: [x]\n")

    with pytest.raises(InvalidPlaybook) as caught:
        checked(playbook, vars_file)

    [problem] = caught.value.problems
    assert "no var `TAGS`, so its `tags` would keep" in str(problem)


def test_a_missing_vars_file_says_so(playbook: Path, tmp_path: Path) -> None:
    found = problem_of(playbook, tmp_path / "nope.yaml")
    assert "--vars-file: cannot read" in found
    assert "there is no such file" in found


def test_validate_shows_the_vars_file_problem_and_exits_2(
    playbook: Path, tmp_path: Path
) -> None:
    vars_file = write(tmp_path, "vars.yaml", "title: ok\nlimit: [1, 2]\n")
    result = CliRunner().invoke(
        cli, ["validate", str(playbook), "--vars-file", str(vars_file)], env={}
    )
    assert result.exit_code == ExitCode.INVALID
    assert "1 problem found before anything was sent" in result.stderr
    assert f"{vars_file}:2: --vars-file: `limit` is [1, 2]" in result.stderr
    assert "Traceback" not in result.output


def test_validate_reads_the_vars_file_before_the_vars(
    playbook: Path, tmp_path: Path
) -> None:
    vars_file = write(tmp_path, "vars.yaml", "limit: 7\n")
    args = ["validate", str(playbook), "--vars-file", str(vars_file)]
    result = CliRunner().invoke(cli, [*args, "--var", "limit=8"], env={})
    assert result.exit_code == ExitCode.OK, result.output
    assert "valid (1 step)" in result.stdout


def test_dates_in_the_playbook_and_the_vars_file_stay_text(
    write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    dated = write_playbook(PLAYBOOK.replace("  limit: 5\n", "  before: 2021-01-01\n"))
    vars_file = write(tmp_path, "vars.yaml", "before: 2022-02-02\n")
    assert check(RunRequest(dated)).vars["before"] == "2021-01-01"
    assert checked(dated, vars_file).vars["before"] == "2022-02-02"
    assert checked(dated, vars_file, before="soon").vars["before"] == "soon"


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ("limit=010", 10),
        ("limit=-3", -3),
        ("limit=0x1F", 31),
        ("limit=0o17", 15),
        ("limit= 7 ", 7),
        ("ratio=1e3", 1000.0),
        ("ratio=2", 2.0),
        ("ratio=.5", 0.5),
        ("tags=[cats, aww]", ["cats", "aww"]),
        ('tags=["cats", "aww"]', ["cats", "aww"]),
        ("tags=[2021-01-01]", ["2021-01-01"]),
        ("title=010", "010"),
        ("title=", ""),
    ],
    ids=[
        "leading-zero-is-decimal",
        "negative",
        "hexadecimal",
        "octal",
        "spaces",
        "float-exponent",
        "whole-for-float",
        "float-no-zero",
        "yaml-flow-list",
        "json-list",
        "date-in-list",
        "text-as-is",
        "empty-text",
    ],
)
def test_var_reads_a_value_as_it_looks(
    playbook: Path, given: str, read: object
) -> None:
    name, _, text = given.partition("=")
    found = check(RunRequest(playbook, overrides={name: text})).vars[name]
    assert found == read and type(found) is type(read)


@pytest.mark.parametrize(
    ("given", "words", "example"),
    [
        ("limit=0X1F", "a whole number", "--var limit=5"),
        ("limit=0b11", "a whole number", "--var limit=5"),
        ("limit=1_000", "a whole number", "--var limit=5"),
        ("limit=2.5", "a whole number", "--var limit=5"),
        ("ratio=nan", "a number", "--var ratio=0.5"),
        ("ratio=inf", "a number", "--var ratio=0.5"),
        ("tags=cats", "a list", "--var 'tags=[beach]'"),
        ("tags={a: 1}", "a list", "--var 'tags=[beach]'"),
    ],
    ids=[
        "hex",
        "binary",
        "underscores",
        "fraction-for-whole",
        "nan",
        "infinity",
        "word-for-list",
        "mapping-for-list",
    ],
)
def test_var_of_the_wrong_type_shows_one_that_fits(
    playbook: Path, given: str, words: str, example: str
) -> None:
    name, _, text = given.partition("=")
    with pytest.raises(InvalidPlaybook) as caught:
        check(RunRequest(playbook, overrides={name: text}))
    [problem] = caught.value.problems
    assert problem.message.startswith(f"--var {given}: the playbook's value is {words}")
    assert problem.hint == f"write it like {example}"


@pytest.mark.parametrize(
    ("given", "read"),
    [("true", True), ("FALSE", False), ("True", True)],
    ids=["true", "upper-case", "capitalised"],
)
def test_var_reads_true_and_false_in_any_case(
    write_playbook: WritePlaybook, given: str, read: bool
) -> None:
    path = write_playbook(PLAYBOOK.replace("  limit: 5\n", "  flag: false\n"))
    assert check(RunRequest(path, overrides={"flag": given})).vars["flag"] is read


@pytest.mark.parametrize(
    ("given", "meant"),
    [("on", "true"), ("NO", "false"), ("yes", "true"), ("1", "true"), ("off", "false")],
    ids=["on", "NO", "yes", "1", "off"],
)
def test_var_reads_only_true_and_false_as_true_or_false(
    write_playbook: WritePlaybook, given: str, meant: str
) -> None:
    path = write_playbook(PLAYBOOK.replace("  limit: 5\n", "  flag: false\n"))
    with pytest.raises(InvalidPlaybook) as caught:
        check(RunRequest(path, overrides={"flag": given}))
    [problem] = caught.value.problems
    assert "the playbook's value is true or false" in problem.message
    assert problem.hint == f"write it like --var flag={meant}"


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ("tags=[010, on, 0x1F, 0o17, 1_000]", [10, "on", 31, 15, "1_000"]),
        ("tags=[yes, 2.5, true]", ["yes", 2.5, True]),
    ],
    ids=["numbers-and-words", "floats-and-bools"],
)
def test_a_var_list_is_read_as_the_playbook_is(
    playbook: Path, given: str, read: list[object]
) -> None:
    name, _, text = given.partition("=")
    assert check(RunRequest(playbook, overrides={name: text})).vars[name] == read


@pytest.mark.parametrize(
    "given",
    ["ratio=1_0", "ratio=\u0661\u0660", "ratio=1.5e", "limit=\u0663"],
    ids=["underscore", "arabic-indic-digits", "half-exponent", "arabic-indic-whole"],
)
def test_a_number_var_is_written_in_plain_digits(playbook: Path, given: str) -> None:
    name, _, text = given.partition("=")
    with pytest.raises(InvalidPlaybook) as caught:
        check(RunRequest(playbook, overrides={name: text}))
    [problem] = caught.value.problems
    assert problem.message.startswith(f"--var {given}: the playbook's value is a")


def test_the_playbook_and_the_vars_file_read_numbers_as_var_does(
    write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    path = write_playbook(PLAYBOOK.replace("  limit: 5\n", "  limit: 010\n"))
    assert check(RunRequest(path)).vars["limit"] == 10
    vars_file = write(tmp_path, "vars.yaml", "limit: 012\n")
    assert checked(path, vars_file).vars["limit"] == 12


def test_a_yes_in_the_vars_file_for_true_or_false_says_to_write_true(
    write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    path = write_playbook(PLAYBOOK.replace("  limit: 5\n", "  flag: false\n"))
    vars_file = write(tmp_path, "vars.yaml", "flag: yes\n")
    with pytest.raises(InvalidPlaybook) as caught:
        checked(path, vars_file)
    [problem] = caught.value.problems
    assert problem.message == (
        '--vars-file: `flag` is "yes", but the playbook\'s value is true or false'
    )
    assert problem.hint == "write `flag: true` (yes is text)"
