"""The embedded llama.cpp provider: sampling settings, structured output, model files."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import cast

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.model import GenerateConfig, Model, ModelOutput, get_model

from vs_bench._registry import TASKS
from vs_bench.draws import SampleDraws
from vs_bench.errors import VsBenchError
from vs_bench.formats import FORMATS, PromptOptions, response_schema
from vs_bench.parsing import parse_reply
from vs_bench.providers import local, model_files

pytestmark = pytest.mark.local

SMOL = "local/smollm2-135m"
PROMPT = "Write a short sentence about the sea."


def smol(**model_args: object) -> Model:
    return get_model(SMOL, **model_args)  # type: ignore[arg-type]


def generate(
    config: GenerateConfig, prompt: str = PROMPT, model: Model | None = None
) -> ModelOutput:
    return asyncio.run((model or smol()).generate(prompt, config=config))


def texts(config: GenerateConfig, seeds: range) -> list[str]:
    return [generate(config.merge(GenerateConfig(seed=s))).completion for s in seeds]


def test_num_choices_returns_n_choices_and_sums_their_usage() -> None:
    output = generate(GenerateConfig(num_choices=3, max_tokens=8, temperature=1.0, seed=4))
    assert len(output.choices) == 3
    assert len({c.message.text for c in output.choices}) > 1  # each choice has its own seed
    assert output.usage is not None
    assert 3 <= output.usage.output_tokens <= 24
    assert output.usage.total_tokens == output.usage.input_tokens + output.usage.output_tokens


def test_same_seed_same_text_other_seeds_differ() -> None:
    config = GenerateConfig(max_tokens=12, temperature=1.0)
    assert texts(config, range(7, 8)) == texts(config, range(7, 8))
    assert len(set(texts(config, range(1, 5)))) > 1


@pytest.mark.parametrize(
    "truncation",
    [GenerateConfig(top_k=1), GenerateConfig(top_p=1e-6)],
    ids=["top_k=1", "top_p=1e-6"],
)
def test_top_k_and_top_p_reach_the_sampler(truncation: GenerateConfig) -> None:
    # at T=1 different seeds differ (test above); keeping only the top token makes them agree
    config = GenerateConfig(max_tokens=12, temperature=1.0).merge(truncation)
    assert len(set(texts(config, range(1, 5)))) == 1


def test_min_p_reaches_the_sampler() -> None:
    config = GenerateConfig(max_tokens=12, temperature=1.0)
    greedy = smol(min_p=1.0)
    outputs = {generate(config.merge(GenerateConfig(seed=s)), model=greedy).completion
               for s in range(1, 5)}
    assert len(outputs) == 1


def test_max_tokens_is_respected() -> None:
    output = generate(GenerateConfig(max_tokens=5, temperature=0.7, seed=1),
                      "Write a long story about a dragon.")
    assert output.usage is not None and output.usage.output_tokens == 5
    assert output.stop_reason == "max_tokens"


def test_stop_sequence_ends_the_reply_before_it() -> None:
    config = GenerateConfig(max_tokens=30, temperature=0.0)
    full = generate(config).completion
    words = full.split()
    assert len(words) > 3
    stop = words[2]
    cut = generate(config.merge(GenerateConfig(stop_seqs=[stop]))).completion
    assert cut == full[: full.index(stop)]


@pytest.mark.parametrize("fmt", ["structure", "vs_standard"])
def test_json_schema_gives_parseable_json(fmt: str) -> None:
    schema = response_schema(FORMATS[fmt], PromptOptions())
    assert schema is not None
    output = generate(
        GenerateConfig(response_schema=schema, max_tokens=400, temperature=0.7, seed=2),
        "Name three US states.",
    )
    assert output.stop_reason == "stop"
    reply = json.loads(output.completion)
    assert set(reply) == set(schema.json_schema.required or [])
    parse_reply(output.completion, FORMATS[fmt].shape)  # raises ParseError otherwise


def test_concurrent_calls_share_one_server() -> None:
    async def many() -> list[ModelOutput]:
        model = smol()
        config = GenerateConfig(max_tokens=6, temperature=1.0)
        return await asyncio.gather(
            *(model.generate(PROMPT, config=config.merge(GenerateConfig(seed=s)))
              for s in range(8))
        )

    outputs = asyncio.run(many())
    assert all(o.usage is not None and 1 <= o.usage.output_tokens <= 6 for o in outputs)
    assert len({o.completion for o in outputs}) > 1
    # another model instance with the same file and slots: no second load
    other = smol(min_p=0.5).api
    assert isinstance(other, local.LocalAPI) and other.server is local.server_for(other.settings)
    assert other.server is cast(local.LocalAPI, smol().api).server


def test_local_models_get_a_fixed_connection_pool() -> None:
    assert smol().config.max_connections == 2 * local.DEFAULT_N_PARALLEL


def test_qwen_rand_num_vs_standard_parses() -> None:
    log = inspect_eval(
        TASKS["rand_num_vs_standard"](n=30), model="local/qwen2.5-0.5b", seed=1
    )[0]
    assert log.status == "success", log.error
    assert log.samples is not None
    (record,) = [SampleDraws.load(s.store) for s in log.samples]
    assert record.replies == 6
    assert len(record.failures) <= 1, record.failures  # >= 5 of the 6 replies parse


def test_unknown_name_and_bad_model_args_are_one_line_errors() -> None:
    with pytest.raises(VsBenchError, match="local/qwen2.5-0.5b or local/smollm2-135m"):
        get_model("local/llama-70b")
    with pytest.raises(VsBenchError, match="n_parallel=0 must be at least 1"):
        smol(n_parallel=0)
    with pytest.raises(VsBenchError, match="unknown model arg"):
        smol(nctx=10)
    with pytest.raises(VsBenchError, match="is not a file"):
        smol(model_path="/nonexistent.gguf")


def test_missing_extra_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # import now raises ImportError
    with pytest.raises(VsBenchError, match=r"pip install 'vs-bench\[local\]'"):
        get_model("local/smollm2-135m", memoize=False)


def test_qwen_chunks_are_joined_verified_and_refused_on_mismatch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VS_BENCH_CACHE_DIR", str(tmp_path))
    target = tmp_path / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
    target.write_bytes(b"a truncated copy")
    assert model_files.qwen_file() == target  # a damaged copy is re-joined from the chunks
    assert model_files._sha256(target) == model_files.QWEN_SHA256
    target.unlink()
    monkeypatch.setattr(model_files, "QWEN_SHA256", "0" * 64)
    with pytest.raises(VsBenchError, match="refusing to load it: run pip install --force"):
        model_files.qwen_file()
    assert list(tmp_path.iterdir()) == []  # nothing unverified is left behind


def test_a_prompt_longer_than_the_context_ends_with_model_length() -> None:
    output = generate(GenerateConfig(max_tokens=4), "sea " * 1000, model=smol(n_ctx=256))
    assert output.stop_reason == "model_length"
    assert output.completion == ""
