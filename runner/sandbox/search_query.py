"""Gallery search queries: Imgur's ``q`` language and its advanced fields.

``q`` takes words, ``"quoted phrases"``, ``AND``/``OR``/``NOT`` (``NOT``
binds tightest, then ``AND``, which is also what two terms side by side
mean), parentheses, and indices: ``tag:`` ``user:`` ``title:`` ``ext:``
``subreddit:`` ``album:`` ``meme:`` (``title: cats`` with a space works as
in Imgur's own example). A bare word matches a post's title or one of its
tags. The advanced fields ``q_all``, ``q_any``, ``q_exactly``, ``q_not``,
``q_type`` and ``q_size_px`` replace ``q`` when any is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from runner.sandbox.errors import ImgurError, bad_request


@dataclass(frozen=True)
class Subject:
    """What search looks at in one gallery post (an album: its cover)."""

    title: str
    tags: tuple[str, ...]
    user: str
    subreddit: str
    is_album: bool
    mime: str
    animated: bool
    side: int  # the longer side, in pixels

    @property
    def ext(self) -> str:
        subtype = self.mime.split("/")[-1]
        return "jpg" if subtype == "jpeg" else subtype


Test = Callable[[Subject], bool]

OPERATORS = ("AND", "OR", "NOT")
TOKEN = re.compile(r'\s*(\(|\)|"[^"]*"|[^\s()"]+)')
ADVANCED = ("q_all", "q_any", "q_exactly", "q_not", "q_type", "q_size_px")
NO_QUERY = "Search needs q or one of " + ", ".join(ADVANCED)

# Imgur's size classes, by the longest side: up to 500 px is small, and so on.
SIZES = {
    "small": (0, 500),
    "med": (501, 2_000),
    "big": (2_001, 5_000),
    "lrg": (5_001, 10_000),
    "huge": (10_001, None),
}
TYPES: dict[str, Test] = {
    "jpg": lambda s: not s.is_album and s.ext == "jpg",
    "png": lambda s: not s.is_album and s.ext == "png",
    "gif": lambda s: not s.is_album and s.ext == "gif" and not s.animated,
    "anigif": lambda s: not s.is_album and s.ext == "gif" and s.animated,
    "album": lambda s: s.is_album,
}


def query_test(args: Mapping[str, str | None]) -> Test:
    """The test a post must pass for the search `args` (q, q_all, ...).

    Raises:
        ImgurError: 400 for no query at all, or one that cannot be read.
    """
    given = {name: args[name] for name in ADVANCED if args.get(name)}
    if given:
        return _advanced(given)
    query = (args.get("q") or "").strip()
    if not query:
        raise bad_request(NO_QUERY)
    return _Parser(query).parse()


def _advanced(given: Mapping[str, str | None]) -> Test:
    tests = [_ADVANCED_TESTS[name](str(value)) for name, value in given.items()]
    return lambda subject: all(test(subject) for test in tests)


def _all_words(text: str) -> Test:
    words = [_word(w) for w in text.split()]
    return lambda s: all(word(s) for word in words)


def _any_word(text: str) -> Test:
    words = [_word(w) for w in text.split()]
    return lambda s: any(word(s) for word in words)


def _no_word(text: str) -> Test:
    match_any = _any_word(text)
    return lambda s: not match_any(s)


def _exactly(text: str) -> Test:
    phrase = text.lower()
    return lambda s: phrase in s.title.lower()


def _type(text: str) -> Test:
    test = TYPES.get(text)
    if test is None:
        raise bad_request(f"q_type must be one of {', '.join(TYPES)}, not {text!r}")
    return test


def _size(text: str) -> Test:
    if text not in SIZES:
        raise bad_request(f"q_size_px must be one of {', '.join(SIZES)}, not {text!r}")
    low, high = SIZES[text]
    return lambda s: s.side >= low and (high is None or s.side <= high)


_ADVANCED_TESTS: dict[str, Callable[[str], Test]] = {
    "q_all": _all_words,
    "q_any": _any_word,
    "q_exactly": _exactly,
    "q_not": _no_word,
    "q_type": _type,
    "q_size_px": _size,
}


def _word(word: str) -> Test:
    wanted = word.lower()
    return lambda s: wanted in s.title.lower() or wanted in _lower(s.tags)


def _lower(values: tuple[str, ...]) -> list[str]:
    return [value.lower() for value in values]


def _extension(word: str) -> str:
    return "jpg" if word == "jpeg" else word


INDICES: dict[str, Callable[[str], Test]] = {
    "tag": lambda w: lambda s: w in _lower(s.tags),
    "user": lambda w: lambda s: w == s.user.lower(),
    "title": lambda w: lambda s: w in s.title.lower(),
    "ext": lambda w: lambda s: _extension(w) == s.ext,
    "subreddit": lambda w: lambda s: w == s.subreddit.lower(),
    "album": lambda w: lambda s: s.is_album and w in s.title.lower(),
    # The sandbox has no meme generator, so no post is a meme.
    "meme": lambda w: lambda s: False,
}


class _Parser:
    """Reads a ``q`` string into a test, by recursive descent."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = TOKEN.findall(query)
        self.at = 0

    def parse(self) -> Test:
        test = self._any()
        if self._peek() is not None:
            raise self._error(f"unexpected {self._peek()!r}")
        return test

    def _any(self) -> Test:
        tests = [self._all()]
        while self._peek() == "OR":
            self._take()
            tests.append(self._all())
        return lambda s: any(test(s) for test in tests)

    def _all(self) -> Test:
        tests = [self._not()]
        while self._peek() not in (None, ")", "OR"):
            if self._peek() == "AND":
                self._take()
            tests.append(self._not())
        return lambda s: all(test(s) for test in tests)

    def _not(self) -> Test:
        if self._peek() != "NOT":
            return self._term()
        self._take()
        negated = self._not()
        return lambda s: not negated(s)

    def _term(self) -> Test:
        token = self._take()
        if token == "(":
            inner = self._any()
            if self._take() != ")":
                raise self._error("a parenthesis is not closed")
            return inner
        if token is None or token in OPERATORS or token == ")":
            raise self._error(f"a search term is missing before {token or 'the end'}")
        return self._indexed(token)

    def _indexed(self, token: str) -> Test:
        index, colon, rest = token.partition(":")
        if not colon or index.lower() not in INDICES:
            return _word(_unquoted(token))
        if not rest:  # "title: cats": the word follows after a space
            rest = self._take() or ""
            if not rest or rest in (*OPERATORS, "(", ")"):
                raise self._error(f"{index}: needs a word after it")
        return INDICES[index.lower()](_unquoted(rest).lower())

    def _peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _take(self) -> str | None:
        token = self._peek()
        self.at += 1
        return token

    def _error(self, problem: str) -> ImgurError:
        return bad_request(f"Cannot read the search query {self.query!r}: {problem}")


def _unquoted(token: str) -> str:
    return token[1:-1] if len(token) >= 2 and token.startswith('"') else token
