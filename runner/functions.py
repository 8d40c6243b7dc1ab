"""JMESPath functions that playbooks need beyond the standard ones."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jmespath
from jmespath import functions


class PlaybookFunctions(functions.Functions):
    """Date helpers: Imgur gives times as epoch seconds, people write dates."""

    @functions.signature({"types": ["string"]})
    def _func_to_epoch(self, text: str) -> int:
        """``to_epoch('2024-05-01')``: seconds since 1970 (UTC if no zone)."""
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise jmespath.exceptions.JMESPathError(
                "to_epoch() needs a date like 2024-05-01 or 2024-05-01T10:00 "
                "(read as UTC unless it gives a zone: 2024-05-01T10:00+02:00), "
                f"not {text!r}"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return int(moment.timestamp())

    @functions.signature({"types": ["number"]})
    def _func_from_epoch(self, seconds: float) -> str:
        """``from_epoch(datetime)``: an ISO 8601 UTC time."""
        return datetime.fromtimestamp(seconds, UTC).isoformat()


def _options() -> Any:
    return jmespath.Options(custom_functions=PlaybookFunctions())


OPTIONS = _options()
