"""``GET /3/credits``: what is left of the caller's budgets."""

from __future__ import annotations

from runner.sandbox.context import Context
from runner.sandbox.registry import handles


@handles("credits.get")
def get(ctx: Context) -> dict[str, int]:
    return dict(ctx.credits)
