"""persuasion: the paper's dialogue simulation on PersuasionForGood (Wang et al. 2019).

The model under test plays the persuadee of a real dialogue, given that participant's
background and traits (``full_info.csv``); the persuader replays the human persuader's
messages of the dialogue turn by turn (``full_dialog.csv``), or is a model with
``--model-role persuader=<model>``. The persuadee answers in the run's format
(``vs_bench.dialogue``: k candidates in the list and VS formats, one kept), and is then
asked how much of its $2 task payment it donates to Save the Children. The first amount
of its answer is its donation; no amount, or one outside [0, 2], is counted invalid.

Scores (``vs_bench.metrics.persuasion``): the run's simulated donations against the 982 human
persuadee donations in [0, 2] (``donation_ks``, the primary metric, lower is better;
``donation_ks_p``, ``donation_l1``, ``donation_mean``, ``n_valid``), and the persuadee's
replies within each dialogue (distinct-1/2/3, semantic diversity, Flesch-Kincaid grade).

Data (``data/persuasion/``, its README): the evaluation split of 200 dialogues, seeded
(``regenerate.py`` rebuilds it from the original files), and the human donations.
"""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache, partial
from typing import Any

from inspect_ai.dataset import Sample, json_dataset
from inspect_ai.scorer import Scorer
from inspect_ai.solver import Solver

from vs_bench import prompts
from vs_bench.answer_set import AnswerSet
from vs_bench.dialogue import (
    PARTNER_IDEAL_KEY,
    PARTNER_TURNS_KEY,
    REPLY_IDEAL_KEY,
    check_selection,
    dialogue_budget,
    dialogue_solver,
)
from vs_bench.formats import Budget, Format, PromptOptions
from vs_bench.ideal import IDEAL_KEY, of_answers, of_canned
from vs_bench.metrics.persuasion import statement_metrics
from vs_bench.scenario import Scenario
from vs_bench.scorers.persuasion_scorer import persuasion_scorer
from vs_bench.tasks._family import Own, data_file, family

FOLDER = data_file(__file__, "persuasion")
DIALOGUES_FILE = FOLDER / "dialogues.jsonl"
HUMAN_FILE = FOLDER / "human_donations.csv"
PERSUADER_ROLE = "persuader"
SCENARIO = Scenario(
    system=prompts.PERSUADEE_SYSTEM,
    closing=prompts.DONATION_QUESTION,
    partner_role=PERSUADER_ROLE,
    partner_system=prompts.PERSUADER_SYSTEM,
    partner_opening=prompts.PERSUADER_OPENING,
)
# the persona's lines: a heading and (column, wording) pairs of full_info.csv's "*.x"
# fields, "{}" the value (scales as observed in the data)
PERSONA: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Background", (
        ("age", "age {}"), ("sex", "sex {}"), ("race", "race {}"), ("edu", "education {}"),
        ("marital", "marital status {}"), ("employment", "employment {}"),
        ("income", "income bracket {} of 12"), ("religion", "religion {}"),
        ("ideology", "political ideology {}"),
    )),
    ("Big Five personality, from 1 (low) to 5 (high)", (
        ("extrovert", "extraversion {}"), ("agreeable", "agreeableness {}"),
        ("conscientious", "conscientiousness {}"), ("neurotic", "neuroticism {}"),
        ("open", "openness {}"),
    )),
    ("Moral foundations, from 1 (low) to 6 (high)", (
        ("care", "care {}"), ("fairness", "fairness {}"), ("loyalty", "loyalty {}"),
        ("authority", "authority {}"), ("purity", "purity {}"), ("freedom", "freedom {}"),
    )),
    ("Values, from 1 (low) to 6 (high)", (
        ("conform", "conformity {}"), ("tradition", "tradition {}"),
        ("benevolence", "benevolence {}"), ("universalism", "universalism {}"),
        ("self_direction", "self-direction {}"), ("stimulation", "stimulation {}"),
        ("hedonism", "hedonism {}"), ("achievement", "achievement {}"), ("power", "power {}"),
        ("security", "security {}"),
    )),
    ("Decision style, from 1 (low) to 5 (high)", (
        ("rational", "rational {}"), ("intuitive", "intuitive {}"),
    )),
)


@cache
def human_donations() -> tuple[float, ...]:
    """The human reference: every persuadee donation in [0, 2] of full_info.csv (982)."""
    with HUMAN_FILE.open(encoding="utf-8", newline="") as file:
        return tuple(float(row["donation"]) for row in csv.DictReader(file))


@cache
def _value(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def persona_text(persona: dict[str, Any]) -> str:
    """The persuadee's background and traits, one line per group (missing ones left out)."""
    lines = []
    for heading, fields in PERSONA:
        parts = [wording.format(_value(persona[key])) for key, wording in fields if key in persona]
        if parts:
            lines.append(f"- {heading}: {', '.join(parts)}.")
    return "\n".join(lines)


def donation_label(amount: float) -> str:
    """What random/python's persuadee says when it donates ``amount``."""
    return f"I donate ${amount:.2f}."


@cache
def donation_answers() -> AnswerSet:
    """The human donations as an answer set weighted by their counts: random/python's
    donations are i.i.d. draws from the human reference."""
    counts = Counter(human_donations())
    amounts = sorted(counts)
    return AnswerSet.of_labels(donation_label(a) for a in amounts).with_weights(
        counts[a] for a in amounts
    )


def _sample(dialogue: dict[str, Any]) -> Sample:
    persona = persona_text(dialogue["persona"])
    return Sample(
        input=persona,
        id=dialogue["id"],
        metadata={
            "persona": persona,
            "human_donation": dialogue["donation"],
            PARTNER_TURNS_KEY: dialogue["persuader"],
            IDEAL_KEY: of_answers(donation_answers()),
            REPLY_IDEAL_KEY: of_canned(("persuadee",)),
            PARTNER_IDEAL_KEY: of_canned(("persuader",)),
        },
    )


def _solver(
    selection: str, fmt: Format, n: object, k: object, m: object | None, options: PromptOptions
) -> tuple[Solver, Budget]:
    budget = dialogue_budget(fmt, n, k, m)
    return dialogue_solver(fmt, budget, options, SCENARIO, check_selection(selection)), budget


def _solver_of(own: Own) -> Any:
    check_selection(own["selection"])  # at task creation: before any call
    return partial(_solver, own["selection"])


def _scorers(own: Own) -> list[Scorer]:
    return [persuasion_scorer(own["embedder"])]


def rescore_prompt(
    prompt: str, texts: list[str], probabilities: list[float | None]
) -> dict[str, float]:
    """``vs-bench score``: the donation metrics of one prompt's final statements."""
    return rescore_run(texts)


def rescore_run(texts: list[str]) -> dict[str, float]:
    """``vs-bench score``: the donation metrics of every final statement of the file."""
    return statement_metrics(texts, human_donations())


@family(
    n=1, k=5, scorers=_scorers, solver=_solver_of, rescore=rescore_prompt,
    rescore_run=rescore_run, human=human_donations, kind="dialogue", primary="donation_ks",
    scenario=SCENARIO,
)
def persuasion(*, selection: str = "probability", embedder: str | None = None) -> list[Sample]:
    """The persuadee of a PersuasionForGood dialogue; donations against the human ones.

    N is the number of simulated dialogues per persona, k the candidate replies per
    turn (list and VS formats).

    Args:
        selection: how the reply kept among a turn's candidates is chosen: probability
            (by the stated probabilities; uniformly when none is stated) or uniform.
        embedder: the semantic-diversity embedder (default: packaged all-MiniLM-L6-v2).
    """
    # the evaluation split (data/persuasion/dialogues.jsonl), in file order
    return list(json_dataset(str(DIALOGUES_FILE), sample_fields=_sample))
