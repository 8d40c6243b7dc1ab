"""A null for a parameter the call needs stops the call, with where it came from."""

from runner.results import Status
from runner.sandbox import Sandbox

from .conftest import RunText

NULL_FROM_AN_INDEX = """\
version: 1
on_error: continue
steps:
  - id: imgs
    call: account.list_images
    with: {username: me}
    save: {ids: "[data[0].nope]"}
  - id: look
    call: image.get
    with: {imageHash: "{{ steps.imgs.ids[0] }}"}
  - id: titled
    call: album.create
    with: {title: "{{ steps.imgs.ids[0] || 'untitled' }}", privacy: hidden}
"""


def test_a_null_picked_from_a_saved_list_is_refused_by_the_parameter(
    run_text: RunText, sandbox: Sandbox
) -> None:
    ran = run_text(NULL_FROM_AN_INDEX)

    look = ran.step("look")
    assert look.status is Status.FAILED
    assert look.error == (
        "with.imageHash: `{{ steps.imgs.ids[0] }}` is null, and image.get "
        "cannot be sent without it"
    )
    assert not any("/3/image/" in r.path for r in sandbox.received)
    assert ran.step("titled").status is Status.SUCCEEDED
