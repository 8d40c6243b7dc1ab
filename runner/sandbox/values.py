"""Request values Imgur spells more than one way: flags and report reasons."""

from __future__ import annotations

from runner.sandbox.context import Context
from runner.sandbox.errors import bad_request

TRUE = ("1", "true")
FALSE = ("0", "false")
# What a report may say: 1 does not belong on Imgur, 2 spam, 3 abusive,
# 4 mature but not marked so, 5 pornography.
REPORT_REASONS = range(1, 6)
NO_REASON = 0


def flag(ctx: Context, name: str, default: bool) -> bool:
    """A yes/no value sent as true/false or 1/0; `default` when not sent.

    Raises:
        ImgurError: 400 for any other value.
    """
    value = ctx.text(name)
    if value is None or value == "":
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise bad_request(f"{name} must be true or false (1 or 0), not {value!r}")


def report_reason(ctx: Context) -> int:
    """The ``reason`` of a report, 1 to 5, or 0 when none was given.

    Raises:
        ImgurError: 400 for anything else.
    """
    value = ctx.text("reason")
    if value is None or value == "":
        return NO_REASON
    if not value.isdigit() or int(value) not in REPORT_REASONS:
        raise bad_request(f"reason must be a number from 1 to 5, not {value!r}")
    return int(value)
