"""What a handler gets: the world, the caller and the request's values."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from werkzeug.datastructures import FileStorage

from runner.catalog import Endpoint
from runner.sandbox.auth import Caller
from runner.sandbox.errors import account_not_found, auth_required, bad_request
from runner.sandbox.store import Account, Store

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100

T = TypeVar("T")


@dataclass
class Context:
    """One call as a handler sees it.

    ``args`` holds path, query and body values under the catalog's names
    (``ids`` for ``ids[]``), path values winning; ``files`` the multipart files.
    """

    endpoint: Endpoint
    store: Store
    caller: Caller
    args: dict[str, Any]
    files: Mapping[str, FileStorage] = field(default_factory=dict)
    credits: Mapping[str, int] = field(default_factory=dict)
    lock: threading.Lock | None = None

    @property
    def account(self) -> Account | None:
        """The signed-in account, or None for an anonymous (Client-ID) caller."""
        return self.caller.account

    def text(self, name: str) -> str | None:
        """A scalar argument as text, or None when it was not sent."""
        value = self.args.get(name)
        if value is None or isinstance(value, list | dict):
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def texts(self, name: str) -> list[str]:
        """A list argument: repeated ``name[]`` keys, a JSON list or "a,b,c"."""
        value = self.args.get(name)
        if value is None:
            return []
        items = value if isinstance(value, list) else str(value).split(",")
        return [str(item).strip() for item in items if str(item).strip()]

    def me(self) -> Account:
        """The signed-in account.

        Raises:
            ImgurError: 401 for an anonymous caller.
        """
        if self.caller.account is None:
            raise auth_required()
        return self.caller.account

    def account_named(self, username: str) -> Account:
        """The account for a ``username`` path value, ``me`` included.

        Raises:
            ImgurError: 401 for ``me`` without a Bearer, 404 for no such user.
        """
        if username == "me":
            return self.me()
        account = self.store.account(username)
        if account is None:
            raise account_not_found(username)
        return account

    def page(self) -> int:
        """The ``page`` value (a path segment, or the query): 0 unless given."""
        return self._whole_number("page", 0)

    def per_page(self) -> int:
        """``perPage`` from the query: 50 unless asked, never more than 100."""
        return max(
            1, min(self._whole_number("perPage", DEFAULT_PER_PAGE), MAX_PER_PAGE)
        )

    def _whole_number(self, name: str, default: int) -> int:
        value = self.text(name)
        if value is None:
            return default
        if not value.isdigit():
            raise bad_request(f"{name} must be a whole number, not {value!r}")
        return int(value)

    def paged(self, items: list[T]) -> list[T]:
        """The requested page of `items`; past the end, an empty list."""
        size = self.per_page()
        start = self.page() * size
        return items[start : start + size]

    @contextmanager
    def unlocked(self) -> Iterator[None]:
        """Let other requests run meanwhile, e.g. while fetching a URL."""
        if self.lock is None:
            yield
            return
        self.lock.release()
        try:
            yield
        finally:
            self.lock.acquire()
