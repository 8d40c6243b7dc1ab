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
    """Parse YAML text that came from `path`."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        raise InvalidPlaybook([_syntax_problem(path, error)]) from None
    except yaml.YAMLError as error:
        raise InvalidPlaybook([Problem(path, None, f"not YAML: {error}")]) from None
    finally:
        loader.dispose()
    if node is None:
        raise InvalidPlaybook([Problem(path, 1, "the file is empty")])
    document = Document(path, data)
    repeated = list(_record_lines(node, (), node.start_mark.line, document.lines))
    if repeated:
        raise InvalidPlaybook([Problem(path, *r) for r in repeated])
    return document


def _syntax_problem(path: Path, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    what = error.problem or "not valid YAML"
    hint = "check the indentation and quoting on this line and the one above"
    if error.context:
        what = f"{what} ({error.context})"
    return Problem(path, line, f"YAML syntax: {what}", hint=hint)


def _record_lines(
    node: yaml.Node, where: Where, line: int, lines: dict[Where, int]
) -> Iterator[tuple[int, str]]:
    """Fill `lines` for `node` and below; yield each repeated mapping key.

    A mapping value is placed on its key's line, which is the line a reader
    looks at for `title:` even when the value is a block below it.
    """
    lines[where] = line + 1
    if isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            yield from _record_lines(
                child, (*where, index), child.start_mark.line, lines
            )
    elif isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            key_line = key_node.start_mark.line
            if key in seen:
                yield key_line + 1, f"`{key}` is given twice; keep one"
            seen.add(key)
            yield from _record_lines(value_node, (*where, key), key_line, lines)
