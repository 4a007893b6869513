"""target_dist: sample from a skewed distribution the prompt states.

Each prompt states a target ("A" with probability 0.6, "B" 0.3, "C" 0.1) and asks for
one answer drawn from it; the model's distribution (verbalized when the draws state
probabilities, else the draw frequencies) is compared with the stated target. The
shipped targets (``data/target_dist.json``) have 2, 3, 4, 5 and 10 answers;
``-T target="A=0.6,B=0.3,C=0.1"`` runs one of your own. The prompt alone defines the
target, so ``vs-bench score`` reads it back from the prompt text (the ideal sampler
draws from the sample's answer set).
"""

from __future__ import annotations

import json
import math
import re
from functools import cache

from inspect_ai.dataset import Sample

from vs_bench import prompts
from vs_bench.answer_set import AnswerSet
from vs_bench.errors import VsBenchError
from vs_bench.scorers.reference_scorer import reference_score, reference_scorer, to_metadata
from vs_bench.tasks._family import DATA, family

TARGETS_FILE = DATA / "target_dist.json"
SPEC = '"label=probability,label=probability,..." (probabilities summing to 1)'
_OPTION = re.compile(
    re.escape(prompts.TARGET_OPTION)
    .replace(r"\{label\}", r'([^"]+)')
    .replace(r"\{probability\}", r"(\d+(?:\.\d+)?(?:e-\d+)?)")
)
TOLERANCE = 1e-6  # stated probabilities must sum to 1 within this


def _checked(target: dict[str, float], where: str) -> dict[str, float]:
    if len(target) < 2:
        raise VsBenchError(f"{where}: a target needs at least two answers: pass {SPEC}")
    for label, p in target.items():
        if not label.strip() or '"' in label or "," in label or "=" in label:
            raise VsBenchError(
                f"{where}: answer {label!r} must be non-empty, without '\"', ',' or '='"
            )
        if not (math.isfinite(p) and 0 < p <= 1):
            raise VsBenchError(f"{where}: probability {p!r} of {label!r} is not in (0, 1]")
    if abs(sum(target.values()) - 1) > TOLERANCE:
        raise VsBenchError(
            f"{where}: probabilities sum to {sum(target.values()):.6g}, not 1: pass {SPEC}"
        )
    return target


def parse_target(value: object) -> dict[str, float]:
    """``"A=0.6,B=0.3,C=0.1"`` as {answer: probability}; a one-line error when malformed.

    Inspect's ``-T`` splits a value at commas, so a list of "label=probability" parts
    (or a mapping) is read too.
    """
    if isinstance(value, dict):
        parts = [f"{label}={p}" for label, p in value.items()]
    elif isinstance(value, list | tuple):
        parts = [str(part) for part in value]
    else:
        parts = str(value).split(",")
    text = ",".join(parts)
    target: dict[str, float] = {}
    for part in parts:
        label, sep, number = part.partition("=")
        try:
            if not sep:
                raise ValueError
            target[label.strip()] = float(number)
        except ValueError:
            raise VsBenchError(
                f"target {text!r}: {part!r} is not label=probability: pass {SPEC}"
            ) from None
    return _checked(target, f"target {text!r}")


@cache
def shipped() -> dict[str, dict[str, float]]:
    """The shipped targets by name."""
    rows = json.loads(TARGETS_FILE.read_text(encoding="utf-8"))
    return {r["name"]: _checked(r["answers"], f"{TARGETS_FILE} {r['name']}") for r in rows}


def prompt_for(target: dict[str, float]) -> str:
    options = ", ".join(
        prompts.TARGET_OPTION.format(label=label, probability=f"{p:g}")
        for label, p in target.items()
    )
    return prompts.TARGET_PROMPT.format(options=options)


def answers_for(target: dict[str, float]) -> AnswerSet:
    return AnswerSet.of_labels(target).with_weights(target.values())


def target_of(prompt: str) -> dict[str, float] | None:
    """The target a target_dist prompt states; None for any other prompt."""
    found = {label: float(p) for label, p in _OPTION.findall(prompt)}
    return found if found and prompt == prompt_for(found) else None


def reference(prompt: str) -> AnswerSet | None:
    target = target_of(prompt)
    return answers_for(target) if target else None


def scoring(prompt: str, texts: list[str], probabilities: list[float | None]) -> dict[str, float]:
    """``vs-bench score``: the responses against the target their prompt states."""
    answers = reference(prompt)
    if answers is None:
        raise VsBenchError(
            f"prompt {prompt[:80]!r} states no target: target_dist prompts read "
            f"{prompts.TARGET_PROMPT[:40]!r}..."
        )
    return reference_score(answers, texts, probabilities)[0]


@family(
    n=100, k=5, scorers=lambda own: [reference_scorer()], rescore=scoring, reference=reference,
    kind="reference", primary="tv",
)
def target_dist(*, target: str | list[str] | None = None) -> list[Sample]:
    """Pick an answer from a skewed distribution the prompt states; reference: that target.

    Scored by total variation and KL (both ways) between the model's distribution and
    the target, and chi-square of the draws against it.

    Args:
        target: one target "A=0.6,B=0.3,C=0.1" instead of the shipped five.
    """
    targets = list(shipped().values()) if target is None else [parse_target(target)]
    return [
        Sample(input=prompt_for(t), id=i, metadata=to_metadata(answers_for(t)))
        for i, t in enumerate(targets, start=1)
    ]
