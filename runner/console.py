"""What the terminal shows of a run: a line per step and a summary."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from runner.errors import Problem
from runner.plan import Plan, PlannedRequest
from runner.redact import Redactor
from runner.report import item_totals, totals
from runner.results import CallRecord, ItemResult, RunResult, Status, StepResult
from runner.targets import DEFAULT_BASE_URLS, Target
from runner.wording import shortened

if TYPE_CHECKING:  # the sandbox is imported only by the command that serves it
    from runner.sandbox import Sandbox

MARKS = {
    Status.SUCCEEDED: ("ok", "green"),
    Status.FAILED: ("FAIL", "red"),
    Status.SKIPPED: ("skip", "yellow"),
    Status.NOT_RUN: ("--", None),
    Status.PLANNED: ("plan", "cyan"),
    Status.INTERRUPTED: ("stop", "yellow"),
}
ITEM_LABEL = 28
QUIET_ITEMS = 10  # failed items of a loop that -q shows before it counts the rest
LABEL_KEYS = ("id", "username", "name", "url", "title")
# How the summary counts the items of every loop, in the report's words.
ITEM_WORDS = (
    ("succeeded", "ok"),
    ("failed", "failed"),
    ("skipped", "skipped"),
    ("interrupted", "interrupted"),
    ("running", "running"),
    ("not_run", "not run"),
)
LOOP_WORDS = (
    (Status.SUCCEEDED, "ok"),
    (Status.FAILED, "failed"),
    (Status.SKIPPED, "skipped"),
    (Status.PLANNED, "planned"),
    (Status.NOT_RUN, "not run"),
)


def counted(number: int, noun: str) -> str:
    """``1 request``, ``2 requests``: a count with its noun."""
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def step_line(result: StepResult) -> str:
    line = f"{_mark(result)}  {result.id:<16} {result.call:<28}"
    if result.items is None:
        return line + _outcome(result)
    return line + _loop_outcome(result)


def _loop_outcome(result: StepResult) -> str:
    """How the items went, e.g. ``3 items: 2 ok, 1 failed  0.41s``."""
    items = result.items or []
    counts = Counter(item.status for item in items)
    parts = [
        f"{counts[status]} {MARKS[status][0] if status is Status.SUCCEEDED else word}"
        for status, word in LOOP_WORDS
        if counts[status]
    ]
    noun = "item" if len(items) == 1 else "items"
    text = f" {len(items)} {noun}" + (": " + ", ".join(parts) if parts else "")
    text += f" {result.duration:6.2f}s"
    # An item's failure is on its own line; one of the step's own (its
    # export, say) is shown here.
    own_error = result.error if not counts[Status.FAILED] else None
    for words in (result.note, own_error):
        if words:
            text += "\n" + " " * 8 + words
    if result.exported:
        text += _exported(result)
    return text


def item_line(item: ItemResult, redactor: Redactor) -> str:
    """A loop item: its number, what it is, and how its call went; no secret.

    The item is masked as a value first: a deletehash too short to find in
    text (it would hide parts of words) is masked only where it is whole.
    """
    label = _label(redactor.value(item.item))
    line = f"  {_mark(item)}  [{item.index + 1}] {label:<{ITEM_LABEL}}"
    return redactor.text(line + _outcome(item, indent=10))


def _mark(record: CallRecord) -> str:
    mark, colour = MARKS.get(record.status, ("??", None))
    return click.style(f"{mark:>4}", fg=colour, bold=True)


def _outcome(record: CallRecord, indent: int = 8) -> str:
    text = ""
    if record.http_status is not None:
        text += f" {record.method:<6} {record.http_status} {record.duration:6.2f}s"
    if record.pages:
        text += f" ({record.pages} page{'s' if record.pages != 1 else ''})"
    if record.attempts > 1:
        text += f" ({record.attempts} attempts)"
    colour = MARKS.get(record.status, ("", None))[1]
    for words in (record.note, record.error):
        if words:
            text += "\n" + click.style(" " * indent + words, fg=colour)
    if isinstance(record, StepResult) and record.exported:
        text += _exported(record)
    return text


def _exported(result: StepResult) -> str:
    assert result.exported is not None
    rows, file = result.exported.rows, result.exported.file
    return f"\n        wrote {rows} row{'s' if rows != 1 else ''} to {file}"


def _label(item: Any) -> str:
    """A short name for a loop item: its id or name if it is a mapping."""
    if isinstance(item, Mapping):
        named = [item[key] for key in LABEL_KEYS if key in item]
        item = named[0] if named else item
    text = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
    return shortened(text, ITEM_LABEL)


def summary(result: RunResult, report: Path) -> str:
    counts = totals(result)
    parts = [
        f"{counts[s]} {s.replace('_', ' ')}" for s in list(counts)[1:] if counts[s]
    ]
    items = item_totals(result)
    if items["items"]:
        how = [
            f"{items[status]} {word}" for status, word in ITEM_WORDS if items[status]
        ]
        parts.append(f"{counted(items['items'], 'loop item')} ({', '.join(how)})")
    seconds = (
        (result.finished - result.started).total_seconds() if result.finished else 0
    )
    status = {
        Status.SUCCEEDED: click.style("succeeded", fg="green", bold=True),
        Status.FAILED: click.style("failed", fg="red", bold=True),
        Status.INTERRUPTED: click.style("interrupted", fg="yellow", bold=True),
    }.get(result.status, result.status.value)
    credits = result.credits.get("client_remaining")
    left = f", {credits} credits left" if credits is not None else ""
    return f"Run {status}: {', '.join(parts)} in {seconds:.2f}s{left}\nReport: {report}"


def problems_text(problems: list[Problem], headline: str) -> str:
    lines = [click.style(headline, fg="red", bold=True)]
    lines += [str(problem) for problem in problems]
    return "\n".join(lines)


class StepPrinter:
    """Prints each step as it finishes, secrets masked; or only the failures.

    With `failures_only` (-q), a loop shows its first few failed items and
    counts the rest: the report has them all.
    """

    def __init__(
        self,
        redactor: Redactor,
        echo: Callable[[str], None],
        *,
        failures_only: bool = False,
    ) -> None:
        self.redactor = redactor
        self.echo = echo
        self.failures_only = failures_only
        self.failed_items = 0  # of the loop step that is running

    def run_started(self, run: RunResult) -> None:
        if self.failures_only:
            return
        where = run.target
        if run.base_url.rstrip("/") != DEFAULT_BASE_URLS.get(Target(run.target)):
            where += f" at {self.redactor.text(run.base_url)}"
        if run.target == Target.SANDBOX:
            where += " (local rehearsal: nothing reaches Imgur)"
        self.echo(f"Running {run.playbook.name} on {where}")

    def item_finished(self, run: RunResult, step: StepResult, item: ItemResult) -> None:
        if not self.failures_only:
            self.echo(item_line(item, self.redactor))
        elif item.status is Status.FAILED:
            self.failed_items += 1
            if self.failed_items <= QUIET_ITEMS:
                self.echo(item_line(item, self.redactor))

    def step_finished(self, run: RunResult, result: StepResult) -> None:
        hidden, self.failed_items = self.failed_items - QUIET_ITEMS, 0
        if hidden > 0:
            more = f"  ... and {counted(hidden, 'more failed item')}"
            self.echo(f"{more}: the report has them all")
        if not self.failures_only or result.status is Status.FAILED:
            self.echo(self.redactor.text(step_line(result)))


def _reachable(url: str) -> str:
    """Where this machine reaches a sandbox listening on every address."""
    for everywhere in ("//0.0.0.0:", "//[::]:"):
        url = url.replace(everywhere, "//127.0.0.1:")
    return url


def sandbox_banner(started: Sandbox) -> str:
    """How to use a sandbox served in the foreground (demo credentials are public)."""
    from runner import sandbox
    from runner.sandbox.seed import seeded_world

    url = _reachable(started.url)
    held = "".join(f"  {line}\n" for line in seeded_world(started.store))
    return (
        f"Imgur sandbox on {url} (the LowCodeAPI style under {url}/imgur)\n"
        f"Signed in as {sandbox.DEMO_USER} with these demo credentials:\n"
        f"  IMGUR_CLIENT_ID={sandbox.DEMO_CLIENT_ID}\n"
        f"  IMGUR_ACCESS_TOKEN={sandbox.DEMO_ACCESS_TOKEN}\n"
        f"  LOWCODEAPI_API_TOKEN={sandbox.DEMO_API_TOKEN}\n"
        f"Rehearse a playbook on it:\n"
        f"  imgur-playbook run PLAYBOOK --target sandbox --base-url {url}\n"
        f"It starts with:\n{held}"
        "Stop with Ctrl-C; everything it holds is forgotten.\n"
    )


def plan_text(plan: Plan) -> str:
    """The plan as the terminal shows it: a request a line, arguments below."""
    requests = plan.requests
    lines = [f"Plan for {plan.result.playbook.name}: " + _plan_counts(requests)]
    by_record = _requests_by_record(requests)
    number = 0
    for step in plan.result.steps:
        for record, label in _records(step):
            planned = by_record.get((step.id, getattr(record, "index", None)), [])
            for request in planned:
                number += 1
                lines += _request_lines(number, label, request)
            if record.status is Status.SKIPPED:
                lines.append(f"{'-':>4}  {label:<20} skipped: {record.note}")
            elif record.status is Status.FAILED:
                lines.append(f"{'!':>4}  {label:<20} {record.error}")
    if any("<" in line for line in lines[1:]):
        lines.append(
            "<...> stands for a value the run learns later: from an earlier "
            "response, or a secret not set here."
        )
    return "\n".join(lines)


def _plan_counts(requests: list[PlannedRequest]) -> str:
    """``3 requests (1 read sent, 1 read failed)``."""
    answered = sum(r.sent and r.error is None for r in requests)
    failed = sum(r.error is not None for r in requests)
    reads = [
        counted(answered, "read") + " sent" if answered else "",
        counted(failed, "read") + " failed" if failed else "",
    ]
    said = ", ".join(words for words in reads if words)
    counts = counted(len(requests), "request") + (f" ({said})" if said else "")
    repeats = sum(r.repeats for r in requests)
    if len(requests) == 1 and repeats:
        counts += "; it repeats"
    elif repeats:
        counts += (
            f"; {repeats} of them repeat" if repeats > 1 else "; 1 of them repeats"
        )
    return counts + (" for each item or page a response gives" if repeats else "")


def _requests_by_record(
    requests: list[PlannedRequest],
) -> dict[tuple[str, int | None], list[PlannedRequest]]:
    grouped: dict[tuple[str, int | None], list[PlannedRequest]] = {}
    for request in requests:
        grouped.setdefault((request.step, request.index), []).append(request)
    return grouped


def _records(step: StepResult) -> list[tuple[CallRecord, str]]:
    if step.items is None:
        return [(step, step.id)]
    return [(item, f"{step.id} [{item.index + 1}]") for item in step.items]


def _request_lines(number: int, label: str, request: PlannedRequest) -> list[str]:
    mark = ("FAILED" if request.error else "sent") if request.sent else ""
    lines = [f"{number:>4}  {label:<20} {request.method:<6} {request.path} {mark}"]
    args = "  ".join(f"{k}: {_shown(v)}" for k, v in request.args.items())
    if args:
        lines.append(" " * 27 + args)
    lines += [" " * 27 + f"({note})" for note in request.notes]
    return [line.rstrip() for line in lines]


def _shown(value: Any) -> str:
    if isinstance(value, Mapping) and set(value) == {"file"}:
        return f"file {value['file']}"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)
