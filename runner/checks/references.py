"""What templates and JMESPath expressions read, checked before the run.

Every name an expression reads from the run must be there when it runs: a
var, an input, a secret the playbook lists, what an earlier step saves, a
field the loop's items have. A function whose arguments are known now is
worked out now, so that a bad date fails `validate`, not the run.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from runner.checks import habits
from runner.checks.context import RUN_FIELDS, TEMPLATE_ROOTS, StepFacts
from runner.checks.loop_reads import item_reads
from runner.errors import TemplateError
from runner.loader import Where
from runner.redact import is_secret_field
from runner.templating import (
    LOOP_NAME,
    Expression,
    ExpressionSyntaxError,
    compile_expression,
    first_missing,
    is_template,
    parse_template,
    templates_in,
)
from runner.wording import did_you_mean, kind_of, preview

# A template inside an expression, with the quotes that may surround it.
BRACED = re.compile(r"""(?P<q>['"`]?)\{\{(?P<inner>.*?)\}\}(?P=q)""")
# Values that show how a function's argument is written, for a --var fix.
EXAMPLE_ARGUMENTS = {"to_epoch": "2024-05-01"}

Found = tuple[str, str | None]  # a problem and its fix


def check_templates(
    step: StepFacts, value: Any, at: Where, *, item: bool = True
) -> None:
    """Every template inside `value`; `item` says whether the loop's item exists."""
    for where, text in templates_in(value, at):
        try:
            template = parse_template(text)
        except ExpressionSyntaxError as error:
            step.add(where, str(error), habits.syntax_fix(error))
            continue
        for expression in template.expressions:
            if _habit(step, expression, where):
                continue
            label = f"{{{{ {expression.source} }}}}"
            check_expression(step, expression, where, label, item=item)
            habits.check_filter(step, expression, where)


def check_condition(step: StepFacts) -> None:
    """`when` reads the run, not a response: every name in it must exist."""
    where = step.at("when")
    expression = compiled(step, where, step.raw.get("when"))
    if expression is not None:
        label = f"when `{expression.source}`"
        check_expression(step, expression, where, label)
        habits.check_filter(step, expression, where, braced=False)


def check_response_expressions(step: StepFacts) -> None:
    """Expressions over a response: save, expect.that, retry.until."""
    for where, text in _response_expressions(step):
        expression = compiled(step, where, text)
        if expression is None:
            continue
        if where[-2] == "save" and expression_reads_secrets(expression):
            step.add(
                where,
                f"`save.{where[-1]}` reads secrets; saved values are written to "
                "the report, so a secret cannot be saved",
                "read {{ secrets.NAME }} where it is needed instead",
            )
            continue
        if _reads_response_root(step, expression, where):
            continue
        label = f"`{expression.source}`"
        check_expression(step, expression, where, label, in_template=False)
        habits.check_filter(step, expression, where, braced=False)


def _reads_response_root(step: StepFacts, expression: Expression, where: Where) -> bool:
    """`response.data`: a habit from tools whose expressions start outside."""
    if not any(path[0] == "response" for path in expression.root_paths()):
        return False
    step.add(
        where,
        f"`{expression.source}`: `response` is not a field; save, expect and "
        "until already read the response body",
        f"leave `response.` out: `{expression.source.replace('response.', '')}`",
    )
    return True


def _response_expressions(step: StepFacts) -> Iterator[tuple[Where, Any]]:
    save, expect = step.raw.get("save"), step.raw.get("expect")
    retry = step.raw.get("retry")
    if isinstance(save, dict):
        yield from ((step.at("save", k), v) for k, v in save.items())
    if isinstance(expect, dict) and isinstance(expect.get("that"), list):
        for index, text in enumerate(expect["that"]):
            yield step.at("expect", "that", index), text
    if isinstance(retry, dict) and "until" in retry:
        yield step.at("retry", "until"), retry["until"]


def compiled(step: StepFacts, where: Where, text: Any) -> Expression | None:
    """`text` compiled as JMESPath, or None with the problem added."""
    if not isinstance(text, str):
        return None
    if is_template(text):
        step.add(
            where,
            "this is a JMESPath expression already; write it without {{ }}",
            hint=f"e.g. `{_unbraced(text)}`",
        )
        return None
    try:
        expression = compile_expression(text)
    except ExpressionSyntaxError as error:
        step.add(where, str(error), habits.syntax_fix(error))
        return None
    return None if _habit(step, expression, where) else expression


def _habit(step: StepFacts, expression: Expression, where: Where) -> bool:
    """Add the habit from elsewhere that `expression` shows, if any."""
    found = habits.quoted_text(expression)
    if found:
        step.add(where, *found)
    return found is not None


def check_expression(
    step: StepFacts,
    expression: Expression,
    where: Where,
    label: str,
    *,
    in_template: bool = True,
    item: bool = True,
) -> None:
    """Every name `expression` reads from the run; `label` names it in messages.

    `in_template` says the expression reads the run only (a template,
    `when`), not a response, so a name that is not the run's is a mistake.
    """
    if check_element_reads(step, expression, where):
        return
    found = False
    for path in expression.root_paths():
        problem = reference_problem(step, path, in_template=in_template, item=item)
        if problem:
            found = True
            step.add(where, f"{label}: {problem[0]}", problem[1])
    if not found:
        found = _check_item_reads(step, expression, where, label)
    if not found:
        _check_known_calls(step, expression, where, label)


def _check_item_reads(
    step: StepFacts, expression: Expression, where: Where, label: str
) -> bool:
    """Fields read from a loop's saved items: each must be one the loop saves."""
    found = False
    facts = step.playbook
    for read in item_reads(expression.tree):
        saved = facts.loops.get(read.step)
        if saved is None or read.field in (*saved, "null"):
            continue
        found = True
        if read.field in ("true", "false"):
            problem, fix = literal_word(read.field)
            step.add(where, f"{label}: {problem}", fix)
            continue
        listed = ", ".join(saved) or "nothing"
        hint = did_you_mean(difflib.get_close_matches(read.field, saved, n=1))
        step.add(
            where,
            f"{label}: the items of step `{read.step}` have no `{read.field}` "
            f"(each item saves {listed})",
            hint or f"add `{read.field}: <JMESPath>` under that step's `save:`",
        )
    return found


def check_element_reads(step: StepFacts, expression: Expression, where: Where) -> bool:
    """Run names inside a filter read each element: a common surprise."""
    roots = {*TEMPLATE_ROOTS, *([step.loop] if step.loop else [])}
    for path in expression.element_paths():
        if path[0] in roots:
            name = ".".join(path)
            step.add(
                where,
                f"`{name}` inside `[...]` of `{expression.source}` is read "
                f"from each element of the list, not from the run",
                hint="JMESPath cannot reach the run from inside a filter: go "
                "through the list with `for_each` and pick items with "
                "`when:`, e.g. `when: item.datetime < to_epoch(vars.before)`",
            )
            return True
    return False


def reference_problem(
    step: StepFacts, path: tuple[str, ...], *, in_template: bool, item: bool = True
) -> Found | None:
    """What is wrong with reading `path` from the run here, if anything."""
    root, rest = path[0], path[1:]
    facts = step.playbook
    if root == step.loop and item:
        return _item_field(step, rest)
    if root == "steps":
        return _step_reference(step, rest)
    if root == "inputs":
        if rest and rest[0] in facts.declared_inputs:
            return None  # it failed to load, and that problem is reported
        return _member("inputs", rest, list(facts.inputs), "add it under `inputs:`")
    if root == "vars":
        return _member("vars", rest, list(map(str, facts.vars)), "add it under `vars:`")
    if root == "secrets":
        return _member("secrets", rest, facts.secrets, "list it under `secrets:`")
    if root == "run":
        return _member("run", rest, list(RUN_FIELDS), None)
    if root == "null":
        return None  # a field called null is never there: it reads as null
    if root in ("true", "false"):
        return literal_word(root)
    if in_template or _is_loop_word(step, root):
        return _unknown_root(step, root, rest, item)
    return None


def literal_word(word: str) -> Found:
    """`== true`: JMESPath reads a bare true or false as a field name."""
    return (
        f"a bare `{word}` is read as a field called {word}, not the value",
        f"write the value in backticks, as in: x == `{word}`",
    )


def _is_loop_word(step: StepFacts, root: str) -> bool:
    """`item` in a loop that calls its item otherwise: never the response's."""
    return root == LOOP_NAME and step.loop not in (None, LOOP_NAME)


def _item_field(step: StepFacts, rest: tuple[str, ...]) -> Found | None:
    """A field of the loop's item spelt like one the items have, which none has.

    Rows often leave a field out, and reading one that may be missing is
    how a playbook reads an optional column (`item.title || 'Untitled'`,
    `when: item.skip != null`): a field no item has is no mistake by
    itself. One spelt close to a field the items do have is a typo, and a
    field of items that have none (texts) is always null. Every item is
    looked at; a call that cannot go without a field is caught when it is
    rendered for each item.
    """
    items = step.items
    if not rest or not items:
        return None
    field, name = rest[0], step.loop
    mappings = [item for item in items if isinstance(item, Mapping)]
    if not mappings:
        return (
            f"`{name}.{field}` reads a field, but the items are {kind_of(items[0])}",
            f"write `{name}` for the item itself",
        )
    if any(field in mapping for mapping in mappings):
        return None
    fields = list(dict.fromkeys(str(key) for m in mappings for key in m))
    close = _closest(field, fields)
    if close is None:
        return None
    listed = ", ".join(fields)
    return (
        f"no item has a field `{field}` (their fields: {listed})",
        f"did you mean `{name}.{close}`?",
    )


def _closest(name: str, known: list[str]) -> str | None:
    same = [k for k in known if k.lower() == name.lower()]
    close = same or difflib.get_close_matches(name, known, n=1)
    return close[0] if close else None


def _unknown_root(
    step: StepFacts, root: str, rest: tuple[str, ...], item: bool
) -> Found:
    as_name = step.raw.get("as")
    if step.loop is not None and root in (LOOP_NAME, as_name):
        if not item:
            return (
                f"`{root}` is not known yet: the items come from this `for_each`",
                "the list reads vars, inputs or what an earlier step saved",
            )
        fixed = ".".join((step.loop, *rest))
        return (
            f"this loop calls its item `{step.loop}` (as: {step.loop})",
            f"write `{fixed}`",
        )
    if root in (LOOP_NAME, as_name):
        return (
            f"`{root}` is only known inside a `for_each` step",
            "add `for_each:` to this step, or read a saved value instead",
        )
    roots = [*TEMPLATE_ROOTS, *([step.loop] if step.loop and item else [])]
    close = difflib.get_close_matches(root, roots, n=1)
    return f"`{root}` is not known here", did_you_mean(close) or (
        f"templates read {', '.join(roots)}"
    )


def _step_reference(step: StepFacts, rest: tuple[str, ...]) -> Found | None:
    if not rest:
        return None
    step_id, names = rest[0], rest[1:]
    saves = step.playbook.saves
    if step_id == step.id and step_id not in saves:
        return (
            f"step `{step_id}` reads what it saves itself",
            "`with` and `export.to` are made before its answer comes; `save`, "
            "`expect` and `until` read the answer directly (data...), and "
            "export `rows` reads its saves by name",
        )
    if step_id not in saves:
        return _no_such_step(step, step_id)
    if names and step_id in step.playbook.loops and names[0] != "items":
        spelt = difflib.get_close_matches(names[0], ["items"], n=1, cutoff=0.8)
        read = "items" if spelt else f"items[*].{names[0]}"
        return (
            f"step `{step_id}` runs for each item, so it saves a list of items",
            f"read `steps.{step_id}.{read}`",
        )
    if names[:1] == ("items",) and "items" not in saves[step_id]:
        saved = ", ".join(saves[step_id]) or "nothing"
        return (
            f"step `{step_id}` has no `for_each`, so it has no items "
            f"(it saves {saved})",
            f"read what it saved directly, e.g. `steps.{step_id}."
            f"{(saves[step_id] or ['NAME'])[0]}`",
        )
    if names and names[0] not in saves[step_id]:
        saved = ", ".join(saves[step_id]) or "nothing"
        close = difflib.get_close_matches(names[0], saves[step_id], n=1)
        return (
            f"step `{step_id}` saves no `{names[0]}` (it saves {saved})",
            did_you_mean(close)
            or f"add `{names[0]}: <JMESPath>` under that step's `save:`",
        )
    return None


def _no_such_step(step: StepFacts, step_id: str) -> Found:
    saves = step.playbook.saves
    later = {s.get("id") for s in step.playbook.steps} - set(saves)
    if step_id in later:
        return (
            f"step `{step_id}` has not run yet at this point",
            "steps run in order; move this step after it",
        )
    close = difflib.get_close_matches(step_id, list(saves), n=1)
    return f"there is no earlier step `{step_id}`", did_you_mean(close)


def _check_known_calls(
    step: StepFacts, expression: Expression, where: Where, label: str
) -> None:
    """Work out now the calls that read only vars, inputs and written values.

    A step that `when` is known to skip makes none of its calls.
    """
    base = step.playbook.base
    if not step.runs_at_all:
        return
    for call in expression.known_calls(base):
        if any(first_missing(base, path) for path in call.root_paths()):
            continue  # an input that failed to load: reported already
        try:
            call.search(base)
        except TemplateError as error:
            reason = error.reason.removeprefix("could not be worked out: ")
            read = _vars_read(call)
            origins = "".join(_var_in_words(step, name) for name in read)
            step.add(where, f"{label}: {reason}{origins}", _call_fix(step, call, read))
            return


def _var_in_words(step: StepFacts, name: str) -> str:
    """`; vars.before is "01/02/2021" (from --var)`, the value masked if secret."""
    value = step.playbook.vars.get(name)
    said = preview(value, secret=is_secret_field(name))
    return f"; vars.{name} is {said}{step.playbook.origin(name)}"


def _vars_read(call: Expression) -> list[str]:
    paths = call.root_paths()
    return list(dict.fromkeys(p[1] for p in paths if p[0] == "vars" and len(p) > 1))


def _call_fix(step: StepFacts, call: Expression, read: list[str]) -> str | None:
    if len(read) != 1:
        return None
    name = read[0]
    example = EXAMPLE_ARGUMENTS.get(call.source.removesuffix("()"), "...")
    if step.playbook.document.var_origins.get(name) == "--var":
        return f"--var {name}={example}"
    return f"give `{name}:` a value that fits, such as {example}"


def expression_reads_secrets(expression: Expression) -> bool:
    """Whether `expression` reads `secrets`."""
    return any(path[0] == "secrets" for path in expression.root_paths())


def reads_secrets(value: Any) -> bool:
    """Whether any template inside `value` reads `secrets`."""
    for _, text in templates_in(value):
        try:
            template = parse_template(text)
        except ExpressionSyntaxError:
            continue  # reported with the other templates
        if any(expression_reads_secrets(e) for e in template.expressions):
            return True
    return False


def _unbraced(text: str) -> str:
    """`text` with each `{{ x }}` (and quotes around it) written as plain `x`.

    `data.url == '{{ secrets.NOTE }}'` compares with the text of the
    template; without braces the quotes would make it the words themselves.
    """
    return BRACED.sub(lambda found: found.group("inner").strip(), text).strip()


def _member(
    root: str, rest: tuple[str, ...], known: list[str], fix: str | None
) -> Found | None:
    if not rest or rest[0] in known:
        return None
    close = difflib.get_close_matches(rest[0], known, n=1)
    return f"`{root}.{rest[0]}` is not defined", did_you_mean(close) or fix
