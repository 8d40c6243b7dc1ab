"""YAML to plain data, keeping the line of every node for error messages."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from runner.errors import InvalidPlaybook, Problem

try:  # the C parser is several times faster; pure Python is the fallback
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader  # type: ignore[assignment]

Where = tuple[str | int, ...]

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


def load_document(path: Path) -> Document:
    """Read a YAML file.

    Raises:
        InvalidPlaybook: the file is missing, empty, not YAML, or repeats a key.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidPlaybook([Problem(path, None, "no such file")]) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InvalidPlaybook([Problem(path, None, f"cannot read: {reason}")]) from None
    return parse_document(path, text)


def parse_document(path: Path, text: str) -> Document:
    """Parse YAML text that came from `path`.

    Raises:
        InvalidPlaybook: the text is empty or not YAML, repeats a key, or has
            an alias that refers to itself or expands past `MAX_VALUES`.
    """
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines = _checked_lines(path, text, node)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        raise InvalidPlaybook([_syntax_problem(path, text, error)]) from None
    except yaml.YAMLError as error:
        raise InvalidPlaybook([Problem(path, None, f"not YAML: {error}")]) from None
    finally:
        loader.dispose()
    return Document(path, data, lines)


def _checked_lines(path: Path, text: str, node: yaml.Node | None) -> dict[Where, int]:
    """The line of every node, once the node graph is safe to build data from.

    Raises:
        InvalidPlaybook: as `parse_document` does.
    """
    if node is None:
        raise InvalidPlaybook([Problem(path, 1, "the file is empty")])
    alias = _alias_problem(path, text, node)
    if alias:
        raise InvalidPlaybook([alias])

    lines: dict[Where, int] = {}
    repeated = list(_record_lines(node, (), node.start_mark.line, lines, set()))
    if repeated:
        raise InvalidPlaybook([Problem(path, *r) for r in repeated])
    return lines


def _syntax_problem(path: Path, text: str, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = _real_line(text, mark.line + 1) if mark else None
    what = error.problem or "not valid YAML"
    hint = "check the indentation and quoting on this line and the one above"
    if error.context:
        what = f"{what} ({error.context})"
    return Problem(path, line, f"YAML syntax: {what}", hint=hint)


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
    lines: dict[Where, int],
    walked: set[int],
) -> Iterator[tuple[int, str]]:
    """Fill `lines` for `node` and below; yield each repeated mapping key.

    A mapping value is placed on its key's line, which is the line a reader
    looks at for `title:` even when the value is a block below it. A node
    reached again through an alias is placed at the alias and not walked
    again: its own keys were checked where its anchor is.
    """
    lines[where] = line + 1
    if id(node) in walked:
        return
    walked.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            yield from _record_lines(
                child, (*where, index), child.start_mark.line, lines, walked
            )
    elif isinstance(node, yaml.MappingNode):
        yield from _record_mapping(node, where, lines, walked)


def _record_mapping(
    node: yaml.MappingNode,
    where: Where,
    lines: dict[Where, int],
    walked: set[int],
) -> Iterator[tuple[int, str]]:
    """`_record_lines` for a mapping, whose `<<:` merges come before its keys.

    A key of the mapping itself overrides a merged one, so it is no repeat.
    """
    own = []
    for key_node, value_node in node.value:
        if key_node.tag == MERGE:
            for key in _merged_keys(value_node):
                lines[(*where, key)] = key_node.start_mark.line + 1
        else:
            own.append((key_node, value_node))

    seen: set[str] = set()
    for key_node, value_node in own:
        key, key_line = str(key_node.value), key_node.start_mark.line
        if key in seen:
            yield key_line + 1, f"`{key}` is given twice; keep one"
        seen.add(key)
        yield from _record_lines(value_node, (*where, key), key_line, lines, walked)


def _merged_keys(node: yaml.Node) -> Iterator[str]:
    """The keys `<<: *name` (or `<<: [*a, *b]`) brings into a mapping."""
    merged = node.value if isinstance(node, yaml.SequenceNode) else [node]
    for mapping in merged:
        if isinstance(mapping, yaml.MappingNode):
            yield from (str(key_node.value) for key_node, _ in mapping.value)
