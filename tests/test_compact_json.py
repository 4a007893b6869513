"""The compact JSON grammar sent to the embedded llama.cpp model."""

from __future__ import annotations

import json

import pytest

from vs_bench.formats import FORMATS, PromptOptions, response_schema
from vs_bench.providers.compact_json import compact_grammar


def dumped(fmt: str, count: int | None) -> dict[str, object]:
    schema = response_schema(FORMATS[fmt], PromptOptions(), count)
    assert schema is not None
    return schema.json_schema.model_dump(exclude_none=True, serialize_as_any=True)


def test_a_counted_vs_schema_spells_out_exactly_k_items() -> None:
    grammar = compact_grammar(dumped("vs_standard", 3))
    assert grammar is not None
    lines = dict(line.split(" ::= ", 1) for line in grammar.splitlines())
    assert lines["r1"] == '"[" sp r0 "," sp r0 "," sp r0 sp "]"'
    assert lines["r0"] == (
        '"{" sp "\\"text\\"" sp ":" sp string "," sp "\\"probability\\"" sp ":" sp number sp "}"'
    )
    assert lines["root"] == "r2"


def test_a_counted_list_has_no_layout_whitespace() -> None:
    grammar = compact_grammar(dumped("sequence", 2))
    assert grammar is not None
    assert '"[" sp string "," sp string sp "]"' in grammar
    assert "\\n" not in grammar.split("char ::=")[0]  # only the string body names newlines


def test_out_of_scope_schemas_fall_back_to_llama_cpp() -> None:
    assert compact_grammar({"type": "object", "properties": {"a": {"type": "string"}}}) is None
    assert compact_grammar({"type": "boolean"}) is None
    assert compact_grammar({"type": "array", "items": {"type": "string"}, "minItems": 1}) is None
    assert compact_grammar(dumped("sequence", None)) is None  # open-ended: llama.cpp's own


def test_the_counted_schema_reaches_json_as_json_schema_keywords() -> None:
    body = dumped("structure", 4)
    responses = body["properties"]["responses"]  # type: ignore[index]
    assert (responses["minItems"], responses["maxItems"]) == (4, 4)
    json.dumps(body)  # plain JSON, sendable as llama.cpp's json_schema too


@pytest.mark.local
def test_local_model_returns_exactly_k_compact_candidates() -> None:
    import asyncio

    from inspect_ai.model import GenerateConfig, get_model

    from vs_bench.parsing import parse_reply

    schema = response_schema(FORMATS["vs_standard"], PromptOptions(), 4)
    model = get_model("local/smollm2-135m")
    output = asyncio.run(
        model.generate(
            "Name a fruit.",
            config=GenerateConfig(response_schema=schema, max_tokens=200, seed=3),
        )
    )
    assert len(parse_reply(output.completion, "vs")) == 4
    assert "\n" not in output.completion
