from __future__ import annotations

import pytest

from vs_bench.parsing import Candidate, ParseError, parse_probability, parse_reply


def test_vs_json_in_code_fence_with_trailing_comma_and_percent() -> None:
    reply = (
        'Sure!\n```json\n{"responses": [{"text": "3", "probability": "70%"},\n'
        ' {"text": "8", "confidence": 0.3},]}\n```'
    )
    assert parse_reply(reply, "vs") == [Candidate("3", 0.7), Candidate("8", 0.3)]


def test_structure_accepts_string_items_and_numbers() -> None:
    assert parse_reply('{"responses": ["a", 5]}', "structure") == [Candidate("a"), Candidate("5")]


def test_sequence_accepts_python_literal_list() -> None:
    assert parse_reply("['one', 'two',]", "list") == [Candidate("one"), Candidate("two")]


def test_cot_single_reads_response_field() -> None:
    reply = '{"reasoning": "pick", "response": "Ohio"}'
    assert parse_reply(reply, "cot_single") == [Candidate("Ohio")]


def test_text_reply_is_stripped() -> None:
    assert parse_reply("  7\n", "text") == [Candidate("7")]


@pytest.mark.parametrize(
    ("reply", "shape"),
    [
        ("", "text"),
        ("   ", "text"),
        ("no json here", "vs"),
        ('{"responses": []}', "vs"),
        ('{"responses": [{"prob": 1}]}', "vs"),
        ("[1, 2", "list"),
        ('{"answer_list": 3}', "vs"),
        ('{"reasoning": "x"}', "cot_single"),
    ],
)
def test_malformed_replies_raise(reply: str, shape: str) -> None:
    with pytest.raises(ParseError):
        parse_reply(reply, shape)  # type: ignore[arg-type]


def test_probability_outside_unit_interval_is_dropped() -> None:
    assert parse_probability(1.5) is None
    assert parse_probability("abc") is None
    assert parse_probability("0.25") == 0.25


def test_list_format_takes_a_lone_plain_answer_as_one_candidate() -> None:
    # Qwen answers "California" to a list request whose prompt says "only the answer"
    assert parse_reply("California\n", "list") == [Candidate("California")]
    assert parse_reply('{"responses": ["Ohio", "Utah"]}', "list") == [
        Candidate("Ohio"),
        Candidate("Utah"),
    ]
    with pytest.raises(ParseError, match=r"no \[\.\.\.\] or \{\.\.\.\} in reply"):
        parse_reply("first line\nsecond line", "list")
