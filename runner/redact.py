"""Secrets never leave the process: mask them wherever text is written."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from runner.errors import ConfigError

MASK = "***"

# Words in a field name (lowercase, without `_` and `-`) whose value is a
# credential or a capability (a deletehash deletes without any login):
# `DeleteHash`, `albumDeleteHash`, `delete_hash`, `client_secret`.
SECRET_FIELD_WORDS = ("deletehash", "password", "secret", "clientid")
# A name ending in "token" (`api_token`, `accessToken`). Not "token" anywhere:
# `token_type` is Imgur's "bearer", a word that must stay readable in text.
SECRET_FIELD_ENDINGS = ("token", "tokens")

# Query parameters that carry credentials on any target.
SECRET_QUERY = frozenset({"api_token", "client_id", "client_secret", "access_token"})

# Shorter values would mask ordinary words; real credentials are longer.
MIN_SECRET_LENGTH = 4


@functools.lru_cache(maxsize=4096)  # asked of every key, each time a report is written
def is_secret_field(name: object) -> bool:
    """Whether a field called `name` holds a secret, however it is spelt."""
    words = str(name).lower().replace("_", "").replace("-", "")
    return words.endswith(SECRET_FIELD_ENDINGS) or any(
        word in words for word in SECRET_FIELD_WORDS
    )


def too_short_to_mask(value: str) -> bool:
    """Whether a secret is too short to be masked: it would show wherever written.

    An empty value shows nothing, so it is not too short.
    """
    return 0 < len(value) < MIN_SECRET_LENGTH


def require_maskable(name: str, value: str) -> None:
    """Refuse the value of the variable `name` if it is too short to be masked.

    Raises:
        ConfigError: naming the variable, never the value.
    """
    if too_short_to_mask(value):
        raise ConfigError(
            f"{name} is too short to be masked safely: a secret of fewer than "
            f"{MIN_SECRET_LENGTH} characters would show in reports and logs; "
            f"set {name} to the whole value"
        )


class Redactor:
    """Knows the run's secret values and masks them in text and data."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._whole: set[str] = set()  # too short to find in text
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret: object) -> None:
        """Treat `secret` as secret from now on.

        A value too short to mask in text (it would hide parts of ordinary
        words) is masked only where it is a whole value; callers refuse those
        given as secrets (:func:`require_maskable`).
        """
        if not isinstance(secret, str) or not secret:
            return
        if too_short_to_mask(secret):
            self._whole.add(secret)
            return
        forms = {secret, quote(secret, safe=""), quote(secret)}
        if not forms <= self._secrets:
            self._secrets |= forms
            self._pattern = None

    def learn(self, body: Any) -> None:
        """Add the values of secret fields found anywhere in a response body."""
        if isinstance(body, Mapping):
            for key, value in body.items():
                if is_secret_field(key):
                    self._add_all(value)
                else:
                    self.learn(value)
        elif isinstance(body, list):
            for item in body:
                self.learn(item)

    def _add_all(self, value: Any) -> None:
        """Add every text in `value`: a list of deletehashes is as secret."""
        if isinstance(value, Mapping):
            value = list(value.values())
        if isinstance(value, list | tuple):
            for item in value:
                self._add_all(item)
        else:
            self.add(value)

    def text(self, text: str) -> str:
        """`text` with every known secret replaced by the mask."""
        if not self._secrets:
            return text
        if self._pattern is None:
            longest_first = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, longest_first)))
        return self._pattern.sub(MASK, text)

    def holds_secret(self, text: str) -> bool:
        """Whether `text` holds a secret the run knows, where it can be found."""
        return self.text(text) != text

    def url(self, url: str) -> str:
        """A URL safe to show: credential query values and known secrets masked."""
        parts = urlsplit(url)
        query = [
            (key, MASK if key in SECRET_QUERY else value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
        ]
        masked = urlunsplit(parts._replace(query=urlencode(query, safe="*")))
        return self.text(masked)

    def value(self, value: Any) -> Any:
        """A deep copy of `value` with secrets masked in every string."""
        if isinstance(value, str):
            return MASK if value in self._whole else self.text(value)
        if isinstance(value, Mapping):
            return {
                key: MASK if is_secret_field(key) else self.value(item)
                for key, item in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value


class RedactingFilter(logging.Filter):
    """Masks secrets in every log record that passes a handler."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redactor.text(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor.text(record.exc_text)
        return True
