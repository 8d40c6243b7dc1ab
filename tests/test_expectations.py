"""A failed `expect.that` shows the expression and the values it saw."""

import jmespath
import pytest

from runner.expectations import failed_expectation, truthy
from runner.templating import compile_expression

DOCUMENT = {
    "data": [{"id": "a1", "title": "Beach"}, {"id": "b2", "title": None}],
    "steps": {"up": {"image_id": "zz9"}},
    "status": 200,
}


def check(expression: str) -> str | None:
    return failed_expectation(compile_expression(expression), DOCUMENT)


def test_a_true_expectation_passes() -> None:
    assert check("contains(data[*].id, 'a1')") is None
    assert check("length(data) == `2`") is None


def test_a_false_expectation_shows_the_values_compared() -> None:
    message = check("contains(data[*].id, steps.up.image_id)")
    assert message is not None
    assert "contains(data[*].id, steps.up.image_id)" in message
    assert 'data[*].id is ["a1", "b2"]' in message
    assert 'steps.up.image_id is "zz9"' in message


def test_only_the_false_half_of_an_and_is_explained() -> None:
    message = check("status == `200` && length(data) > `5`")
    assert message is not None
    assert "length(...) is 2" in message
    assert "status is" not in message


def test_a_missing_field_is_false_and_shown_as_null() -> None:
    assert check("data[1].title") == "expect `data[1].title` is false: null"


@pytest.mark.parametrize(
    "value",
    [0, 0.0, 1, "a", [0], {"a": None}, True, None, False, "", [], {}],
    ids=repr,
)
def test_truth_is_jmespath_truth_zero_included(value: object) -> None:
    # JMESPath's own `||` keeps the left side only when it is true.
    assert truthy(value) is (jmespath.search('a || `"other"`', {"a": value}) == value)
