from __future__ import annotations

import pytest

from vs_bench import prompts
from vs_bench.errors import VsBenchError
from vs_bench.formats import FORMATS, Budget, PromptOptions, resolve_format, system_prompt


@pytest.mark.parametrize(
    ("name", "plan"),
    [
        ("direct", [[1]] * 10),
        ("direct_cot", [[1]] * 10),
        ("sequence", [[5]] * 2),
        ("structure", [[5]] * 2),
        ("vs_standard", [[5]] * 2),
        ("vs_cot", [[5]] * 2),
        ("multi_turn", [[1] * 5] * 2),
        ("vs_multi", [[2, 2, 1]] * 2),
    ],
)
def test_call_plan_delivers_exactly_n(name: str, plan: list[list[int]]) -> None:
    fmt = FORMATS[name]
    budget = Budget.make(fmt, 10, 5, 2)
    assert budget.plan(fmt) == plan
    assert sum(map(sum, budget.plan(fmt))) == 10


def test_aliases_resolve_to_formats() -> None:
    assert resolve_format("seq").name == "sequence"
    assert resolve_format("structure_with_prob").name == "vs_standard"
    assert resolve_format("chain_of_thought").name == "vs_cot"
    assert resolve_format("combined").name == "vs_multi"


@pytest.mark.parametrize(
    ("n", "k", "m", "message"),
    [
        (7, 5, None, "not a multiple"),
        (10, 0, None, "at least 1"),
        ("x", 5, None, "not an integer"),
        (10, 5, 6, "larger than k"),
    ],
)
def test_bad_budgets_give_one_line_errors(n: object, k: object, m: object, message: str) -> None:
    with pytest.raises(VsBenchError, match=message) as info:
        Budget.make(FORMATS["vs_multi"], n, k, m)
    assert "\n" not in str(info.value)


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(VsBenchError, match="use one of direct"):
        resolve_format("bogus")


def test_vs_prompt_has_field_definition_and_tail() -> None:
    fmt = FORMATS["vs_standard"]
    budget = Budget.make(fmt, 10, 5, None)
    text = system_prompt(fmt, budget, PromptOptions(plausible=True, tail=0.1))
    assert text.startswith("Generate 5 plausible responses to the input prompt.\n\n")
    assert f"- 'probability': {prompts.PROBABILITY_FIELDS['explicit'][1]}" in text
    assert "must be below 0.1." in text
    assert prompts.SAMPLE_SENTENCE not in text
    multi = system_prompt(FORMATS["vs_multi"], budget, PromptOptions())
    assert "First, sample 3 responses." in multi and "- 'confidence':" in multi


def test_one_answer_formats_group_draws_into_requests_of_choices() -> None:
    fmt = FORMATS["direct"]
    budget = Budget.make(fmt, 12, 5, None)
    assert budget.plan(fmt, choices=5) == [[5], [5], [2]]
    assert sum(map(sum, budget.plan(fmt, choices=5))) == 12


def test_list_format_sends_an_object_schema_of_strings() -> None:
    from vs_bench.formats import response_schema

    schema = response_schema(FORMATS["sequence"], PromptOptions())
    assert schema is not None
    body = schema.json_schema.model_dump(exclude_none=True)
    assert body["properties"]["responses"] == {"type": "array", "items": {"type": "string"}}
    assert body["required"] == ["responses"]
