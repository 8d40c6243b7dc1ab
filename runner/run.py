"""One run from start to end: check, open the target, execute, report."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from runner.errors import ConfigError, InvalidPlaybook
from runner.executor import Executor, Observer, RunResult, StepResult
from runner.playbook import Playbook, load_playbook
from runner.redact import Redactor
from runner.report import default_report_path, write_report
from runner.targets import (
    Credentials,
    Target,
    open_transport,
    require_credentials,
    target_problems,
)


@dataclass
class RunRequest:
    """Everything the command line says about a run."""

    playbook: Path
    target: Target | None = None
    base_url: str | None = None
    report: Path | None = None
    overrides: Mapping[str, str] = field(default_factory=dict)
    allow_destructive: bool = False
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    result: RunResult
    report: Path


def load_env(env_file: Path | None) -> dict[str, str]:
    """The process environment over a .env file (the real environment wins)."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    return {**values, **os.environ}


def check(request: RunRequest) -> Playbook:
    """Every check that can run before a request: file, catalog, target.

    Raises:
        InvalidPlaybook: with all the problems found.
    """
    playbook = load_playbook(
        request.playbook,
        overrides=request.overrides,
        allow_destructive=request.allow_destructive,
    )
    if request.target is not None:
        credentials = Credentials.from_env(request.env)
        require_credentials(request.target, credentials)
        problems = target_problems(playbook, request.target, credentials)
        if problems:
            raise InvalidPlaybook(problems)
    return playbook


def run(
    request: RunRequest,
    observers: Sequence[Observer] = (),
    redactor: Redactor | None = None,
) -> Outcome:
    """Check the playbook, then run it and write its report.

    `redactor` learns every secret of the run, for whoever shows its output.

    Raises:
        InvalidPlaybook: the playbook failed its checks; nothing was sent.
        ConfigError: credentials or secrets are missing.
    """
    if request.target is None:
        raise ConfigError("choose a target: --target imgur, lowcodeapi or sandbox")
    playbook = check(request)
    credentials = Credentials.from_env(request.env)
    redactor = redactor or Redactor()
    for value in credentials.values():
        redactor.add(value)
    secrets = _secrets(playbook, request.env, redactor)
    writer = ReportWriter(request.report, redactor)
    with open_transport(request.target, credentials, redactor, request.base_url) as t:
        executor = Executor(
            playbook, t, secrets=secrets, observers=(writer, *observers)
        )
        try:
            result = executor.run()
        finally:
            writer.write(executor.result)
    return Outcome(result, writer.path_for(result))


def _secrets(
    playbook: Playbook, env: Mapping[str, str], redactor: Redactor
) -> dict[str, str]:
    missing = [name for name in playbook.secrets if not env.get(name)]
    if missing:
        names = ", ".join(missing)
        raise ConfigError(
            f"{playbook.path}: the playbook needs the secrets {names}; "
            "set them in the environment or in a .env file"
        )
    values = {name: env[name] for name in playbook.secrets}
    for value in values.values():
        redactor.add(value)
    return values


class ReportWriter:
    """Rewrites the report after every step, so an interrupted run keeps it."""

    def __init__(self, path: Path | None, redactor: Redactor) -> None:
        self.path = path
        self.redactor = redactor

    def path_for(self, result: RunResult) -> Path:
        if self.path is None:
            self.path = default_report_path(result)
        return self.path

    def run_started(self, run: RunResult) -> None:
        self.write(run)

    def step_finished(self, run: RunResult, result: StepResult) -> None:
        self.write(run)

    def write(self, run: RunResult) -> None:
        write_report(self.path_for(run), run, self.redactor)


def parse_overrides(pairs: Sequence[str]) -> dict[str, Any]:
    """``["key=value", ...]`` from --var.

    Raises:
        ConfigError: a pair has no ``=`` or no key.
    """
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--var {pair!r}: write it as NAME=VALUE")
        overrides[key.strip()] = value
    return overrides
