"""The values under a step's `with:`, checked against the endpoint catalog.

A value written out is checked as it is; a template of values known before
the run (vars, inputs, a loop's items over them) is checked as what it
renders to, for each call, so a var that does not fit fails `validate`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from runner.catalog import Endpoint, Param, ValueProblem
from runner.checks.context import StepFacts
from runner.errors import TemplateError
from runner.loader import Where, bool_for
from runner.templating import (
    ExpressionSyntaxError,
    Template,
    is_template,
    parse_template,
)
from runner.wording import did_you_mean, preview

# `<galleryHash>`: a placeholder of a step pasted from `endpoints show`.
PLACEHOLDER = re.compile(r"<[A-Za-z_][\w.-]*>")
# A close enough spelling of an allowed value to be a typo of it.
TYPO_CUTOFF = 0.75
# Words people use for an allowed value that a spelling match gets wrong
# (`latest` is spelt most like `oldest`).
SAME_MEANING = {
    "latest": "newest",
    "recent": "newest",
    "new": "newest",
    "earliest": "oldest",
    "old": "oldest",
    "upvote": "up",
    "like": "up",
    "downvote": "down",
    "dislike": "down",
}


def check_parameters(step: StepFacts, endpoint: Endpoint) -> None:
    """Each parameter given, and each one the endpoint needs."""
    args = step.raw.get("with")
    args = {} if args is None else args
    if not isinstance(args, dict):
        return  # the schema says what `with:` must be
    suggested: set[str] = set()
    for name, value in args.items():
        param = endpoint.param(str(name))
        where = step.at("with", name)
        if param is None:
            suggested |= _unknown_param(step, endpoint, str(name), where)
        elif not _placeholder(step, value, where):
            _check_given(step, param, value, where)
    # Written beside `with:` instead of under it: the schema says so.
    misplaced = {str(key) for key in step.raw if endpoint.param(str(key))}
    _check_needed(step, endpoint, {*map(str, args), *suggested, *misplaced})


def _check_given(step: StepFacts, param: Param, value: Any, where: Where) -> None:
    if is_template(value):
        _check_known_template(step, param, value, where)
    else:
        _check_value(step, param, value, where)


def _check_needed(step: StepFacts, endpoint: Endpoint, given: set[str]) -> None:
    """Required parameters and one-of groups; a misspelt one counts as given."""
    where = step.at("with")
    for param in endpoint.params:
        if param.required and param.name not in given:
            step.add(
                where,
                f"`{param.name}` is required by {endpoint.name}",
                hint=f"add `{param.name}:` under `with:`",
            )
    for group in endpoint.unmet_groups(given):
        step.add(
            where,
            f"{endpoint.name} needs " + " or ".join(f"`{n}`" for n in group),
            hint="add " + " or ".join(f"`{n}:`" for n in group) + " under `with:`",
        )


def _unknown_param(
    step: StepFacts, endpoint: Endpoint, name: str, where: Where
) -> set[str]:
    """Report `name`; return the parameters it may be a misspelling of."""
    names = [p.name for p in endpoint.params]
    wire = next((p.name for p in endpoint.params if p.wire == name), None)
    close = [wire] if wire else difflib.get_close_matches(name, names, n=2)
    known = f"takes: {', '.join(names)}" if names else "takes no parameters"
    hint = did_you_mean(close) or f"{endpoint.name} {known}"
    step.add(where, f"{endpoint.name} has no parameter `{name}`", hint=hint)
    return set(close)


def _placeholder(step: StepFacts, value: Any, where: Where) -> bool:
    """A `<name>` left in a pasted step, which would be sent as those words."""
    found = next(_placeholders(value), None)
    if found is None:
        return False
    step.add(
        where,
        f"{found} is a placeholder, not a value",
        hint=f"replace {found} with a real value",
    )
    return True


def _placeholders(value: Any) -> Iterator[str]:
    if isinstance(value, str) and PLACEHOLDER.fullmatch(value.strip()):
        yield value.strip()
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _placeholders(item)
    elif isinstance(value, list):
        for item in value:
            yield from _placeholders(item)


def _check_value(step: StepFacts, param: Param, value: Any, where: Where) -> None:
    problem = param.type_problem(value)
    if problem:
        step.add(where, str(problem), _value_hint(step, param, value, where))
    elif isinstance(value, Mapping) and "file" in value:
        _check_file(step, value["file"], where)
    elif "file" in param.types and isinstance(value, str):
        _check_file_text(step, param, value, where)


def _value_hint(step: StepFacts, param: Param, value: Any, where: Where) -> str | None:
    """The fix for a value written out: a yes meant as true, or a typo."""
    document = step.playbook.document
    if "boolean" in param.types:
        return document.bool_hint(where)
    if param.values is None or param.secret:
        return None
    allowed = [str(v) for v in param.values]
    word = document.bool_words.get(tuple(where))
    # `disable_audio: yes` for an endpoint that takes 1 for yes.
    meant = {"true": "1", "false": "0"}.get(bool_for(word or "") or "")
    if word and meant in allowed:
        return f"write `{param.name}: {meant}` ({word} is text)"
    same = SAME_MEANING.get(str(value).lower())
    if same in allowed:
        return did_you_mean([same])
    return did_you_mean(difflib.get_close_matches(str(value), allowed, 1))


def _check_file(step: StepFacts, name: Any, where: Where) -> None:
    if is_template(name):
        return
    path = step.playbook.folder / str(name)
    if not path.is_file():
        step.add(
            (*where, "file"),
            f"no file {path}",
            hint="file paths are relative to the playbook's folder",
        )


def _check_file_text(step: StepFacts, param: Param, value: str, where: Where) -> None:
    """A path given as text is sent as those words, not as the file's bytes."""
    try:
        is_file = (step.playbook.folder / value).is_file()
    except (OSError, ValueError):
        return  # a URL or base64 too long or odd for a file name: it is data
    if is_file:
        step.add(
            where,
            f"`{param.name}` is the text {json.dumps(value)}: "
            "those words would be sent, not the file",
            hint=f"did you mean `{param.name}: {{file: {value}}}`?",
        )


def _check_known_template(
    step: StepFacts, param: Param, value: Any, where: Where
) -> None:
    """A template of values known before the run is checked as its values.

    `vars`, `inputs` and the items of a loop over them are known now, so
    a var that does not fit the parameter is caught before anything is sent.
    """
    if tuple(where) in step.faulty:
        return  # what it reads is wrong already
    try:
        template = parse_template(str(value))
    except ExpressionSyntaxError:
        return  # reported with the other templates
    if _reads_a_whole_step(template):
        step.add(
            where,
            f"{value} is everything that step saved, not one value",
            hint="name the value: {{ steps.ID.NAME }}",
        )
        return
    for number, scope in step.known_calls(template.expressions) or []:
        call = _Call(step, param, str(value), number)
        if not call.renders(where, scope):
            return


class _Call:
    """One call's rendering of a known template, and its problem in words."""

    def __init__(
        self, step: StepFacts, param: Param, text: str, item: int | None
    ) -> None:
        self.step = step
        self.param = param
        self.text = text
        self.template = parse_template(text)
        self.item = item  # the item's number in a loop, else None

    def renders(self, where: Where, scope: Mapping[str, Any]) -> bool:
        """Render the template for this call and check it; False if it fails."""
        try:
            rendered = self.template.render(scope)
        except TemplateError as error:
            if self.item is not None:  # else reported with the references
                shown = preview(scope[self.step.loop or ""], secret=self.param.secret)
                self.step.add(where, f"{error} for item {self.item} ({shown})")
            return False
        problem = self.param.type_problem(rendered)
        if problem:
            self.step.add(where, self._message(problem), self._fix(problem))
            return False
        return True

    def _message(self, problem: ValueProblem) -> str:
        """`favoritesSort` must be one of ...; vars.sort is "latest" (from --var)."""
        path = self._var()
        if path is not None:
            origin = self.step.playbook.origin(path)
            return f"{problem.broken}; vars.{path} is {problem.shown}{origin}"
        call = f" for item {self.item}" if self.item is not None else ""
        return f"{problem.broken}; {self.text} gives {problem.shown}{call}"

    def _fix(self, problem: ValueProblem) -> str | None:
        """A value that fits, written where the var's value came from."""
        name = self._var()
        fitting = _fitting(self.param, problem.value)
        if name is None or fitting is None:
            return None
        given = self.step.playbook.document.var_origins.get(name)
        if given == "--var":
            return f"--var {name}={fitting}"
        if given == "--vars-file":
            return f"write `{name}: {fitting}` in the --vars-file"
        return f"write `{name}: {fitting}` under `vars:`"

    def _var(self) -> str | None:
        """The var's name if the template is that var alone: `{{ vars.sort }}`."""
        lone = self.template.lone
        path = lone.simple_path() if lone else None
        if path is None or len(path) != 2 or path[0] != "vars":
            return None
        return path[1]


def _fitting(param: Param, value: Any) -> str | None:
    """A value of `param`'s kind close to `value`, to suggest in its place."""
    if param.secret:
        return None
    if param.values is not None:
        allowed = [str(v) for v in param.values]
        close = difflib.get_close_matches(str(value), allowed, 1, TYPO_CUTOFF)
        default = str(param.default) if param.default is not None else None
        return close[0] if close else default if default in allowed else allowed[0]
    if "integer" in param.types:
        number = param.default if isinstance(param.default, int) else param.minimum
        return str(number or 0)
    if "boolean" in param.types:
        return bool_for(str(value)) or "true"
    return None


def _reads_a_whole_step(template: Template) -> bool:
    lone = template.lone
    path = lone.simple_path() if lone else None
    return path is not None and len(path) == 2 and path[0] == "steps"
