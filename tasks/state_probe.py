"""state_probe: "Name a US state." against the state names' frequencies in RedPajama.

The paper's probe of the pretraining distribution: direct draws N = 50 answers one
call each; the batched formats ask for all N at once (k defaults to N: one call). The
model's distribution is its verbalized one when the draws state probabilities
(renormalised), else the draw frequencies; it is compared with the reference, the
count of each state's name in RedPajama (``data/state_probe_redpajama.json``).
Answers match the alias groups of ``state_name`` (names, postal codes).
"""

from __future__ import annotations

import json
from functools import cache

from inspect_ai.dataset import Sample

from vs_bench.answer_set import AnswerSet
from vs_bench.errors import VsBenchError
from vs_bench.scorers.reference_scorer import reference_score, reference_scorer, to_metadata
from vs_bench.tasks._family import family
from vs_bench.tasks.answer_sets import DATA, STATE_NAME_FILE, shipped

PROMPT = "Name a US state."
COUNTS_FILE = DATA / "state_probe_redpajama.json"


@cache
def answers() -> AnswerSet:
    """The 50 states (state_name's alias groups) weighted by their RedPajama counts."""
    (states,) = shipped(STATE_NAME_FILE).values()
    counts = json.loads(COUNTS_FILE.read_text(encoding="utf-8"))
    missing = [s for s in states.canonical if s not in counts]
    if missing or len(counts) != states.size:
        raise VsBenchError(f"{COUNTS_FILE}: needs a count for each of the 50 states ({missing})")
    return states.with_weights(counts[s] for s in states.canonical)


def scoring(prompt: str, texts: list[str], probabilities: list[float | None]) -> dict[str, float]:
    """``vs-bench score``: any prompt's responses against the RedPajama reference."""
    return reference_score(answers(), texts, probabilities)[0]


@family(
    n=50, k=None, scorers=lambda own: [reference_scorer()], rescore=scoring,
    reference=lambda prompt: answers() if prompt == PROMPT else None,
    kind="reference", primary="kl_paper",
)
def state_probe() -> list[Sample]:
    """Name a US state; reference: the states' frequencies in RedPajama (non-uniform).

    Scored by KL(reference ‖ model) over all 50 states (smoothed), the paper's
    lenient KL over the states both name (``kl_paper``), KL(model ‖ reference),
    total variation and chi-square against the reference. k defaults to N: the
    batched formats name all N answers in one call (the paper's protocol).
    """
    return [Sample(input=PROMPT, id=1, metadata=to_metadata(answers()))]
