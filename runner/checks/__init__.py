"""Static checks of a playbook: everything that can be known before a request.

The schema says what shape a playbook has; these checks say whether it makes
sense: endpoints exist, parameters fit them, templates read only what earlier
steps save, and every expression parses. All problems are gathered at once.

- `references`: what templates and expressions read, and their mistakes
- `habits`: habits from other template languages (filters, `=`, `and`)
- `parameters`: the values under `with:`, against the endpoint catalog
- `masking`: secret values known now, long enough to be masked
- `batch`: the keys of batch work (for_each, pages, retry, export)
- `step`: one step's checks, in order
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from runner.catalog import Catalog
from runner.checks.context import PlaybookFacts, StepFacts
from runner.checks.step import check_step
from runner.errors import Problem
from runner.loader import Document, Where
from runner.schema import schema_problems
from runner.templating import templates_in
from runner.wording import yaml_number

__all__ = ["Checker"]


class Checker:
    """Gathers every problem of one playbook document."""

    def __init__(
        self,
        document: Document,
        catalog: Catalog,
        *,
        allow_destructive: bool,
        inputs: Mapping[str, Any] | None = None,
        planning: bool = False,
    ) -> None:
        self.facts = PlaybookFacts(
            document,
            catalog,
            allow_destructive=allow_destructive,
            inputs=dict(inputs or {}),
            planning=planning,
        )

    def problems(self) -> list[Problem]:
        facts = self.facts
        placed = schema_problems(facts.document, facts.catalog)
        facts.found = [problem for _, problem in placed]
        if not isinstance(facts.document.data, dict):
            return facts.found
        self._check_numbers({where for where, _ in placed})
        self._check_vars()
        for index, step in enumerate(facts.raw_steps):
            if isinstance(step, dict):
                check_step(StepFacts(facts, index, step))
        return sorted(facts.found, key=lambda p: p.line or 0)

    def _check_numbers(self, explained: set[Where]) -> None:
        """`.nan` and `.inf` are YAML numbers that no wait, count or call can use.

        Where the schema already said what the value must be, once is enough.
        """
        data = self.facts.document.data
        for where, number in _endless_numbers(data, ()):
            if where in explained:
                continue
            name = next((str(k) for k in reversed(where) if isinstance(k, str)), "")
            self.facts.add(
                where,
                f"`{name}` is {yaml_number(number)}, not a number a run can use",
                step=_step_of(data, where),
                hint=f"write a number, such as `{name}: 5`",
            )

    def _check_vars(self) -> None:
        for where, _ in templates_in(self.facts.vars, ("vars",)):
            self.facts.add(
                where,
                "vars are plain values and cannot hold {{ templates }}",
                hint="move the template into the `with:` of the step that needs it",
            )


def _endless_numbers(value: Any, where: Where) -> Iterator[tuple[Where, float]]:
    """Every number in `value` that is not finite (.nan, .inf, -.inf)."""
    if isinstance(value, float) and not math.isfinite(value):
        yield where, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _endless_numbers(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _endless_numbers(item, (*where, index))


def _step_of(data: Any, where: Where) -> str | None:
    """The id of the step `where` is in, if it is in one."""
    if len(where) < 2 or where[0] != "steps" or not isinstance(where[1], int):
        return None
    step = data["steps"][where[1]]
    step_id = step.get("id") if isinstance(step, dict) else None
    return step_id if isinstance(step_id, str) else f"#{where[1] + 1}"
