"""A log folder for the leaderboard and plot tests: random/python and a collapsed model.

Three tasks x two models: ``ranges`` (six prompts: CIs over prompts), ``rand_num``
(one prompt, four epochs: CIs over epochs) and ``dice`` (one prompt, one epoch: no CI).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from inspect_ai import Task, task
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import Sample
from inspect_ai.model import Model, get_model
from matplotlib import image

from tests.utils.collapsed_model import collapsed_reply
from vs_bench._registry import TASKS
from vs_bench.answer_set import AnswerSet
from vs_bench.scorers import distribution_scorer
from vs_bench.tasks._common import build_task
from vs_bench.tasks.numbers import RAND_NUM_PROMPT

MODELS = ("random/python", "scripted/collapsed")
RANGE_FORMATS = ("direct", "sequence", "vs_standard")
HIGHS = (3, 4, 5, 6, 7, 9)


@task(name="ranges")
def ranges(format: str = "direct", n: int = 20) -> Task:
    """Six rand_num prompts with different ranges: a multi-prompt task."""
    samples = [
        Sample(input=RAND_NUM_PROMPT.format(low=0, high=high), id=high,
               metadata={"answer_set": AnswerSet.of_labels(range(high + 1)).to_metadata()})
        for high in HIGHS
    ]
    built: Task = build_task(samples, distribution_scorer(), format=format, n=n, k=5, m=None,
                             temperature=0.7, top_p=1.0, tail=None,
                             probability_definition=None, plausible=True)
    return built


def models() -> list[Model]:
    return [get_model(MODELS[0]), get_model(MODELS[1], replies=[collapsed_reply()])]


def make_logs(folder: Path) -> Path:
    """Write the fixture logs into ``folder`` once (later calls reuse them)."""
    if any(folder.glob("*.eval")):
        return folder
    common: dict[str, Any] = {"log_dir": str(folder), "seed": 1, "display": "none"}
    inspect_eval([ranges(format=f) for f in RANGE_FORMATS], model=models(), **common)
    inspect_eval([TASKS[f"rand_num_{f}"](n=20) for f in ("direct", "vs_standard")],
                 model=models(), epochs=4, **common)
    inspect_eval([TASKS["dice_direct"](n=30)], model=models(), **common)
    return folder


def distinct_colours(png: Path) -> int:
    """How many colours an image uses: a blank or one-colour canvas has one or two."""
    pixels = np.round(image.imread(png) * 255).astype(np.uint32)
    packed = pixels @ (256 ** np.arange(pixels.shape[2], dtype=np.uint32))
    return len(np.unique(packed))


def persuasion_and_poem_logs(
    folder: Path, seed: int, dialogues: int, poem_prompts: int, poem_formats: tuple[str, ...]
) -> Path:
    """random/python logs of persuasion (direct, vs_standard; ``dialogues`` each) and of
    poems scored against a corpus index of four shipped poems, in ``folder / "logs"``."""
    import json

    from vs_bench import corpus as corpora
    from vs_bench.tasks._family import canned_texts

    poems = list(canned_texts()["poem"])
    (folder / "corpus.jsonl").write_text("".join(json.dumps({"text": p}) + "\n"
                                                 for p in poems[:4]))
    corpora.build_index([folder / "corpus.jsonl"], folder / "idx")
    logs = folder / "logs"
    common: dict[str, Any] = {"model": "random/python", "seed": seed, "display": "none",
                              "log_dir": str(logs)}
    inspect_eval([TASKS[f"persuasion_{f}"](limit=dialogues) for f in ("direct", "vs_standard")],
                 **common)
    inspect_eval([TASKS[f"poem_{f}"](n=4, k=4, limit=poem_prompts, corpus_index=str(folder / "idx"))
                  for f in poem_formats], **common)
    return logs
