"""What the checks know of a playbook, and of the step being checked."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from runner.catalog import Catalog
from runner.errors import Problem, TemplateError
from runner.known import KNOWN_ROOTS, call_scopes, known_base
from runner.loader import Document, Where

TEMPLATE_ROOTS = ("vars", "secrets", "inputs", "steps", "run")
RUN_FIELDS = ("id", "started", "playbook", "target")
# What a response document holds besides the run: `save` and `expect` read it.
RESPONSE_KEYS = ("data", "status", "success", "headers")
LOOP_NAME = "item"


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
        self.loops: set[str] = set()  # ids of for_each steps
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

    @cached_property
    def scopes(self) -> list[dict[str, Any]] | None:
        """What each call renders in, if known before the run."""
        try:
            return call_scopes(
                self.playbook.base, self.raw.get("for_each"), self.loop or LOOP_NAME
            )
        except TemplateError:
            return None  # the for_each template is reported

    @property
    def items(self) -> list[Any] | None:
        """The loop's items, if the step is a loop over what is known now."""
        if self.loop is None or self.scopes is None:
            return None
        return [scope[self.loop] for scope in self.scopes]

    def known_roots(self, *, item: bool = True) -> set[str]:
        """The names whose values are known before the run."""
        with_item = item and self.loop is not None and self.scopes is not None
        return {*KNOWN_ROOTS, *([self.loop] if with_item and self.loop else [])}


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
