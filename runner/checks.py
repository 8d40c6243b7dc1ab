"""Static checks of a playbook: everything that can be known before a request.

The schema says what shape a playbook has; these checks say whether it makes
sense: endpoints exist, parameters fit them, templates read only what earlier
steps save, and every expression parses. All problems are gathered at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from runner.catalog import Catalog, Endpoint, Param
from runner.errors import Problem
from runner.loader import Document, Where
from runner.schema import playbook_problems
from runner.templating import (
    Expression,
    ExpressionSyntaxError,
    compile_expression,
    is_template,
    parse_template,
    templates_in,
)

RUN_FIELDS = ("id", "started", "playbook", "target")
TEMPLATE_ROOTS = ("vars", "secrets", "steps", "run")


class Checker:
    """Gathers every problem of one playbook document."""

    def __init__(
        self, document: Document, catalog: Catalog, *, allow_destructive: bool
    ) -> None:
        self.document = document
        self.catalog = catalog
        self.allow_destructive = allow_destructive
        self.found: list[Problem] = []
        data = document.data if isinstance(document.data, dict) else {}
        self.vars: dict[str, Any] = _mapping(data.get("vars"))
        self.secrets = [s for s in _list(data.get("secrets")) if isinstance(s, str)]
        self.raw_steps = _list(data.get("steps"))
        self.steps = [s for s in self.raw_steps if isinstance(s, dict)]
        self.saves: dict[str, list[str]] = {}

    def problems(self) -> list[Problem]:
        self.found = playbook_problems(self.document)
        if not isinstance(self.document.data, dict):
            return self.found
        self._check_vars()
        for index, step in enumerate(self.raw_steps):
            if isinstance(step, dict):
                StepChecker(self, index, step).check()
        return sorted(self.found, key=lambda p: p.line or 0)

    def add(
        self,
        where: Where,
        message: str,
        *,
        step: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.found.append(self.document.problem(where, message, step=step, hint=hint))

    def _check_vars(self) -> None:
        for where, _ in templates_in(self.vars, ("vars",)):
            self.add(
                where,
                "vars are plain values and cannot hold {{ templates }}",
                hint="move the template into the `with:` of the step that needs it",
            )

    @property
    def folder(self) -> Path:
        return self.document.path.parent


class StepChecker:
    """The checks of one step, which may read what earlier steps saved."""

    def __init__(self, owner: Checker, index: int, raw: dict[str, Any]) -> None:
        self.owner = owner
        self.index = index
        self.raw = raw
        step_id = raw.get("id")
        self.id = step_id if isinstance(step_id, str) else f"#{index + 1}"
        self.where: Where = ("steps", index)

    def check(self) -> None:
        self._check_id()
        endpoint = self._check_call()
        args = self.raw.get("with")
        if endpoint is not None and isinstance(args, dict):
            self._check_args(endpoint, args)
            self._check_destructive(endpoint)
        elif endpoint is not None and args is None:
            self._check_args(endpoint, {})
        self._check_templates(args)
        self._check_expressions()
        self._record_saves()

    def add(self, where: Where, message: str, hint: str | None = None) -> None:
        self.owner.add(where, message, step=self.id, hint=hint)

    def _check_id(self) -> None:
        if self.id in self.owner.saves:
            self.add(
                (*self.where, "id"),
                f"step id `{self.id}` is used twice",
                hint="give each step its own id",
            )

    def _check_call(self) -> Endpoint | None:
        name = self.raw.get("call")
        if not isinstance(name, str):
            return None
        endpoint = self.owner.catalog.get(name)
        if endpoint is None:
            close = self.owner.catalog.suggest(name)
            hint = _did_you_mean(close) or "`imgur-playbook endpoints` lists them"
            self.add((*self.where, "call"), f"unknown endpoint `{name}`", hint=hint)
        return endpoint

    def _check_args(self, endpoint: Endpoint, args: Mapping[str, Any]) -> None:
        suggested: set[str] = set()
        for name, value in args.items():
            param = endpoint.param(str(name))
            where = (*self.where, "with", name)
            if param is None:
                suggested |= self._unknown_param(endpoint, str(name), where)
            elif not is_template(value):
                self._check_value(param, value, where)
        for param in endpoint.params:
            # A misspelt required parameter is one problem, not two.
            if param.required and param.name not in {*args, *suggested}:
                self.add(
                    (*self.where, "with"),
                    f"`{param.name}` is required by {endpoint.name}",
                    hint=f"add `{param.name}:` under `with:`",
                )

    def _unknown_param(self, endpoint: Endpoint, name: str, where: Where) -> set[str]:
        """Report `name`; return the parameters it may be a misspelling of."""
        names = [p.name for p in endpoint.params]
        wire = next((p.name for p in endpoint.params if p.wire == name), None)
        close = [wire] if wire else difflib.get_close_matches(name, names, n=2)
        known = ", ".join(names) if names else "none"
        hint = _did_you_mean(close) or f"{endpoint.name} takes: {known}"
        self.add(where, f"{endpoint.name} has no parameter `{name}`", hint=hint)
        return set(close)

    def _check_value(self, param: Param, value: Any, where: Where) -> None:
        problem = param.type_problem(value)
        if problem:
            self.add(where, problem)
        elif isinstance(value, Mapping) and "file" in value:
            self._check_file(value["file"], where)

    def _check_file(self, name: Any, where: Where) -> None:
        if is_template(name):
            return
        path = self.owner.folder / str(name)
        if not path.is_file():
            self.add(
                (*where, "file"),
                f"no file {path}",
                hint="file paths are relative to the playbook's folder",
            )

    def _check_destructive(self, endpoint: Endpoint) -> None:
        if not endpoint.destructive:
            return
        if self.raw.get("allow_destructive") is not True:
            self.add(
                (*self.where, "call"),
                f"{endpoint.name} {endpoint.destructive} and cannot be undone",
                hint="if you mean it, add `allow_destructive: true` to this step "
                "and run with --allow-destructive",
            )
        elif not self.owner.allow_destructive:
            self.add(
                (*self.where, "allow_destructive"),
                f"{endpoint.name} {endpoint.destructive}; the command line must agree",
                hint="run again with --allow-destructive",
            )

    def _check_templates(self, args: Any) -> None:
        for where, text in templates_in(args, (*self.where, "with")):
            try:
                template = parse_template(text)
            except ExpressionSyntaxError as error:
                self.add(where, str(error))
                continue
            for expression in template.expressions:
                self._check_references(expression, where, in_template=True)

    def _check_expressions(self) -> None:
        save = self.raw.get("save")
        expect = self.raw.get("expect")
        found: list[tuple[Where, Any]] = []
        if isinstance(save, dict):
            found += [((*self.where, "save", k), v) for k, v in save.items()]
        if isinstance(expect, dict) and isinstance(expect.get("that"), list):
            found += [
                ((*self.where, "expect", "that", i), text)
                for i, text in enumerate(expect["that"])
            ]
        for where, text in found:
            self._check_expression(where, text)

    def _check_expression(self, where: Where, text: Any) -> None:
        if not isinstance(text, str):
            return
        if is_template(text):
            self.add(
                where,
                "this is a JMESPath expression already; write it without {{ }}",
                hint=f"e.g. `{text.replace('{{', '').replace('}}', '').strip()}`",
            )
            return
        try:
            expression = compile_expression(text)
        except ExpressionSyntaxError as error:
            self.add(where, str(error))
            return
        self._check_references(expression, where, in_template=False)

    def _check_references(
        self, expression: Expression, where: Where, *, in_template: bool
    ) -> None:
        for path in expression.root_paths():
            problem = self._reference_problem(path, in_template)
            if problem:
                message, hint = problem
                self.add(where, f"{{{{ {expression.source} }}}}: {message}", hint)

    def _reference_problem(
        self, path: tuple[str, ...], in_template: bool
    ) -> tuple[str, str | None] | None:
        root, rest = path[0], path[1:]
        if root == "steps":
            return self._step_reference(rest)
        if root == "vars":
            known = [str(name) for name in self.owner.vars]
            return _member("vars", rest, known, "add it under `vars:`")
        if root == "secrets":
            return _member(
                "secrets", rest, self.owner.secrets, "list it under `secrets:`"
            )
        if root == "run":
            return _member("run", rest, list(RUN_FIELDS), None)
        if in_template:
            close = difflib.get_close_matches(root, TEMPLATE_ROOTS, n=1)
            roots = ", ".join(TEMPLATE_ROOTS)
            return f"`{root}` is not known here", _did_you_mean(close) or (
                f"templates read {roots}"
            )
        return None

    def _step_reference(self, rest: tuple[str, ...]) -> tuple[str, str | None] | None:
        if not rest:
            return None
        step_id, names = rest[0], rest[1:]
        saves = self.owner.saves
        if step_id not in saves:
            later = {s.get("id") for s in self.owner.steps} - set(saves)
            if step_id in later:
                return (
                    f"step `{step_id}` has not run yet at this point",
                    "steps run in order; move this step after it",
                )
            close = difflib.get_close_matches(step_id, list(saves), n=1)
            return f"there is no earlier step `{step_id}`", _did_you_mean(close)
        if names and names[0] not in saves[step_id]:
            saved = ", ".join(saves[step_id]) or "nothing"
            return (
                f"step `{step_id}` saves no `{names[0]}` (it saves {saved})",
                f"add `{names[0]}: <JMESPath>` under that step's `save:`",
            )
        return None

    def _record_saves(self) -> None:
        save = self.raw.get("save")
        names = [str(k) for k in save] if isinstance(save, dict) else []
        self.owner.saves.setdefault(self.id, names)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _member(
    root: str, rest: tuple[str, ...], known: list[str], fix: str | None
) -> tuple[str, str | None] | None:
    if not rest or rest[0] in known:
        return None
    close = difflib.get_close_matches(rest[0], known, n=1)
    return f"`{root}.{rest[0]}` is not defined", _did_you_mean(close) or fix


def _did_you_mean(names: Iterator[str] | list[str]) -> str | None:
    names = list(names)
    if not names:
        return None
    return "did you mean " + " or ".join(f"`{n}`" for n in names) + "?"
