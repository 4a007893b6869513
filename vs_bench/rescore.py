"""Re-scoring of response files: the core of ``vs-bench score``.

A response file is JSONL in the paper's shape, one line per model call::

    {"prompt": str, "responses": [{"text": str, "probability": float} | str, ...]}

Lines are grouped by prompt in order of first appearance, and each group (all the
texts of one prompt) is scored as its task family's spec says (``tasks._family``):
an answer-set family names the answer set of a prompt (``answers``), scored by the
distribution metrics and, where responses state probabilities, the calibration keys;
any other family has its own ``rescore(prompt, texts, probabilities)``. Run-level
values are the mean over prompts where a metric is defined (NaN = undefined), as in
the Inspect runs; the count keys of the metric catalogue are summed instead. A family
with ``rescore_run`` (persuasion's donation metrics) gives its run-level values from
every response of the file pooled.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from vs_bench.answer_set import AnswerSet
from vs_bench.errors import VsBenchError
from vs_bench.formats import FORMATS
from vs_bench.metrics.catalogue import run_level
from vs_bench.metrics.creativity import creativity_scores, mean_over_texts
from vs_bench.metrics.prompt_scores import calibration_score, distribution_score
from vs_bench.registry import Family, families, reference_for

if TYPE_CHECKING:
    from vs_bench.corpus import Corpus

# Replies were parsed before they were written, so parse failures are not in the file,
# nor how many candidates a reply gave beyond or short of the k asked.
_UNKNOWN_IN_FILES = ("parse_failures", "parse_failure_rate", "over_delivered", "under_delivered")


def answer_set_scoring(prompt: str, texts: list[str]) -> dict[str, float]:
    """Distribution metrics of the texts over the answer set of a known prompt."""
    answers = reference_for(prompt)
    if answers is None:
        raise VsBenchError(
            f"no answer set is known for the prompt {prompt[:80]!r}: "
            "pass --ground-truth FILE.json holding that question"
        )
    return answer_set_values(answers, [Response(t, None) for t in texts])


def answer_set_values(answers: AnswerSet, responses: list[Response]) -> dict[str, float]:
    """Distribution metrics of one prompt's responses over ``answers``, and the calibration
    keys (calib_ece, ...) of the stated probabilities when any response states one."""
    from vs_bench.draws import Draw, SampleDraws

    counts, invalid = answers.counts([r.text for r in responses])
    scores = distribution_score(counts, invalid)
    values = {key: value for key, value in scores.items() if key not in _UNKNOWN_IN_FILES}
    if any(r.probability is not None for r in responses):
        draws = [Draw(r.text, r.probability, r.call, 0) for r in responses]
        values |= calibration_score(SampleDraws(requested=len(draws), draws=draws), answers)
    return values


def family_spec(task: str) -> Family:
    """The spec of ``task``'s family; ``<family>_<format>`` task names are accepted too."""
    specs = families()
    if task not in specs:
        task = next((task.removesuffix(f"_{f}") for f in FORMATS if task.endswith(f"_{f}")), task)
    if task not in specs:
        choices = "|".join(specs)
        raise VsBenchError(f"vs-bench score knows no task {task!r}: pass --task <{choices}>")
    return specs[task]


class Response(NamedTuple):
    text: str
    probability: float | None
    call: int = 0  # the line of the file (one call) among its prompt's lines


def _response(item: Any) -> Response | None:
    """A string or {"text", "probability"} response; None if malformed."""
    if isinstance(item, str):
        return Response(item, None)
    text = item.get("text") if isinstance(item, dict) else None
    if isinstance(text, str):
        probability = item.get("probability")
        if probability is None or (
            isinstance(probability, int | float) and not isinstance(probability, bool)
        ):
            return Response(text, None if probability is None else float(probability))
    return None


def read_responses(path: str | Path) -> dict[str, list[str]]:
    """Prompt -> its response texts, prompts in order of first appearance.

    A malformed line raises ``FILE:LINE: reason``; blank lines are skipped.
    """
    return {
        prompt: [r.text for r in responses]
        for prompt, responses in read_response_items(path).items()
    }


def read_response_items(path: str | Path) -> dict[str, list[Response]]:
    """Prompt -> its responses (text, stated probability), as ``read_responses``."""
    file = Path(path)
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise VsBenchError(f"{file}: no such file: pass --responses <JSONL file>") from None
    except (OSError, UnicodeDecodeError) as ex:
        raise VsBenchError(f"{file}: cannot be read ({ex})") from None
    shape = '{"prompt": str, "responses": [{"text": str, "probability": float} | str, ...]}'
    groups: dict[str, list[Response]] = {}
    calls: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{file}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as ex:
            raise VsBenchError(f"{where}: not valid JSON ({ex.msg}, column {ex.colno})") from None
        if not isinstance(record, dict):
            raise VsBenchError(f"{where}: expected an object {shape}")
        prompt, responses = record.get("prompt"), record.get("responses")
        if not isinstance(prompt, str):
            raise VsBenchError(f'{where}: "prompt" must be a string; expected {shape}')
        if not isinstance(responses, list):
            raise VsBenchError(f'{where}: "responses" must be a list; expected {shape}')
        items: list[Response] = []
        call = calls[prompt] = calls.get(prompt, -1) + 1
        for index, item in enumerate(responses):
            response = _response(item)
            if response is None:
                raise VsBenchError(
                    f"{where}: response {index} is not a string or "
                    '{"text": str, "probability": number}'
                )
            items.append(response._replace(call=call))
        groups.setdefault(prompt, []).extend(items)
    if not groups:
        raise VsBenchError(f"{file}: no responses: pass a file with one JSON line per call")
    return groups


def score_responses(
    path: str | Path,
    task: str,
    ground_truth: Mapping[str, AnswerSet] | None = None,
    corpus: Corpus | None = None,
) -> dict[str, Any]:
    """Run-level metrics, the total ``n`` and ``per_prompt`` rows of a response file.

    ``ground_truth``: question -> answer set (``--ground-truth``) for an answer-set
    family; a prompt it holds is scored against it, others against the family's own.
    ``corpus`` (creative families, ``--corpus-index``): adds the creativity index, each
    prompt's row holding its texts' values (``creativity_per_text``).
    """
    spec = family_spec(task)
    if ground_truth is not None and spec.answers is None:
        raise VsBenchError(f"--ground-truth applies to answer-set tasks, not {task}: drop it")
    if corpus is not None and spec.kind != "creative":
        raise VsBenchError(f"--corpus-index applies to the creative tasks, not {task}: drop it")
    per_prompt: list[dict[str, Any]] = []
    every: list[str] = []  # all texts of the file, for a family's run-level values
    for prompt, responses in read_response_items(path).items():
        texts = [r.text for r in responses]
        every += texts
        if spec.answers is not None:
            known = (ground_truth or {}).get(prompt)
            values = answer_set_values(known or spec.answers(prompt), responses)
        else:
            assert spec.rescore is not None, f"family {spec.name} declares no rescoring"
            values = spec.rescore(prompt, texts, [r.probability for r in responses])
        row: dict[str, Any] = {"prompt": prompt, **values, "n": len(texts)}
        if corpus is not None:
            found = creativity_scores(corpus, texts)
            row |= found.values
            row["creativity_per_text"] = [None if math.isnan(v) else v for v in found.per_text]
        per_prompt.append(row)
    # every metric key of any prompt (calibration only where probabilities were stated)
    keys = list(dict.fromkeys(
        k for row in per_prompt for k in row
        if k not in ("prompt", "n") and not isinstance(row[k], list)
    ))
    for row in per_prompt:
        for key in keys:
            row.setdefault(key, math.nan)
    result: dict[str, Any] = {k: run_level(k, [row[k] for row in per_prompt]) for k in keys}
    if corpus is not None:  # the run's creativity index: the mean over texts, not prompts
        result["creativity_index"] = mean_over_texts(
            math.nan if v is None else v for row in per_prompt for v in row["creativity_per_text"])
    if spec.rescore_run is not None:  # values of all responses pooled, not a mean of prompts
        result |= spec.rescore_run(every)
    result |= {"n": sum(row["n"] for row in per_prompt), "prompts": len(per_prompt)}
    return result | {"per_prompt": per_prompt}


def to_json(result: dict[str, Any]) -> str:
    """JSON text with undefined values (NaN) as null."""

    def clean(value: Any) -> Any:
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(result), indent=1, ensure_ascii=False, allow_nan=False)
