"""What the checks know of a playbook, and of the step being checked."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from runner.catalog import Catalog, Endpoint, Param
from runner.errors import Problem, TemplateError
from runner.expectations import truthy
from runner.known import KNOWN_ROOTS, call_scopes, known_base, known_items
from runner.loader import Document, Where
from runner.templating import (
    LOOP_NAME,
    Expression,
    ExpressionSyntaxError,
    compile_expression,
)

TEMPLATE_ROOTS = ("vars", "secrets", "inputs", "steps", "run")
RUN_FIELDS = ("id", "started", "playbook", "target")
# What a response document holds besides the run: `save` and `expect` read it.
RESPONSE_KEYS = ("data", "status", "success", "headers")
# One call of a step known before the run: its item's number in a loop
# (None outside one), and what its templates read.
KnownCall = tuple[int | None, dict[str, Any]]


class PlaybookFacts:
    """The playbook's parts, what earlier steps save, and the problems found."""

    def __init__(
        self,
        document: Document,
        catalog: Catalog,
        *,
        allow_destructive: bool,
        inputs: dict[str, Any],
        planning: bool = False,
    ) -> None:
        self.document = document
        self.catalog = catalog
        self.allow_destructive = allow_destructive
        self.planning = planning  # `plan` lists destructive steps, sends none
        self.inputs = inputs
        data = document.data if isinstance(document.data, dict) else {}
        self.vars: dict[str, Any] = _mapping(data.get("vars"))
        self.declared_inputs = {str(name) for name in _mapping(data.get("inputs"))}
        self.secrets = [s for s in _list(data.get("secrets")) if isinstance(s, str)]
        self.raw_steps = _list(data.get("steps"))
        self.steps = [s for s in self.raw_steps if isinstance(s, dict)]
        self.saves: dict[str, list[str]] = {}
        # (step id, save name) of the saves that hold a deletehash or token
        self.secret_saves: set[tuple[str, str]] = set()
        # for_each steps by id, with what each of their items saves
        self.loops: dict[str, list[str]] = {}
        self.found: list[Problem] = []

    def add(
        self,
        where: Where,
        message: str,
        *,
        step: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.found.append(self.document.problem(where, message, step=step, hint=hint))

    @property
    def folder(self) -> Path:
        return self.document.path.parent

    @cached_property
    def base(self) -> dict[str, Any]:
        """What templates can read before the run."""
        return known_base(self.vars, self.inputs)

    def origin(self, name: str) -> str:
        """Where var `name` got its value, for a message: " (from --var)"."""
        given = self.document.var_origins.get(name)
        return f" (from {given})" if given else ""


class StepFacts:
    """One step being checked: its parts, its loop, and the places at fault."""

    def __init__(self, playbook: PlaybookFacts, index: int, raw: dict[str, Any]):
        self.playbook = playbook
        self.raw = raw
        step_id = raw.get("id")
        self.id = step_id if isinstance(step_id, str) else f"#{index + 1}"
        self.where: Where = ("steps", index)
        name = raw.get("as", LOOP_NAME)
        # The name of the loop's item, or None if the step is no loop.
        self.loop = name if "for_each" in raw and isinstance(name, str) else None
        self.faulty: set[Where] = set()  # places with a problem already

    def add(self, where: Where, message: str, hint: str | None = None) -> None:
        self.faulty.add(tuple(where))
        self.playbook.add(where, message, step=self.id, hint=hint)

    def at(self, *keys: str | int) -> Where:
        """A place inside this step: `at("with", "title")`."""
        return (*self.where, *keys)

    def given_params(self, endpoint: Endpoint) -> Iterator[tuple[Param, Where, Any]]:
        """Each parameter given under `with:` that has no problem yet."""
        args = self.raw.get("with")
        if not isinstance(args, dict):
            return
        for param in endpoint.params:
            where = self.at("with", param.name)
            if param.name in args and where not in self.faulty:
                yield param, where, args[param.name]

    @cached_property
    def scopes(self) -> list[dict[str, Any]] | None:
        """What each call renders in, if known before the run.

        A loop's first `MOST_CHECKED_ITEMS` only: each is rendered.
        """
        try:
            return call_scopes(
                self.playbook.base, self.raw.get("for_each"), self.loop or LOOP_NAME
            )
        except TemplateError:
            return None  # the for_each template is reported

    @cached_property
    def items(self) -> list[Any] | None:
        """All the loop's items, if the step is a loop over what is known now."""
        if self.loop is None:
            return None
        try:
            return known_items(self.playbook.base, self.raw.get("for_each"))
        except TemplateError:
            return None  # the for_each template is reported

    def known_roots(self) -> set[str]:
        """The names whose values are known before the run."""
        if self.loop is None or self.scopes is None:
            return set(KNOWN_ROOTS)
        return {*KNOWN_ROOTS, self.loop}

    def known_calls(self, reads: list[Expression]) -> list[KnownCall] | None:
        """Each call the expressions are rendered in, if all they read is known now.

        A call that `when` is known to skip is left out: what it would send
        does not matter.
        """
        roots = {path[0] for e in reads for path in e.root_paths()}
        if not roots <= self.known_roots():
            return None
        if self.loop not in roots:
            return [(None, self.playbook.base)] if self.runs_at_all else []
        numbered = enumerate(self.scopes or [], start=1)
        return [(number, scope) for number, scope in numbered if self.runs(scope)]

    def known_values(self, expression: Expression) -> list[Any] | None:
        """What `expression` gives in each call, if that is known before the run."""
        calls = self.known_calls([expression])
        if calls is None:
            return None
        try:
            return [expression.search(scope) for _, scope in calls]
        except TemplateError:
            return [None]

    @cached_property
    def condition(self) -> Expression | None:
        """The step's `when`, if it has one that compiles."""
        text = self.raw.get("when")
        try:
            return compile_expression(text) if isinstance(text, str) else None
        except ExpressionSyntaxError:
            return None  # reported with the other expressions

    def runs(self, scope: dict[str, Any]) -> bool:
        """Whether `when` lets a call in `scope` go: yes, unless known to be false."""
        when = self.condition
        if when is None or any(p[0] not in scope for p in when.root_paths()):
            return True
        try:
            return truthy(when.search(scope))
        except TemplateError:
            return True  # the check of `when` says why

    @cached_property
    def runs_at_all(self) -> bool:
        """False when `when` is known before the run to skip every call."""
        if self.loop is None or self.scopes is None:
            return self.runs(self.playbook.base)
        return any(self.runs(scope) for scope in self.scopes)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
