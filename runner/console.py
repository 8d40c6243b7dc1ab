"""What the terminal shows of a run: a line per step and a summary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from runner.errors import Problem
from runner.executor import RunResult, Status, StepResult
from runner.redact import Redactor
from runner.report import totals

MARKS = {
    Status.SUCCEEDED: ("ok", "green"),
    Status.FAILED: ("FAIL", "red"),
    Status.SKIPPED: ("skip", "yellow"),
    Status.NOT_RUN: ("--", None),
}


def step_line(result: StepResult) -> str:
    mark, colour = MARKS.get(result.status, ("??", None))
    head = click.style(f"{mark:>4}", fg=colour, bold=True)
    line = f"{head}  {result.id:<16} {result.call:<28}"
    if result.http_status is not None:
        line += f" {result.method:<6} {result.http_status} {result.duration:6.2f}s"
    if result.error:
        line += "\n" + click.style(f"        {result.error}", fg=colour)
    return line


def summary(result: RunResult, report: Path) -> str:
    counts = totals(result)
    parts = [
        f"{counts[s]} {s.replace('_', ' ')}" for s in list(counts)[1:] if counts[s]
    ]
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
    """Prints each step as it finishes, secrets masked."""

    def __init__(self, redactor: Redactor, echo: Callable[[str], None]) -> None:
        self.redactor = redactor
        self.echo = echo

    def run_started(self, run: RunResult) -> None:
        where = run.target
        if run.target == "sandbox":
            where += " (local rehearsal: nothing reaches Imgur)"
        self.echo(f"Running {run.playbook.name} on {where}")

    def step_finished(self, run: RunResult, result: StepResult) -> None:
        self.echo(self.redactor.text(step_line(result)))


def sandbox_banner(url: str) -> str:
    """How to use a sandbox served in the foreground (demo credentials are public)."""
    from runner import sandbox

    return (
        f"Imgur sandbox on {url} (the LowCodeAPI style under {url}/imgur)\n"
        f"Signed in as {sandbox.DEMO_USER} with these demo credentials:\n"
        f"  IMGUR_CLIENT_ID={sandbox.DEMO_CLIENT_ID}\n"
        f"  IMGUR_ACCESS_TOKEN={sandbox.DEMO_ACCESS_TOKEN}\n"
        f"  LOWCODEAPI_API_TOKEN={sandbox.DEMO_API_TOKEN}\n"
        f"Rehearse a playbook on it:\n"
        f"  imgur-playbook run PLAYBOOK --target sandbox --base-url {url}\n"
        "Stop with Ctrl-C; everything it holds is forgotten.\n"
    )
