"""When to try a call again, and how long to wait first."""

from __future__ import annotations

import random
from dataclasses import dataclass

from runner.errors import StepError
from runner.templating import Expression


@dataclass(frozen=True)
class Retry:
    """A step's `retry:`: how many tries, the waits between them, `until`.

    Waits grow from `delay` by `backoff` each time, never past `max_delay`;
    with `jitter` each is drawn between half and all of that, so that many
    runs retrying at once do not hit Imgur in step.
    """

    attempts: int = 1
    delay: float = 1.0
    backoff: float = 2.0
    max_delay: float = 60.0
    jitter: bool = True
    until: Expression | None = None

    def wait(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait after try number `attempt` (1 for the first)."""
        wait = min(self.max_delay, self.delay * self.backoff ** (attempt - 1))
        return rng.uniform(wait / 2, wait) if self.jitter else wait

    def wait_for(
        self, attempt: int, error: StepError | None, rng: random.Random
    ) -> float:
        """The wait before the next try, honouring the server's Retry-After.

        Raises:
            StepError: the server asks for a longer wait than `max_delay`.
        """
        wait = self.wait(attempt, rng)
        asked = error.retry_after if error is not None else None
        if asked is None:
            return wait
        if asked > self.max_delay:
            raise StepError(
                f"{error}; Imgur asks to wait {asked:g}s before trying again, "
                f"longer than retry.max_delay ({self.max_delay:g}s)",
                http_status=error.http_status if error else None,
            )
        return max(wait, asked)


NO_RETRY = Retry()
