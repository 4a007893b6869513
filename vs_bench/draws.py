"""What the solver records per sample and the scorers read back (also from logs)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from inspect_ai.util import Store

STORE_KEY = "vs_bench:draws"


@dataclass
class Draw:
    """One candidate answer: a sample of equal weight in every main metric."""

    text: str
    probability: float | None  # verbalized, as stated (not renormalised)
    call: int  # index of the independent call or conversation
    turn: int  # turn within the conversation (0 for single-call formats)


@dataclass
class ParseFailure:
    call: int
    turn: int
    error: str
    reply: str  # first characters of the reply, for the log


@dataclass
class SampleDraws:
    """All draws of one prompt: N candidates (after trimming) and the failed replies."""

    requested: int
    replies: int = 0
    draws: list[Draw] = field(default_factory=list)
    failures: list[ParseFailure] = field(default_factory=list)
    # candidates beyond / short of the number a parsed reply was asked for
    over_delivered: int = 0
    under_delivered: int = 0
    calls: int = 0  # independent calls or conversations made, top-up calls included

    @property
    def shortfall(self) -> int:
        """Draws asked for but not delivered within the cap on calls."""
        return max(0, self.requested - len(self.draws))

    @property
    def texts(self) -> list[str]:
        return [d.text for d in self.draws]

    def save(self, store: Store) -> None:
        store.set(STORE_KEY, asdict(self))

    @staticmethod
    def load(store: Store | Mapping[str, Any]) -> SampleDraws:
        data = store.get(STORE_KEY)
        if data is None:
            raise KeyError(f"no {STORE_KEY} in the sample store: was the vs_bench solver used?")
        return SampleDraws(
            requested=data["requested"],
            replies=data["replies"],
            draws=[Draw(**d) for d in data["draws"]],
            failures=[ParseFailure(**f) for f in data["failures"]],
            # logs written before these fields existed read as 0
            over_delivered=data.get("over_delivered", 0),
            under_delivered=data.get("under_delivered", 0),
            calls=data.get("calls", 0),
        )
