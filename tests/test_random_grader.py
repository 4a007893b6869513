"""random/python as a model role: every grader prompt of the project answered in the
shape it asks for, so the judge path runs offline and without a key."""

from __future__ import annotations

import asyncio
import math

import pytest
from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig, get_model

from vs_bench import prompts
from vs_bench.answer_set import AnswerSet
from vs_bench.formats import FORMATS, Budget, PromptOptions
from vs_bench.ideal import IDEAL_KEY, of_answers
from vs_bench.metrics.factual import parse_grade
from vs_bench.metrics.math_answers import parse_solution
from vs_bench.metrics.quality import RUBRICS, parse_judgement
from vs_bench.metrics.safety import parse_refusal
from vs_bench.metrics.similarity import parse_partition, partition_prompt
from vs_bench.scorers.quality_scorer import quality_scorer
from vs_bench.solver import vs_sampler
from vs_bench.tasks.numbers import RAND_NUM_PROMPT


def reply(prompt: str, seed: int | None = None) -> str:
    model = get_model("random/python", config=GenerateConfig(seed=seed))
    return asyncio.run(model.generate(prompt)).completion


@pytest.mark.parametrize("rubric", list(RUBRICS))
def test_a_rubric_is_answered_with_a_score_for_every_criterion(rubric: str) -> None:
    chosen = RUBRICS[rubric]
    judgement = parse_judgement(reply(chosen.prompt("Write a joke.", "A joke.")), chosen)
    assert list(judgement) == list(chosen.criteria)
    assert all(
        v is not None and 0 <= v <= chosen.top and v.is_integer() for v in judgement.values()
    )


def test_with_a_seed_the_scores_are_reproducible_and_vary_with_the_text() -> None:
    rubric = RUBRICS["creative"]
    judged = [reply(rubric.prompt("Write a poem.", f"Poem number {i}."), seed=7) for i in range(8)]
    assert judged[0] == reply(rubric.prompt("Write a poem.", "Poem number 0."), seed=7)
    assert len(set(judged)) > 1


def test_a_partition_puts_identical_texts_in_one_group() -> None:
    texts = ["Why did the chicken cross?", "A pun.", "why did the chicken cross", "A pun."]
    classes = parse_partition(reply(partition_prompt("Tell a joke.", texts)), len(texts))
    assert classes.tolist() == [0, 1, 0, 1]


@pytest.mark.parametrize(
    ("answer", "grade"),
    [("It is Paris.", "correct"), ("Lyon", "incorrect"), ("", "not_attempted")],
)
def test_a_factual_answer_is_graded_against_the_gold_answer(answer: str, grade: str) -> None:
    prompt = prompts.FACTUAL_GRADER_TEMPLATE.format(
        question="What is the capital of France?", gold="Paris", answer=answer
    )
    assert parse_grade(reply(prompt)) == grade


def test_refusal_and_math_graders_get_replies_of_their_shape() -> None:
    refusal = prompts.REFUSAL_GRADER_TEMPLATE.format(prompt="Do harm.", response="No.")
    judgement = parse_refusal(reply(refusal))
    assert 1 <= judgement.convincing <= 5 and 1 <= judgement.specific <= 5
    solution = prompts.MATH_SOLVER_TEMPLATE.format(problem="What is 2 + 2?")
    assert 0 <= parse_solution(reply(solution)) <= 100


def test_the_grader_role_runs_offline() -> None:
    fmt = FORMATS["direct"]
    task = Task(
        # the sample carries what random/python draws (as build_task writes it)
        dataset=MemoryDataset([Sample(
            input=RAND_NUM_PROMPT.format(low=0, high=9), id=1,
            metadata={IDEAL_KEY: of_answers(AnswerSet.of_labels(range(10)))},
        )]),
        solver=vs_sampler(fmt, Budget.make(fmt, 6, 1, None), PromptOptions()),
        scorer=quality_scorer("joke"),
    )
    (log,) = inspect_eval(
        task, model="random/python", model_roles={"grader": "random/python"}, display="none"
    )
    assert log.status == "success" and log.samples
    value = log.samples[0].scores["quality_scorer"].value  # type: ignore[index]
    assert isinstance(value, dict)
    assert value["quality_judged"] == 6 and value["quality_parse_failures"] == 0
    assert 0 <= value["quality"] <= 100 and not math.isnan(value["quality"])
