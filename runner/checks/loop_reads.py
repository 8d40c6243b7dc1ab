"""Fields read from the items a loop step saved: `steps.<loop>.items[*].title`.

JMESPath's parser folds `steps.tag.items[0].name` into nodes that hold the
chain in pieces, so the reads are found by walking the tree with what each
node stands for: the run, the steps, one step, a loop's items, or one item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Node = dict[str, Any]


@dataclass(frozen=True)
class Stands:
    """What a node's value stands for: `what` of the loop step `step`."""

    what: str  # "run", "steps", "step", "items" or "item"
    step: str = ""


RUN = Stands("run")


@dataclass(frozen=True)
class ItemRead:
    """A field read from one of loop step `step`'s items."""

    step: str
    field: str


def item_reads(tree: Node) -> list[ItemRead]:
    """Every field an expression reads from a saved item of a loop step."""
    reads: list[ItemRead] = []
    _walk(tree, RUN, reads)
    return list(dict.fromkeys(reads))


def _walk(node: Node, base: Stands | None, reads: list[ItemRead]) -> Stands | None:
    """What `node` stands for when read against `base`; reads noted on the way."""
    kind = node["type"]
    children = [c for c in node.get("children", []) if isinstance(c, dict)]
    if kind == "field":
        return _field(node["value"], base, reads)
    if kind == "subexpression":
        for child in children:
            base = _walk(child, base, reads)
        return base
    if kind == "pipe":
        return _walk(children[1], _walk(children[0], base, reads), reads)
    if kind in ("index_expression", "flatten", "projection", "filter_projection"):
        return _element_of(kind, children, base, reads)
    if kind in ("current", "identity"):
        return base
    inner = None if kind == "expref" else base  # an expref reads each element
    for child in children:
        _walk(child, inner, reads)
    return None


def _field(name: str, base: Stands | None, reads: list[ItemRead]) -> Stands | None:
    if base is None:
        return None
    if base.what == "item":
        reads.append(ItemRead(base.step, name))
    elif base == RUN and name == "steps":
        return Stands("steps")
    elif base.what == "steps":
        return Stands("step", name)
    elif base.what == "step" and name == "items":
        return Stands("items", base.step)
    return None


def _element_of(
    kind: str, children: list[Node], base: Stands | None, reads: list[ItemRead]
) -> Stands | None:
    """`[0]`, `[]`, `[*]` and `[?...]`: what the list gives, and the reads."""
    left = _walk(children[0], base, reads)
    element = Stands("item", left.step) if left and left.what == "items" else None
    if kind == "index_expression":
        is_slice = len(children) > 1 and children[1]["type"] == "slice"
        return left if is_slice else element
    if kind == "flatten":
        return left
    for child in children[1:]:
        _walk(child, element, reads)
    return None
