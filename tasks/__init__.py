"""Task families. Each is registered for every format by ``vs_bench._registry``."""

from __future__ import annotations

from collections.abc import Callable

from inspect_ai import Task

from vs_bench.answer_set import AnswerSet
from vs_bench.tasks import (
    answer_sets,
    creative,
    numbers,
    safety,
    simpleqa,
    state_probe,
    synthetic,
    target_dist,
)

# family name -> task function taking ``format`` and the family's parameters
FAMILIES: dict[str, Callable[..., Task]] = {
    "rand_num": numbers.rand_num,
    "dice": numbers.dice,
    "state_name": answer_sets.state_name,
    "open_qa": answer_sets.open_qa,
    "poem": creative.poem,
    "story": creative.story,
    "joke": creative.joke,
    "state_probe": state_probe.state_probe,
    "target_dist": target_dist.target_dist,
    "simpleqa": simpleqa.simpleqa,
    "safety": safety.safety,
    "synthetic_math": synthetic.synthetic_math,
    "synthetic_negative": synthetic.synthetic_negative,
}

# prompt -> answer set of the ideal sampler (random/python), per family
REFERENCES: list[Callable[[str], AnswerSet | None]] = [
    numbers.reference, answer_sets.reference, creative.reference, state_probe.reference,
    target_dist.reference, simpleqa.reference, safety.reference, synthetic.reference,
]


def reference_for(prompt: str) -> AnswerSet | None:
    """The answer set an ideal sampler draws from for ``prompt``, if any family knows it."""
    for reference in REFERENCES:
        found = reference(prompt)
        if found is not None:
            return found
    return None
