"""YAML to plain data, keeping the line of every node for error messages."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from runner.errors import InvalidPlaybook, Problem

try:  # the C parser is several times faster; pure Python is the fallback
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader  # type: ignore[assignment]

Where = tuple[str | int, ...]

TIMESTAMP = "tag:yaml.org,2002:timestamp"
BINARY = "tag:yaml.org,2002:binary"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
STR = "tag:yaml.org,2002:str"
VALUE = "tag:yaml.org,2002:value"
# YAML 1.2's core schema: a value means what it looks like. 010 is ten,
# 0o17 is fifteen and 0x1F thirty-one, 1_000 is text, and only true and
# false are true and false. Its nulls (null, ~, nothing) are PyYAML's too.
# (The resolver matches from the start only, so each pattern ends in \Z.)
CORE_BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
CORE_INT = re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
CORE_FLOAT = re.compile(
    r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z"
)
# YAML 1.1 (and so PyYAML) reads these as true or false; here they are text.
OLD_BOOL_WORDS = {"yes": "true", "on": "true", "no": "false", "off": "false"}
UTF8_HINT = "save the file as UTF-8 (most editors offer it under Save As)"
EMPTY_HINT = "a playbook holds `version: 1` and a `steps:` list (see the README)"
TAB_HINT = "indent with spaces; most editors can turn tabs into spaces"
# A line whose value starts with `{{`: `key: {{ ... }}` or `- {{ ... }}`.
UNQUOTED = re.compile(
    r"^(?P<start>\s*(?:-\s+)*(?:[\w.$-]+:\s+)?)(?P<value>\{\{.*?)(?:\s+#.*)?$"
)


class PlaybookLoader(SafeLoader):
    """YAML's safe loader with YAML 1.2's plain values; dates stay text.

    PyYAML reads YAML 1.1, where `no` is false and `010` is eight; a
    playbook's author means the word and ten. `before: 2021-01-01` is meant
    for `to_epoch(vars.before)` or a title; a date object fits neither, nor
    the JSON of a report.
    """


_REPLACED = {BOOL, INT, FLOAT, TIMESTAMP, VALUE}
PlaybookLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in _REPLACED]
    for first, resolvers in SafeLoader.yaml_implicit_resolvers.items()
}
# Tried in this order for a value's first character: int before float.
PlaybookLoader.add_implicit_resolver(BOOL, CORE_BOOL, list("tTfF"))
PlaybookLoader.add_implicit_resolver(INT, CORE_INT, list("-+0123456789"))
PlaybookLoader.add_implicit_resolver(FLOAT, CORE_FLOAT, list("-+.0123456789"))


def core_bool(text: str) -> bool | None:
    """`text` as YAML 1.2 reads true or false, or None if it is neither."""
    return text.lower() == "true" if CORE_BOOL.fullmatch(text) else None


def core_int(text: str) -> int | None:
    """`text` as YAML 1.2 reads a whole number (10, 0o17, 0x1F), or None."""
    if not CORE_INT.fullmatch(text):
        return None
    return int(text, 0) if text.startswith(("0o", "0x")) else int(text)


def core_float(text: str) -> float | None:
    """`text` as YAML 1.2 reads a number (2.5, 1e3, .inf), or None."""
    whole = core_int(text)
    if whole is not None:
        return float(whole)
    if not CORE_FLOAT.fullmatch(text):
        return None
    lowered = text.lower()
    if lowered.endswith((".inf", ".nan")):
        return float(lowered.replace(".", ""))
    return float(text)


def bool_for(word: str) -> str | None:
    """`true` or `false` for a word meant as one (yes, off, 1), else None."""
    words = {**OLD_BOOL_WORDS, "1": "true", "0": "false"}
    return words.get(word.strip().lower())


def _text(loader: PlaybookLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


def _bool(loader: PlaybookLoader, node: yaml.Node) -> bool:
    text = _text(loader, node).lower()
    return text == "true" or bool_for(text) == "true"  # `!!bool yes` too


def _int(loader: PlaybookLoader, node: yaml.Node) -> int | str:
    # `!!int 1_000` keeps its text: it is no whole number in YAML 1.2.
    text = _text(loader, node)
    number = core_int(text)
    return text if number is None else number


def _float(loader: PlaybookLoader, node: yaml.Node) -> float | str:
    text = _text(loader, node)
    number = core_float(text)
    return text if number is None else number


PlaybookLoader.add_constructor(BOOL, _bool)
PlaybookLoader.add_constructor(INT, _int)
PlaybookLoader.add_constructor(FLOAT, _float)
# Written out with `!!timestamp` or `!!binary`, a value is still text.
PlaybookLoader.add_constructor(TIMESTAMP, _text)
PlaybookLoader.add_constructor(BINARY, _text)


def load_yaml_value(text: str) -> Any:
    """One YAML value (a --var list, say), read as a playbook is.

    Raises:
        yaml.YAMLError: the text is not YAML.
    """
    return yaml.load(text, Loader=PlaybookLoader)


# Far above any real playbook, far below what hangs the checks: nine aliases of
# nine aliases, nine levels deep, would stand for 387 million values.
MAX_VALUES = 100_000
MERGE = "tag:yaml.org,2002:merge"


@dataclass
class Document:
    """A loaded YAML file: its data and where each part of it stands."""

    path: Path
    data: Any
    lines: dict[Where, int] = field(default_factory=dict)
    # yes, no, on and off, which YAML 1.1 read as true or false: the word
    bool_words: dict[Where, str] = field(default_factory=dict)
    # vars given on the command line, by name: "--var" or "--vars-file"
    var_origins: dict[str, str] = field(default_factory=dict)

    def line(self, where: Sequence[str | int]) -> int | None:
        """Line of the node at `where`, or of its nearest placed ancestor."""
        key = tuple(where)
        while key not in self.lines and key:
            key = key[:-1]
        return self.lines.get(key)

    def problem(
        self,
        where: Sequence[str | int],
        message: str,
        *,
        step: str | None = None,
        hint: str | None = None,
    ) -> Problem:
        return Problem(self.path, self.line(where), message, step, hint)

    def bool_hint(self, where: Sequence[str | int]) -> str | None:
        """The fix for a yes, no, on or off written where true or false is wanted."""
        word = self.bool_words.get(tuple(where))
        if word is None:
            return None
        key = f"{where[-1]}: " if where and isinstance(where[-1], str) else "- "
        return f"write `{key}{OLD_BOOL_WORDS[word.lower()]}` ({word} is text)"


def load_document(path: Path) -> Document:
    """Read a YAML file.

    Raises:
        InvalidPlaybook: the file is missing, empty, not YAML, or repeats a key.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidPlaybook([Problem(path, None, "no such file")]) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise InvalidPlaybook([Problem(path, None, f"cannot read: {reason}")]) from None
    return parse_document(path, decode(path, raw))


def decode(path: Path, raw: bytes, label: str = "", hint: str = UTF8_HINT) -> str:
    """The bytes of a file as text: UTF-8, with or without a byte order mark.

    Raises:
        InvalidPlaybook: they are not UTF-8, placed on the first bad line.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problem = Problem(path, *not_utf8(raw, error), hint=hint)
        if label:
            problem = replace(problem, message=f"{label}: {problem.message}")
        raise InvalidPlaybook([problem]) from None


def not_utf8(raw: bytes, error: UnicodeDecodeError) -> tuple[int, str]:
    """The line of the first byte that is not UTF-8, and words for it."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return 1, "the file is saved as UTF-16, not UTF-8"
    line = raw.count(b"\n", 0, error.start) + 1
    byte = raw[error.start]
    return line, f"this line is not UTF-8 text (it holds the byte {byte:#x})"


def parse_document(path: Path, text: str, *, empty_hint: str = EMPTY_HINT) -> Document:
    """Parse YAML text that came from `path`; `empty_hint` says what to write in it.

    Raises:
        InvalidPlaybook: the text is empty or not YAML, repeats a key, or has
            an alias that refers to itself or expands past `MAX_VALUES`.
    """
    loader = PlaybookLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            empty = Problem(path, 1, "the file is empty", hint=empty_hint)
            raise InvalidPlaybook([empty])
        marks = _checked_marks(path, text, node)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        raise InvalidPlaybook([_syntax_problem(path, text, error)]) from None
    except yaml.YAMLError as error:
        raise InvalidPlaybook([Problem(path, None, f"not YAML: {error}")]) from None
    finally:
        loader.dispose()
    return Document(path, data, marks.lines, marks.bool_words)


@dataclass
class _Marks:
    """What the loader notes of each node while it walks the node graph."""

    lines: dict[Where, int] = field(default_factory=dict)
    bool_words: dict[Where, str] = field(default_factory=dict)


def _checked_marks(path: Path, text: str, node: yaml.Node) -> _Marks:
    """The line of every node, once the node graph is safe to build data from.

    Raises:
        InvalidPlaybook: as `parse_document` does.
    """
    alias = _alias_problem(path, text, node)
    if alias:
        raise InvalidPlaybook([alias])

    marks = _Marks()
    repeated = list(_record_lines(node, (), node.start_mark.line, marks, set()))
    if repeated:
        raise InvalidPlaybook([Problem(path, *r) for r in repeated])
    return marks


def _syntax_problem(path: Path, text: str, error: yaml.MarkedYAMLError) -> Problem:
    for marked in (error.context_mark, error.problem_mark):
        unquoted = _unquoted_template(text, marked.line) if marked else None
        if marked and unquoted:
            return Problem(path, marked.line + 1, unquoted[0], hint=unquoted[1])

    mark = error.problem_mark or error.context_mark
    if mark and _tab_indented(text, mark.line):
        message = "this line is indented with a tab; YAML allows only spaces"
        return Problem(path, mark.line + 1, message, hint=TAB_HINT)
    line = _real_line(text, mark.line + 1) if mark else None
    what = error.problem or "not valid YAML"
    hint = "check the indentation and quoting on this line and the one above"
    if error.context:
        what = f"{what} ({error.context})"
    return Problem(path, line, f"YAML syntax: {what}", hint=hint)


def _unquoted_template(text: str, index: int) -> tuple[str, str] | None:
    """Words for a `{{ }}` left out of quotes on line `index`, which YAML misreads.

    Unquoted, `title: {{ vars.t }}` is a mapping inside a mapping to YAML.
    """
    lines = text.splitlines()
    found = UNQUOTED.match(lines[index]) if index < len(lines) else None
    if found is None:
        return None
    start, value = found.group("start"), found.group("value").rstrip()
    quote = "'" if '"' in value and "'" not in value else '"'
    if quote == '"':
        value = value.replace("\\", "\\\\").replace('"', '\\"')
    fixed = f"{start.strip()} {quote}{value}{quote}".strip()
    message = f"a value that starts with {{{{ must be in quotes: {fixed}"
    return message, "quote the whole value, from {{ to the end of the line"


def _tab_indented(text: str, index: int) -> bool:
    """Whether line `index` starts with blanks that hold a tab."""
    lines = text.splitlines()
    line = lines[index] if index < len(lines) else ""
    return "\t" in line[: len(line) - len(line.lstrip())]


def _real_line(text: str, line: int) -> int:
    """`line`, or the last line with text on it when `line` is past the end.

    A quote or bracket left open is found at the end of the file, which is
    after the last line a reader can see.
    """
    written = [n for n, words in enumerate(text.splitlines(), 1) if words.strip()]
    return line if not written or line <= written[-1] else written[-1]


@dataclass
class _Visit:
    """A collection node being sized, and how much of it is counted so far."""

    node: yaml.Node
    children: Iterator[yaml.Node]
    size: int = 1


def _alias_problem(path: Path, text: str, root: yaml.Node) -> Problem | None:
    """An alias inside the value it names, or aliases that expand too far.

    An alias is the node it names, shared, so the node graph is small however
    big the data it stands for. Each node is sized once, from its children's
    sizes, which keeps this check linear in the file; building the data first
    would not be.
    """
    sizes: dict[int, int] = {}
    stack = [_Visit(root, _children(root))]
    opened = {id(root)}  # the nodes of `stack`, the ones an alias cannot name
    while stack:
        visit = stack[-1]
        child = next(visit.children, None)
        if child is None:
            stack.pop()
            opened.discard(id(visit.node))
            sizes[id(visit.node)] = visit.size
            if visit.size > MAX_VALUES:
                return _too_big(path, visit.node)
            if stack:
                stack[-1].size += visit.size
        elif id(child) in sizes:
            visit.size += sizes[id(child)]
        elif id(child) in opened:
            return _recursive(path, text, child)
        else:
            stack.append(_Visit(child, _children(child)))
            opened.add(id(child))
    return None


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        yield from node.value
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            yield key_node
            yield value_node


def _too_big(path: Path, node: yaml.Node) -> Problem:
    return Problem(
        path,
        node.start_mark.line + 1,
        f"through its aliases (*name), this value stands for more than "
        f"{MAX_VALUES:,} values, the most a playbook may hold",
        hint="write the values out, or use fewer aliases of aliases",
    )


def _recursive(path: Path, text: str, node: yaml.Node) -> Problem:
    name, line = _first_alias(text, node)
    return Problem(
        path,
        line + 1,
        f"the alias `*{name}` sits inside the value it names (`&{name}`), "
        "so that value would never end",
        hint=f"move `*{name}` out of the value marked `&{name}`",
    )


def _first_alias(text: str, node: yaml.Node) -> tuple[str, int]:
    """The anchor name of `node` and the line of the first alias to it.

    Nodes keep neither, so the file's events are read again, which only
    happens once the file is known to be refused.
    """
    name, line = "", node.start_mark.line
    for event in yaml.parse(text, Loader=SafeLoader):
        mark = event.start_mark
        if mark is None:
            continue
        if isinstance(event, yaml.AliasEvent):
            if name and event.anchor == name:
                return name, mark.line
        elif isinstance(event, yaml.NodeEvent) and mark.index == node.start_mark.index:
            name = event.anchor or name
    return name, line


def _record_lines(
    node: yaml.Node,
    where: Where,
    line: int,
    marks: _Marks,
    walked: set[int],
) -> Iterator[tuple[int, str]]:
    """Fill `marks` for `node` and below; yield each repeated mapping key.

    A mapping value is placed on its key's line, which is the line a reader
    looks at for `title:` even when the value is a block below it. A node
    reached again through an alias is placed at the alias and not walked
    again: its own keys were checked where its anchor is.
    """
    marks.lines[where] = line + 1
    if _is_bool_word(node):
        marks.bool_words[where] = str(node.value)
    if id(node) in walked:
        return
    walked.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            yield from _record_lines(
                child, (*where, index), child.start_mark.line, marks, walked
            )
    elif isinstance(node, yaml.MappingNode):
        yield from _record_mapping(node, where, marks, walked)


def _is_bool_word(node: yaml.Node) -> bool:
    """Whether the node is a yes, no, on or off that YAML 1.1 read as true or false."""
    if not isinstance(node, yaml.ScalarNode) or node.tag != STR or node.style:
        return False
    return str(node.value).lower() in OLD_BOOL_WORDS


def _record_mapping(
    node: yaml.MappingNode,
    where: Where,
    marks: _Marks,
    walked: set[int],
) -> Iterator[tuple[int, str]]:
    """`_record_lines` for a mapping, whose `<<:` merges come before its keys.

    A key of the mapping itself overrides a merged one, so it is no repeat.
    """
    own = []
    for key_node, value_node in node.value:
        if key_node.tag == MERGE:
            for key in _merged_keys(value_node):
                marks.lines[(*where, key)] = key_node.start_mark.line + 1
        else:
            own.append((key_node, value_node))

    seen: set[str] = set()
    for key_node, value_node in own:
        key, key_line = str(key_node.value), key_node.start_mark.line
        if key in seen:
            yield key_line + 1, f"`{key}` is given twice; keep one"
        seen.add(key)
        yield from _record_lines(value_node, (*where, key), key_line, marks, walked)


def _merged_keys(node: yaml.Node) -> Iterator[str]:
    """The keys `<<: *name` (or `<<: [*a, *b]`) brings into a mapping."""
    merged = node.value if isinstance(node, yaml.SequenceNode) else [node]
    for mapping in merged:
        if isinstance(mapping, yaml.MappingNode):
            yield from (str(key_node.value) for key_node, _ in mapping.value)
