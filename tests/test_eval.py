"""End-to-end Inspect runs on random/python and a scripted provider."""

from __future__ import annotations

import json

import pytest
from inspect_ai.model import ChatMessage, GenerateConfig, get_model
from scipy import stats

from tests.utils.evals import draws, metric, run
from vs_bench.formats import FORMATS
from vs_bench.ideal import IDEAL_KEY, answers_of
from vs_bench.tasks import FAMILIES


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_yields_n_valid_draws(family: str, fmt: str) -> None:
    log = run(f"{family}_{fmt}", task_args={"n": 20, "limit": 1}, seed=3)
    (record,) = draws(log)
    assert len(record.draws) == 20
    # tasks without an answer set (creative, graded) count every scored draw
    assert log.results is not None
    counted = {s.name for s in log.results.scores} & {"n_valid"} or {"n_draws"}
    assert metric(log, counted.pop()) == 20
    assert metric(log, "parse_failures") == 0
    if FORMATS[fmt].probabilities:
        assert log.samples is not None
        # the reference the sample carries (vs_bench.ideal), which random/python draws from
        answers = answers_of(log.samples[0].metadata[IDEAL_KEY])
        # the ideal sampler states each answer's reference probability (1/K unless weighted);
        # in a dialogue, which keeps one candidate by its stated probability, each
        # candidate's share of the turn's k candidates, 1/k (vs_bench.providers.random_python)
        k = log.eval.task_args.get("k", 5)  # persuasion's default k
        assert all(
            d.probability == pytest.approx(
                1 / k if family == "persuasion" else answers.reference[answers.match(d.text)]
            )
            for d in record.draws
        )


def test_logged_p_value_is_the_chi_square_survival_function() -> None:
    log = run("rand_num_vs_standard", seed=11)
    chi2, dof, p = (metric(log, k) for k in ("chi2", "chi2_dof", "chi2_p"))
    assert dof == 9
    assert p == pytest.approx(stats.chi2.sf(chi2, dof), rel=1e-12)


def test_dice_direct_600_draws_is_close_to_uniform() -> None:
    log = run("dice_direct", task_args={"n": 600}, seed=5)
    # E[KL] of 600 uniform draws over 6 faces ≈ (K−1)/(2N) = 0.004; 0.03 is far in the tail
    assert metric(log, "kl") < 0.03


def test_chi_square_rejection_rate_of_the_ideal_sampler() -> None:
    runs = 100  # the binomial bounds below are those of this many runs
    log = run("rand_num_vs_standard", epochs=runs, seed=2026)
    assert log.samples is not None and len(log.samples) == runs
    p_values = [s.scores["distribution_scorer"].value["chi2_p"] for s in log.samples]  # type: ignore[index]
    rejections = sum(p < 0.05 for p in p_values)
    low, high = stats.binom.interval(0.99, runs, 0.05)
    assert low <= rejections <= high


def test_same_seed_same_draws_other_seed_other_draws() -> None:
    first = draws(run("rand_num_sequence", seed=7))[0].texts
    again = draws(run("rand_num_sequence", seed=7))[0].texts
    other = draws(run("rand_num_sequence", seed=8))[0].texts
    assert first == again
    assert first != other


def test_cache_and_seed_keep_draws_independent() -> None:
    calls: list[GenerateConfig] = []
    counter = iter(range(10_000))
    model = get_model(
        "scripted/counter", replies=[lambda _input, _config: str(next(counter))], calls=calls
    )
    first = draws(run("rand_num_direct", model=model, seed=1, cache=True, task_args={"n": 30}))
    assert len(calls) == 30
    assert len(set(first[0].texts)) == 30  # one model call per draw, none served twice
    assert len({c.seed for c in calls}) == 30  # a derived seed per draw
    second = draws(run("rand_num_direct", model=model, seed=1, cache=True, task_args={"n": 30}))
    assert len(calls) == 30  # all 30 from the cache
    assert second[0].texts == first[0].texts


def test_malformed_replies_are_counted_exactly() -> None:
    good = json.dumps({"responses": [{"text": str(i), "probability": 0.1} for i in range(5)]})
    script = [good, "not json", good, '{"responses": "3"}', good, "", good, good]
    model = get_model("scripted/malformed", replies=script)
    log = run("rand_num_vs_standard", model=model, task_args={"n": 40})
    # 8 planned calls: 3 failures, 25 draws; the cell then asks again for the 15 missing:
    # 3 calls (script 8-10: 1 failure, +10), 1 call (script 11: failure), 1 call (+5)
    assert metric(log, "parse_failures") == 5
    assert metric(log, "parse_failure_rate") == pytest.approx(5 / 13)
    assert metric(log, "n_valid") == 40
    (record,) = draws(log)
    assert len(record.failures) == 5 and len(record.draws) == 40
    assert record.calls == 13 and record.replies == 13 and record.shortfall == 0


def test_top_up_stops_at_the_cap_and_reports_the_shortfall() -> None:
    good = json.dumps({"responses": [{"text": "1", "probability": 0.5}]})
    model = get_model("scripted/short", replies=[good])
    log = run("rand_num_vs_standard", model=model, task_args={"n": 20, "k": 5})
    (record,) = draws(log)
    # 4 planned calls, each 1 of the 5 asked; the cap is 3 x 4 calls
    assert record.calls == 12 and len(record.draws) == 12
    assert record.under_delivered == 12 * 4 and record.shortfall == 8


def test_counts_are_summed_over_epochs() -> None:
    good = json.dumps({"responses": [{"text": str(i), "probability": 0.1} for i in range(5)]})
    script = [good, "not json", good, '{"responses": "3"}', good, "", good, good]
    model = get_model("scripted/malformed_epochs", replies=script)
    log = run("rand_num_vs_standard", model=model, epochs=2, task_args={"n": 40})
    # each epoch tops up to its 40 draws; how the two epochs share the script varies, so
    # compare with the samples' own records (Inspect's mean reducer would halve both)
    records = draws(log)
    assert len(records) == 2
    assert metric(log, "parse_failures") == sum(len(r.failures) for r in records) >= 6
    assert metric(log, "n_valid") == 80


def test_direct_draws_arrive_as_choices_with_distinct_seeds() -> None:
    calls: list[GenerateConfig] = []
    log = run("rand_num_direct", model="random/python", task_args={"n": 12, "k": 5}, seed=1)
    (record,) = draws(log)
    # random/python takes up to 128 choices a request: the cell's 12 draws in one
    assert len(record.draws) == 12 and record.calls == 1 and record.replies == 12
    # a provider without num_choices gets one request per draw
    model = get_model("scripted/plain", replies=["4"], calls=calls)
    log = run("rand_num_direct", model=model, task_args={"n": 12, "k": 5}, seed=1)
    assert len(calls) == 12 and len({c.seed for c in calls}) == 12
    assert all(c.num_choices is None for c in calls)


def vs_reply(tag: str) -> str:
    return json.dumps({"responses": [{"text": f"{tag}{i}", "probability": 0.2} for i in range(5)]})


def test_a_lists_calls_go_as_the_choices_of_one_request() -> None:
    calls: list[GenerateConfig] = []
    model = get_model("scripted/fan", replies=[vs_reply(t) for t in "abcd"], calls=calls,
                      max_choices=8)
    log = run("rand_num_vs_standard", model=model, task_args={"n": 20, "k": 5}, seed=1)
    (record,) = draws(log)
    # 4 calls of 5 candidates: one request of 4 choices, each choice its own call
    assert [c.num_choices for c in calls] == [4]
    assert record.calls == 4 and record.replies == 4 and len(record.draws) == 20
    assert {d.call: d.text[0] for d in record.draws} == {0: "a", 1: "b", 2: "c", 3: "d"}
    assert record.under_delivered == 0 and record.failures == []


def test_fewer_choices_than_asked_are_counted_and_asked_again() -> None:
    calls: list[GenerateConfig] = []
    model = get_model("scripted/fan_short", replies=[vs_reply("x")], calls=calls,
                      max_choices=8, short_choices=3)
    log = run("rand_num_vs_standard", model=model, task_args={"n": 40, "k": 5}, seed=1)
    (record,) = draws(log)
    # 8 calls asked as 8 choices, 3 came (5 calls of 5 candidates short); the 5 calls
    # missing then go as requests of the 3 choices the server gives
    assert [c.num_choices for c in calls] == [8, 3, 2]
    assert record.under_delivered == 5 * 5 and len(record.draws) == 40
    assert record.calls == 8
    assert sorted({d.call for d in record.draws}) == [0, 1, 2, 8, 9, 10, 11, 12]


def test_conversations_share_their_first_request_and_keep_their_own_reply() -> None:
    calls: list[GenerateConfig] = []
    histories: list[list[str]] = []

    def reply(messages: list[ChatMessage], config: GenerateConfig) -> str:
        histories.append([m.text for m in messages if m.role == "assistant"])
        return f"answer {len(histories)}"

    model = get_model("scripted/turns", replies=[reply], calls=calls, max_choices=8)
    log = run("rand_num_multi_turn", model=model, task_args={"n": 6, "k": 3}, seed=1)
    (record,) = draws(log)
    # 2 conversations of 3 turns: their first turn as one request of 2 choices, then 2
    # requests each, every one on the history of its own conversation
    assert [c.num_choices for c in calls[:1]] == [2] and len(calls) == 5
    assert all(c.num_choices is None for c in calls[1:])
    assert len(record.draws) == 6 and record.calls == 2
    for call in (0, 1):
        texts = [d.text for d in record.draws if d.call == call]
        assert len(texts) == 3
        later = [h for h in histories if h and h[0] == texts[0]]
        assert [h[1:] for h in later] == [[], texts[1:2]]
    assert len({c.seed for c in calls}) == 5
