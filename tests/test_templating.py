from typing import Any

import pytest

from runner.errors import TemplateError
from runner.templating import (
    ExpressionSyntaxError,
    compile_expression,
    parse_template,
    render,
)

CONTEXT: dict[str, Any] = {
    "vars": {
        "title": "Holiday",
        "count": 5,
        "photos": ["a.jpg", "b.png"],
        "none": None,
    },
    "steps": {"me": {"account": "demo_user"}, "up": {"items": [{"id": "x"}]}},
}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ vars.count }}", 5),
        ("{{ vars.photos }}", ["a.jpg", "b.png"]),
        ("{{vars.title}}", "Holiday"),
        ("{{ steps.up.items[*].id }}", ["x"]),
        ("{{ vars.none }}", None),
        ("{{ vars.photos[5] }}", None),
        ("{{ steps.up.items[0].nope }}", None),
    ],
    ids=[
        "number",
        "list",
        "no-spaces",
        "projection",
        "explicit-null",
        "past-the-end",
        "null-inside-a-saved-value",
    ],
)
def test_a_lone_template_keeps_the_type(template: str, expected: Any) -> None:
    assert render(template, CONTEXT) == expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ vars.title }} by {{ steps.me.account }}", "Holiday by demo_user"),
        ("{{ vars.count }} photos", "5 photos"),
        ("list: {{ vars.photos }}", 'list: ["a.jpg", "b.png"]'),
        ("{{ '{{' }} is literal", "{{ is literal"),
        ("no template", "no template"),
    ],
    ids=["two-parts", "number-in-text", "list-in-text", "escaped-braces", "plain"],
)
def test_a_template_inside_text_renders_as_text(template: str, expected: str) -> None:
    assert render(template, CONTEXT) == expected


def test_rendering_walks_mappings_and_lists() -> None:
    value = {"ids": ["{{ steps.up.items[0].id }}"], "n": "{{ vars.count }}"}
    assert render(value, CONTEXT) == {"ids": ["x"], "n": 5}


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{{ vars.missing }}", "nothing is called `vars.missing`"),
        ("{{ steps.nope.id }}", "nothing is called `steps.nope`"),
        ("{{ steps.nope.ids[0] }}", "nothing is called `steps.nope`"),
        ("Title: {{ vars.none }}", "null and cannot be put in text"),
        ("Title: {{ vars.photos[5] }}", "null and cannot be put in text"),
        ("{{ to_epoch(vars.count) }}", "to_epoch() needs text, not 5"),
    ],
    ids=[
        "missing-var",
        "missing-step",
        "missing-step-indexed",
        "null-in-text",
        "past-the-end-in-text",
        "wrong-type-for-a-function",
    ],
)
def test_an_undefined_reference_is_an_error_not_empty(
    template: str, words: str
) -> None:
    with pytest.raises(TemplateError) as caught:
        render(template, CONTEXT)
    assert words in str(caught.value)
    assert "'none'" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{{ vars.title", "has no closing `}}`"),
        ("{{ data[?x = 1] }}", "not valid JMESPath"),
        ("{{ }}", "empty"),
    ],
    ids=["unclosed", "bad-jmespath", "empty"],
)
def test_bad_templates_fail_to_parse(text: str, words: str) -> None:
    with pytest.raises(ExpressionSyntaxError, match=words):
        parse_template(text)


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        (
            "{{ {{ vars.title }} }}",
            "'{{ {{ vars.title }} }}' has a template inside a template",
            "write it once: {{ vars.title }}",
        ),
        (
            "{{ vars.title }}}",
            "'{{ vars.title }}}' has a `}` that closes nothing",
            "remove it: a template is written {{ expression }}",
        ),
        (
            "{{ lenght(vars.photos) }}",
            "`lenght(vars.photos)`: there is no function lenght()",
            "did you mean length()?",
        ),
    ],
    ids=["template-in-a-template", "brace-after-a-template", "misspelt-function"],
)
def test_a_broken_template_says_where_and_how_to_mend_it(
    text: str, message: str, hint: str
) -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        parse_template(text)
    assert message in str(caught.value)
    assert caught.value.hint == hint


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Hi {{ vars.title }} :-}", "Hi Holiday :-}"),
        ("{ {{ vars.count }} }", "{ 5 }"),
        ('{{ vars."title" }}', "Holiday"),
        ("{{ vars.title == 'a=b' }}", False),
    ],
    ids=["smiley", "braces-around", "a-quoted-field-name", "equals-in-text"],
)
def test_braces_and_quotes_that_are_text_render(
    template: str, expected: object
) -> None:
    assert render(template, CONTEXT) == expected


def test_closing_braces_inside_quotes_do_not_end_a_template() -> None:
    assert render("{{ join('}}', vars.photos) }}", CONTEXT) == "a.jpg}}b.png"


@pytest.mark.parametrize(
    ("expression", "paths"),
    [
        ("steps.up.items[*].id", [("steps", "up", "items")]),
        ("contains(data[*].id, steps.a.b)", [("data",), ("steps", "a", "b")]),
        ("data[?size > `10`].id", [("data",)]),
        ("item.title || vars.title", [("item", "title"), ("vars", "title")]),
        ("length(steps.a.ids[2:4])", [("steps", "a", "ids")]),
    ],
    ids=["projection", "function", "filter-reads-elements", "or", "slice"],
)
def test_root_paths_name_what_is_read_from_the_context(
    expression: str, paths: list[tuple[str, ...]]
) -> None:
    assert compile_expression(expression).root_paths() == paths


def test_a_slice_is_read_as_elements_of_its_list() -> None:
    expression = compile_expression("data[1:][?size > vars.min].id")
    assert sorted(expression.element_paths()) == [("id",), ("size",), ("vars", "min")]


def test_date_functions_turn_dates_into_imgur_times() -> None:
    assert compile_expression("to_epoch('2024-01-01')").search({}) == 1704067200
    back = compile_expression("from_epoch(`1704067200`)").search({})
    assert back == "2024-01-01T00:00:00+00:00"


@pytest.mark.parametrize(
    ("source", "keys"),
    [
        ("data[*].{id: id, title: title}", ("id", "title")),
        ("data.{id: id}", ("id",)),
        ("items", ("username", "bio")),
        ("items[?bio].{name: username}", ("name",)),
        ("sort_by(items, &username)[:3]", ("username", "bio")),
        ("items | [*].{name: username}", ("name",)),
        ("items[*].username", None),
        ("data", None),
        ("length(items)", None),
    ],
    ids=[
        "projected-hash",
        "one-hash",
        "a-name-of-known-rows",
        "filtered-hash",
        "sorted-and-cut",
        "piped-hash",
        "single-values",
        "unknown-name",
        "not-rows",
    ],
)
def test_row_keys_are_read_from_the_expression(
    source: str, keys: tuple[str, ...] | None
) -> None:
    named = {"items": ["username", "bio"]}

    assert compile_expression(source).row_keys(named) == keys


@pytest.mark.parametrize(
    ("date", "epoch"),
    [
        ("2024-01-01", 1704067200),
        ("2024-01-01T10:00", 1704103200),
        ("2024-01-01T10:00+02:00", 1704096000),
    ],
    ids=["date-is-utc-midnight", "time-without-zone-is-utc", "zone-given"],
)
def test_to_epoch_reads_a_time_without_a_zone_as_utc(date: str, epoch: int) -> None:
    assert compile_expression(f"to_epoch('{date}')").search({}) == epoch


def test_a_date_to_epoch_cannot_read_says_how_it_reads_zones() -> None:
    with pytest.raises(TemplateError, match=r"read as UTC unless it gives a zone"):
        compile_expression("to_epoch('01/02/2021')").search({})
