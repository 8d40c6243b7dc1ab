"""Up and down votes, as gallery posts and comments both keep them.

Votes are held as ``{username: "up" | "down"}``: one vote per account, which
a new vote replaces and ``veto`` takes back.
"""

from __future__ import annotations

from dataclasses import dataclass

from runner.sandbox.errors import bad_request

UP = "up"
DOWN = "down"
VETO = "veto"
CHOICES = (UP, DOWN, VETO)


@dataclass(frozen=True)
class Tally:
    """What the votes add up to."""

    ups: int
    downs: int

    @property
    def points(self) -> int:
        return self.ups - self.downs


def cast(votes: dict[str, str], username: str, vote: str) -> None:
    """Record `username`'s vote, replacing theirs; ``veto`` removes it.

    Raises:
        ImgurError: 400 for a vote other than up, down or veto.
    """
    if vote not in CHOICES:
        raise bad_request(f"vote must be one of {', '.join(CHOICES)}, not {vote!r}")
    if vote == VETO:
        votes.pop(username, None)
    else:
        votes[username] = vote


def tally(votes: dict[str, str]) -> Tally:
    ups = sum(1 for vote in votes.values() if vote == UP)
    return Tally(ups=ups, downs=len(votes) - ups)
