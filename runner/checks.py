"""Static checks of a playbook: everything that can be known before a request.

The schema says what shape a playbook has; these checks say whether it makes
sense: endpoints exist, parameters fit them, templates read only what earlier
steps save, and every expression parses. All problems are gathered at once.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from runner.catalog import Catalog, Endpoint, Param
from runner.errors import Problem, TemplateError
from runner.export import Export
from runner.loader import Document, Where
from runner.schema import playbook_problems
from runner.templating import (
    Expression,
    ExpressionSyntaxError,
    Template,
    compile_expression,
    describe_value,
    is_template,
    loop_items,
    parse_template,
    render,
    templates_in,
)

RUN_FIELDS = ("id", "started", "playbook", "target")
# A template inside an expression, with the quotes that may surround it.
BRACED = re.compile(r"""(?P<q>['"`]?)\{\{(?P<inner>.*?)\}\}(?P=q)""")
# What a response document holds besides the run: `save` and `expect` read it.
RESPONSE_KEYS = ("data", "status", "success", "headers")
# Items of a known list checked one by one before a run; enough for any typo.
MOST_CHECKED_ITEMS = 1000
TEMPLATE_ROOTS = ("vars", "secrets", "inputs", "steps", "run")
LOOP_NAME = "item"


class Checker:
    """Gathers every problem of one playbook document."""

    def __init__(
        self,
        document: Document,
        catalog: Catalog,
        *,
        allow_destructive: bool,
        inputs: Mapping[str, Any] | None = None,
    ) -> None:
        self.document = document
        self.catalog = catalog
        self.allow_destructive = allow_destructive
        self.inputs = dict(inputs or {})
        self.found: list[Problem] = []
        data = document.data if isinstance(document.data, dict) else {}
        self.vars: dict[str, Any] = _mapping(data.get("vars"))
        self.declared_inputs = {str(name) for name in _mapping(data.get("inputs"))}
        self.secrets = [s for s in _list(data.get("secrets")) if isinstance(s, str)]
        self.raw_steps = _list(data.get("steps"))
        self.steps = [s for s in self.raw_steps if isinstance(s, dict)]
        self.saves: dict[str, list[str]] = {}
        self.loops: set[str] = set()  # ids of for_each steps

    def problems(self) -> list[Problem]:
        self.found = playbook_problems(self.document)
        if not isinstance(self.document.data, dict):
            return self.found
        self._check_numbers()
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

    def _check_numbers(self) -> None:
        """`.nan` and `.inf` are YAML numbers that no wait, count or call can use."""
        placed = {(problem.line, problem.message) for problem in self.found}
        for where, number in _endless_numbers(self.document.data, ()):
            name = next((str(k) for k in reversed(where) if isinstance(k, str)), "")
            line = self.document.line(where)
            if any(n == line and f"`{name}`" in m for n, m in placed):
                continue  # the schema said what the value must be
            self.add(
                where,
                f"`{name}` is {_yaml_number(number)}, not a number a run can use",
                step=_step_of(self.document.data, where),
                hint=f"write a number, such as `{name}: 5`",
            )

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
        name = raw.get("as", LOOP_NAME)
        self.loop = name if "for_each" in raw and isinstance(name, str) else None

    def check(self) -> None:
        self._check_id()
        endpoint = self._check_call()
        args = self.raw.get("with")
        if endpoint is not None and isinstance(args, dict):
            self._check_args(endpoint, args)
            self._check_destructive(endpoint)
        elif endpoint is not None and args is None:
            self._check_args(endpoint, {})
        if endpoint is not None:
            self._check_pages(endpoint)
        self._check_loop()
        self._check_templates(args, (*self.where, "with"))
        self._check_condition()
        self._check_expressions()
        self._check_export()
        self._check_export_rows()
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
            else:
                self._check_known_template(param, value, where)
        for param in endpoint.params:
            # A misspelt required parameter is one problem, not two.
            if param.required and param.name not in {*args, *suggested}:
                self.add(
                    (*self.where, "with"),
                    f"`{param.name}` is required by {endpoint.name}",
                    hint=f"add `{param.name}:` under `with:`",
                )
        for group in endpoint.unmet_groups({*args, *suggested}):
            self.add(
                (*self.where, "with"),
                f"{endpoint.name} needs " + " or ".join(f"`{n}`" for n in group),
                hint="add " + " or ".join(f"`{n}:`" for n in group) + " under `with:`",
            )

    def _unknown_param(self, endpoint: Endpoint, name: str, where: Where) -> set[str]:
        """Report `name`; return the parameters it may be a misspelling of."""
        names = [p.name for p in endpoint.params]
        wire = next((p.name for p in endpoint.params if p.wire == name), None)
        close = [wire] if wire else difflib.get_close_matches(name, names, n=2)
        known = f"takes: {', '.join(names)}" if names else "takes no parameters"
        hint = _did_you_mean(close) or f"{endpoint.name} {known}"
        self.add(where, f"{endpoint.name} has no parameter `{name}`", hint=hint)
        return set(close)

    def _check_known_template(self, param: Param, value: Any, where: Where) -> None:
        """A template of values known before the run is checked as its values.

        `vars`, `inputs` and the items of a loop over them are known now, so
        a typo in a CSV column name or a var that does not fit the parameter
        is caught before anything is sent.
        """
        try:
            template = parse_template(str(value))
        except ExpressionSyntaxError:
            return  # reported with the other templates
        if _reads_a_whole_step(template):
            self.add(
                where,
                f"{value} is everything that step saved, not one value",
                hint="name the value: {{ steps.ID.NAME }}",
            )
            return
        known = {"vars", "inputs", *([self.loop] if self.loop else [])}
        paths = [p for e in template.expressions for p in e.root_paths()]
        scopes = self._static_scopes()
        if scopes is None or any(path[0] not in known for path in paths):
            return
        for number, scope in enumerate(scopes, start=1):
            if not self._renders(param, value, where, scope, number):
                return

    def _renders(
        self,
        param: Param,
        value: Any,
        where: Where,
        scope: Mapping[str, Any],
        number: int,
    ) -> bool:
        """Render `value` for one call and check it; False once it fails."""
        item = f" for item {number} ({_brief(scope[self.loop])})" if self.loop else ""
        try:
            rendered = render(value, scope)
        except TemplateError as error:
            if self.loop:  # else an undefined var, reported with the references
                self.add(where, f"{error}{item}", hint=_item_hint(error))
            return False
        problem = param.type_problem(rendered)
        if problem:
            self.add(where, f"{value} gives {problem[0].lower()}{problem[1:]}{item}")
            return False
        return True

    def _static_scopes(self) -> list[dict[str, Any]] | None:
        """What each call of the step renders in, if it is known before the run."""
        base = {"vars": self.owner.vars, "inputs": self.owner.inputs}
        if self.loop is None:
            return [base]
        values = self.raw.get("for_each")
        if is_template(values):
            known, values = self._known_now(values)
            if not known:
                return None
        items = loop_items(values)
        if items is None:
            return None
        return [{**base, self.loop: item} for item in items[:MOST_CHECKED_ITEMS]]

    def _check_value(self, param: Param, value: Any, where: Where) -> None:
        problem = param.type_problem(value)
        if problem:
            self.add(where, problem, self._type_hint(param, value, where))
        elif isinstance(value, Mapping) and "file" in value:
            self._check_file(value["file"], where)
        elif "file" in param.types and isinstance(value, str):
            self._check_file_text(param, value, where)

    def _check_file_text(self, param: Param, value: str, where: Where) -> None:
        """A path given as text is sent as those words, not as the file's bytes."""
        try:
            is_file = (self.owner.folder / value).is_file()
        except (OSError, ValueError):
            return  # a URL or base64 too long or odd for a file name: it is data
        if is_file:
            self.add(
                where,
                f"`{param.name}` is the text {json.dumps(value)}: "
                "those words would be sent, not the file",
                hint=f"did you mean `{param.name}: {{file: {value}}}`?",
            )

    def _type_hint(self, param: Param, value: Any, where: Where) -> str | None:
        """A fix for a yes, no, on or off that YAML read as true or false."""
        document = self.owner.document
        word = document.bool_words.get(tuple(where))
        if word is None:
            return None
        if param.type_problem(word) is None:
            return document.quoting_hint(where)
        if param.values:
            allowed = " or ".join(f"`{param.name}: {v}`" for v in param.values)
            return f"YAML reads {word} as {json.dumps(value)}; write {allowed}"
        return None

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

    def _check_pages(self, endpoint: Endpoint) -> None:
        if "pages" in self.raw and not endpoint.paged:
            self.add(
                (*self.where, "pages"),
                f"{endpoint.name} is not a paged list, so `pages:` does not apply",
                hint="remove `pages:`; paged lists take a `page` parameter "
                "(`imgur-playbook endpoints show NAME` says)",
            )

    def _check_loop(self) -> None:
        if self.loop is None:
            if "as" in self.raw:
                self.add(
                    (*self.where, "as"),
                    "`as` names the item of a `for_each`, and this step has none",
                    hint="add `for_each:` or remove `as:`",
                )
            return
        if self.loop in TEMPLATE_ROOTS:
            self.add(
                (*self.where, "as"),
                f"`{self.loop}` already means something in templates",
                hint="choose another name, e.g. `as: photo`",
            )
        elif self.loop in RESPONSE_KEYS:
            self.add(
                (*self.where, "as"),
                f"`{self.loop}` is also a key of the response, which hides the "
                "item in `save`, `expect` and `retry.until`",
                hint="choose another name, e.g. `as: photo`",
            )
        # The list is read before any item exists.
        loop, self.loop = self.loop, None
        self._check_templates(self.raw.get("for_each"), (*self.where, "for_each"))
        self.loop = loop
        self._check_loop_list()

    def _check_loop_list(self) -> None:
        """A `for_each` over vars or inputs must find a list there."""
        text = self.raw.get("for_each")
        known, values = self._known_now(text)
        if not known or loop_items(values) is not None:
            return
        self.add(
            (*self.where, "for_each"),
            f"{text} is {describe_value(values)}, not a list to go through",
            hint=self._list_hint(str(text), values),
        )

    def _list_hint(self, text: str, values: Any) -> str:
        lone = parse_template(text).lone
        path = lone.simple_path() if lone else None
        if path is None or len(path) != 2:
            return "give `for_each:` a list, like [a, b]"
        if path[0] == "inputs":
            return f"the file of `inputs.{path[1]}` must hold a list of rows"
        items = values.split(",") if isinstance(values, str) else [values]
        listed = ", ".join(str(item).strip() for item in items)
        return f"make it a list: {path[1]}: [{listed}]"

    def _known_now(self, value: Any) -> tuple[bool, Any]:
        """(True, what `value` renders to) if only vars and inputs decide it."""
        if not is_template(value):
            return False, None
        try:
            template = parse_template(str(value))
            roots = {p[0] for e in template.expressions for p in e.root_paths()}
            if not roots <= {"vars", "inputs"}:
                return False, None
            base = {"vars": self.owner.vars, "inputs": self.owner.inputs}
            return True, render(value, base)
        except (ExpressionSyntaxError, TemplateError):
            return False, None  # reported with the other templates

    def _check_templates(self, value: Any, at: Where) -> None:
        for where, text in templates_in(value, at):
            try:
                template = parse_template(text)
            except ExpressionSyntaxError as error:
                self.add(where, str(error), error.hint)
                continue
            for expression in template.expressions:
                label = f"{{{{ {expression.source} }}}}"
                self._check_references(expression, where, label, in_template=True)

    def _check_condition(self) -> None:
        """`when` reads the run, not a response: every name in it must exist."""
        text = self.raw.get("when")
        where = (*self.where, "when")
        expression = self._compiled(where, text)
        if expression is not None:
            label = f"when `{expression.source}`"
            self._check_references(expression, where, label, in_template=True)

    def _check_export(self) -> None:
        export = self.raw.get("export")
        if not isinstance(export, dict) or not isinstance(export.get("to"), str):
            return
        where = (*self.where, "export")
        if Export.format_of(export["to"], export.get("format")) is None:
            self.add(
                (*where, "to"),
                f"cannot tell the format of {export['to']!r}",
                hint="end the file name in .csv or .json, or add `format: csv`",
            )
        self._check_templates(export["to"], (*where, "to"))

    def _check_export_rows(self) -> None:
        """`rows` reads what this step saved (`items` for a loop), or the run."""
        export = self.raw.get("export")
        if not isinstance(export, dict) or "rows" not in export:
            return
        where = (*self.where, "export", "rows")
        expression = self._compiled(where, export["rows"])
        if expression is None:
            return
        self._check_element_reads(expression, where)
        saved = self._own_saves()
        for path in expression.root_paths():
            if path[0] in saved:
                continue
            if path[0] in TEMPLATE_ROOTS:
                problem = self._reference_problem(path, in_template=True)
            else:
                problem = self._not_saved(path[0], saved)
            if problem:
                self.add(where, f"`{expression.source}`: {problem[0]}", problem[1])

    def _own_saves(self) -> list[str]:
        """The names this step's export reads as its own."""
        if self.loop is not None:
            return ["items"]
        save = self.raw.get("save")
        return [str(name) for name in save] if isinstance(save, dict) else []

    def _not_saved(self, root: str, saved: list[str]) -> tuple[str, str | None]:
        listed = ", ".join(saved) or "nothing"
        message = f"`{root}` is not something this step saved (it saves {listed})"
        close = difflib.get_close_matches(root, [*saved, *TEMPLATE_ROOTS], n=1)
        if close:
            return message, _did_you_mean(close)
        if self.loop is not None:
            return message, "a loop's rows are its `items`, e.g. `rows: items`"
        return message, f"add `{root}: <JMESPath>` under this step's `save:`"

    def _check_expressions(self) -> None:
        """Expressions over a response: save, expect.that, retry.until."""
        for where, text in self._response_expressions():
            expression = self._compiled(where, text)
            if expression is not None:
                label = f"`{expression.source}`"
                self._check_references(expression, where, label, in_template=False)

    def _response_expressions(self) -> Iterator[tuple[Where, Any]]:
        save, expect = self.raw.get("save"), self.raw.get("expect")
        retry = self.raw.get("retry")
        if isinstance(save, dict):
            yield from (((*self.where, "save", k), v) for k, v in save.items())
        if isinstance(expect, dict) and isinstance(expect.get("that"), list):
            for index, text in enumerate(expect["that"]):
                yield (*self.where, "expect", "that", index), text
        if isinstance(retry, dict) and "until" in retry:
            yield (*self.where, "retry", "until"), retry["until"]

    def _compiled(self, where: Where, text: Any) -> Expression | None:
        """`text` compiled as JMESPath, or None with the problem added."""
        if not isinstance(text, str):
            return None
        if is_template(text):
            self.add(
                where,
                "this is a JMESPath expression already; write it without {{ }}",
                hint=f"e.g. `{_unbraced(text)}`",
            )
            return None
        try:
            return compile_expression(text)
        except ExpressionSyntaxError as error:
            self.add(where, str(error), error.hint)
            return None

    def _check_references(
        self, expression: Expression, where: Where, label: str, *, in_template: bool
    ) -> None:
        """Every name `expression` reads from the run; `label` names it in messages."""
        self._check_element_reads(expression, where)
        for path in expression.root_paths():
            problem = self._reference_problem(path, in_template)
            if problem:
                message, hint = problem
                self.add(where, f"{label}: {message}", hint)

    def _check_element_reads(self, expression: Expression, where: Where) -> None:
        """Run names inside a filter read each element: a common surprise."""
        roots = {*TEMPLATE_ROOTS, *([self.loop] if self.loop else [])}
        for path in expression.element_paths():
            if path[0] in roots:
                name = ".".join(path)
                self.add(
                    where,
                    f"`{name}` inside `[...]` of `{expression.source}` is read "
                    f"from each element of the list, not from the run",
                    hint="JMESPath cannot reach the run from inside a filter: go "
                    "through the list with `for_each` and pick items with "
                    "`when:`, e.g. `when: item.datetime < to_epoch(vars.before)`",
                )
                return

    def _reference_problem(
        self, path: tuple[str, ...], in_template: bool
    ) -> tuple[str, str | None] | None:
        root, rest = path[0], path[1:]
        if root == self.loop:
            return None
        if root == "steps":
            return self._step_reference(rest)
        if root == "inputs":
            if rest and rest[0] in self.owner.declared_inputs:
                return None  # it failed to load, and that problem is reported
            known = list(self.owner.inputs)
            return _member("inputs", rest, known, "add it under `inputs:`")
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
            return self._unknown_root(root)
        return None

    def _unknown_root(self, root: str) -> tuple[str, str | None]:
        roots = [*TEMPLATE_ROOTS, *([self.loop] if self.loop else [])]
        if root == LOOP_NAME or root == self.raw.get("as"):
            return (
                f"`{root}` is only known inside a `for_each` step",
                "add `for_each:` to this step, or read a saved value instead",
            )
        close = difflib.get_close_matches(root, roots, n=1)
        return f"`{root}` is not known here", _did_you_mean(close) or (
            f"templates read {', '.join(roots)}"
        )

    def _step_reference(self, rest: tuple[str, ...]) -> tuple[str, str | None] | None:
        if not rest:
            return None
        step_id, names = rest[0], rest[1:]
        saves = self.owner.saves
        if step_id == self.id and step_id not in saves:
            return (
                f"step `{step_id}` reads what it saves itself",
                "in `save` and `expect`, read the response (data...) directly",
            )
        if step_id not in saves:
            later = {s.get("id") for s in self.owner.steps} - set(saves)
            if step_id in later:
                return (
                    f"step `{step_id}` has not run yet at this point",
                    "steps run in order; move this step after it",
                )
            close = difflib.get_close_matches(step_id, list(saves), n=1)
            return f"there is no earlier step `{step_id}`", _did_you_mean(close)
        if names and step_id in self.owner.loops and names[0] != "items":
            return (
                f"step `{step_id}` runs for each item, so it saves a list of items",
                f"read `steps.{step_id}.items[*].{names[0]}`",
            )
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
        if self.loop is not None:
            self.owner.loops.add(self.id)
            names = ["items"]
        self.owner.saves.setdefault(self.id, names)


def _unbraced(text: str) -> str:
    """`text` with each `{{ x }}` (and quotes around it) written as plain `x`.

    `data.url == '{{ secrets.NOTE }}'` compares with the text of the
    template; without braces the quotes would make it the words themselves.
    """
    return BRACED.sub(lambda found: found.group("inner").strip(), text).strip()


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


def _yaml_number(number: float) -> str:
    if math.isnan(number):
        return ".nan"
    return ".inf" if number > 0 else "-.inf"


def _step_of(data: Any, where: Where) -> str | None:
    """The id of the step `where` is in, if it is in one."""
    if len(where) < 2 or where[0] != "steps" or not isinstance(where[1], int):
        return None
    step = data["steps"][where[1]]
    step_id = step.get("id") if isinstance(step, dict) else None
    return step_id if isinstance(step_id, str) else f"#{where[1] + 1}"


def _reads_a_whole_step(template: Template) -> bool:
    lone = template.lone
    path = lone.simple_path() if lone else None
    return path is not None and len(path) == 2 and path[0] == "steps"


def _brief(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _item_hint(error: TemplateError) -> str | None:
    if "is undefined" in error.reason:
        return "check the name against the item's fields (CSV: the header row)"
    return None


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
