"""Secrets are masked in text, URLs, data and logs."""

import logging

import pytest

from runner.errors import ConfigError
from runner.redact import (
    MASK,
    RedactingFilter,
    Redactor,
    is_secret_field,
    require_maskable,
)


def test_known_secrets_are_masked_in_text() -> None:
    redactor = Redactor(["tok-SECRET-123"])
    assert redactor.text("Bearer tok-SECRET-123 sent") == f"Bearer {MASK} sent"


def test_short_values_are_not_treated_as_secrets() -> None:
    redactor = Redactor(["ab"])
    assert redactor.text("about") == "about"


def test_credential_query_values_are_masked_even_when_unknown() -> None:
    url = Redactor().url("https://x/3/album?api_token=at_zz&title=a")
    assert url == f"https://x/3/album?api_token={MASK}&title=a"


def test_percent_encoded_secrets_are_masked_too() -> None:
    redactor = Redactor(["a/b+c=d"])
    assert MASK in redactor.url("https://x/3/image/a%2Fb%2Bc%3Dd")


def test_deletehashes_learnt_from_responses_are_masked_everywhere() -> None:
    redactor = Redactor()
    redactor.learn({"data": [{"id": "abc1234", "deletehash": "DH0123456789xyz"}]})
    assert redactor.text("DELETE /3/image/DH0123456789xyz") == f"DELETE /3/image/{MASK}"
    masked = redactor.value({"saved": {"deletehash": "DH0123456789xyz", "id": "x"}})
    assert masked == {"saved": {"deletehash": MASK, "id": "x"}}


@pytest.mark.parametrize("args", [("tok-SECRET-123",), ()], ids=["args", "no-args"])
def test_the_log_filter_masks_messages(
    args: tuple[str, ...], caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("runner.test")
    caplog.handler.addFilter(RedactingFilter(Redactor(["tok-SECRET-123"])))
    with caplog.at_level(logging.INFO, logger="runner.test"):
        if args:
            logger.info("sent %s", *args)
        else:
            logger.info("sent tok-SECRET-123")
    assert "tok-SECRET-123" not in caplog.text
    assert MASK in caplog.text


def test_a_short_secret_is_masked_only_as_a_whole_value() -> None:
    redactor = Redactor(["abc"])

    assert redactor.text("abc at the abcde") == "abc at the abcde"
    masked = redactor.value({"item": "abc", "title": "abcde", "ids": ["abc", "x"]})
    assert masked == {"item": MASK, "title": "abcde", "ids": [MASK, "x"]}


def test_a_secret_too_short_to_mask_is_refused_by_name() -> None:
    with pytest.raises(ConfigError) as caught:
        require_maskable("MY_SIGNATURE", "pw1")

    message = str(caught.value)
    assert message.startswith("MY_SIGNATURE is too short to be masked safely")
    assert "pw1" not in message


@pytest.mark.parametrize("value", ["", "pw12"], ids=["empty", "four"])
def test_an_empty_or_long_enough_secret_is_let_through(value: str) -> None:
    require_maskable("MY_SIGNATURE", value)


SECRET_NAMES = [
    "deletehash",
    "DeleteHash",
    "delete_hash",
    "delete-hash",
    "albumDeleteHash",
    "deletehashes",
    "access_token",
    "accessToken",
    "refresh_token",
    "api_token",
    "client_secret",
    "client_id",
    "password",
]
PLAIN_NAMES = ["id", "title", "token_type", "expires_in", "account_username", "hash"]


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_secret_fields_are_known_however_spelt(name: str) -> None:
    assert is_secret_field(name)


@pytest.mark.parametrize("name", PLAIN_NAMES)
def test_other_fields_are_not_secret(name: str) -> None:
    assert not is_secret_field(name)


@pytest.mark.parametrize("name", ["DeleteHash", "albumDeleteHash", "delete_hash"])
def test_a_secret_field_however_spelt_is_learnt_and_masked(name: str) -> None:
    redactor = Redactor()
    redactor.learn({"data": {"id": "abc1234", name: "DH0123456789xyz"}})

    assert redactor.text("/3/album/DH0123456789xyz") == f"/3/album/{MASK}"
    assert redactor.value([{name: "other-hash-1", "id": "x"}]) == [
        {name: MASK, "id": "x"}
    ]


def test_every_hash_of_a_listed_secret_field_is_learnt() -> None:
    redactor = Redactor()
    redactor.learn({"deletehashes": ["firsthash111", "secondhash22"]})

    assert redactor.text("firsthash111 secondhash22") == f"{MASK} {MASK}"


def test_the_token_type_stays_readable() -> None:
    redactor = Redactor()
    redactor.learn({"access_token": "tok-SECRET-123", "token_type": "bearer"})

    assert redactor.text("a bearer tok-SECRET-123") == f"a bearer {MASK}"
