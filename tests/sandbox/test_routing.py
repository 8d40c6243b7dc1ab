"""Every catalog endpoint has a route, and an answer that is not a crash."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from runner.catalog import Endpoint, load_catalog
from runner.sandbox import DEMO_ACCESS_TOKEN, Sandbox
from runner.sandbox.routing import Routes
from runner.transports import fill_path

ENDPOINTS = list(load_catalog())
ROUTES = Routes(load_catalog())
SAMPLE_VALUES = {"page": 0, "vote": "up", "username": "demo_user"}


def sample_path(endpoint: Endpoint) -> str:
    values = {p.name: SAMPLE_VALUES.get(p.name, "Zz9Zz9Z") for p in endpoint.params}
    return fill_path(endpoint.path, values)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_every_endpoint_is_routed_to_itself_or_its_twin(endpoint: Endpoint) -> None:
    route, _ = ROUTES.match(endpoint.method, sample_path(endpoint))

    assert endpoint in route.endpoints


@pytest.mark.parametrize(
    ("twin", "main"),
    [
        ("image.delete_anonymous", "image.delete"),
        ("image.update_anonymous", "image.update"),
        ("album.delete_anonymous", "album.delete"),
        ("album.set_images_anonymous", "album.set_images"),
        ("album.add_images_anonymous", "album.add_images"),
        ("album.remove_images_anonymous", "album.remove_images"),
    ],
    ids=lambda name: name,
)
def test_anonymous_twins_share_the_main_rule(twin: str, main: str) -> None:
    assert main in ROUTES.by_name
    assert twin not in ROUTES.by_name
    assert [e.name for e in ROUTES.by_name[main].endpoints] == [main, twin]


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[str, requests.Session]]:
    """One sandbox for the whole sweep: its calls change nothing that matters."""
    with Sandbox() as sandbox, requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {DEMO_ACCESS_TOKEN}"
        yield sandbox.url, session


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_every_endpoint_answers_json(
    shared: tuple[str, requests.Session], endpoint: Endpoint
) -> None:
    base, session = shared

    answer = session.request(endpoint.method, base + sample_path(endpoint))

    assert answer.status_code < 500 or answer.status_code == 501
    assert answer.json()
    if answer.status_code == 501:
        assert endpoint.name in answer.text
