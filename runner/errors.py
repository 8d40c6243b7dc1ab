"""Exit codes and the exceptions the runner raises, each with its context.

Light on purpose: `runner.startup` imports it before anything else loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


class ExitCode(IntEnum):
    """What `imgur-playbook` returns to the shell."""

    OK = 0
    STEP_FAILED = 1
    INVALID = 2
    INTERNAL = 3
    INTERRUPTED = 130


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a playbook, placed in its file."""

    file: Path
    line: int | None
    message: str
    step: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else str(self.file)
        where = f" step {self.step}:" if self.step else ""
        text = f"{place}:{where} {self.message}"
        return f"{text}\n    fix: {self.hint}" if self.hint else text


class PlaybookError(Exception):
    """Base of every error the runner reports to the person running it."""


class InvalidPlaybook(PlaybookError):
    """The playbook failed its checks; nothing was sent."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun} found before anything was sent")


class ConfigError(PlaybookError):
    """The command line, the environment or the credentials are not usable."""


class TemplateError(PlaybookError):
    """A template could not be rendered from what the run knows."""

    def __init__(self, expression: str, reason: str) -> None:
        self.expression = expression
        self.reason = reason
        super().__init__(f"{{{{ {expression} }}}} {reason}")


class StepError(PlaybookError):
    """A step did not do what it should; the message says why.

    `retryable` says that Imgur's answer calls the failure passing (a 429,
    most 5xx); whether the call is sent again is `transports.may_retry`'s
    decision.
    """

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        self.http_status = http_status
        self.retryable = retryable
        self.retry_after = retry_after
        super().__init__(message)


class ApiError(StepError):
    """Imgur (or the proxy) answered with an error."""


class TransportError(StepError):
    """The request did not get an answer: refused, timed out, cut off."""

    def __init__(self, message: str, *, sent: bool = False, **kwargs: Any) -> None:
        self.sent = sent  # it may have reached Imgur: only the answer was lost
        super().__init__(message, **kwargs)


class ExpectationFailed(StepError):
    """The answer arrived but an `expect` check did not hold."""


class RunInterrupted(PlaybookError):
    """The run was stopped (Ctrl-C); its report says how far it got."""

    def __init__(self, report: Path) -> None:
        self.report = report
        super().__init__(f"interrupted; the report keeps what was done: {report}")


class SandboxError(PlaybookError):
    """The local sandbox could not be started."""
