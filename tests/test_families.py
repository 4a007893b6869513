"""Families declared once: the registry, eval.yaml, and the docs' "Adding a task" done
for real (one module + one data file, nothing else edited)."""

from __future__ import annotations

import inspect
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from inspect_ai.log import read_eval_log
from inspect_ai.model import ChatMessageSystem, ChatMessageUser

import vs_bench.tasks
from tests.utils.cli import run_cli
from vs_bench import _registry
from vs_bench.answer_set import AnswerSet
from vs_bench.formats import (
    REQUEST_KEY,
    Budget,
    Format,
    PromptOptions,
    followup_prompt,
    request_metadata,
    system_prompt,
)
from vs_bench.ideal import IDEAL_KEY, answers_of, of_answers
from vs_bench.providers.random_python import sampler_request
from vs_bench.tasks import FAMILIES, ORDER, SPECS
from vs_bench.tasks._family import REGISTRY, SHARED_ARGS, shared_parameters
from vs_bench.tasks.answer_sets import read_ground_truth

ROOT = Path(__file__).resolve().parents[1]
EVAL_YAML = Path(vs_bench.tasks.__file__).parent / "eval.yaml"
SHARED = [p.name for part in shared_parameters(1, 1) for p in part]


def shipped() -> list[str]:
    """The families of the repository's own modules."""
    return [s.name for s in SPECS.values() if s.builder.__module__.rsplit(".", 1)[-1] in ORDER]


# ------------------------------------------------------------------------- the registry


def test_eval_yaml_matches_the_registry() -> None:
    meta = yaml.safe_load(EVAL_YAML.read_text(encoding="utf-8"))
    assert meta["arxiv"] == "https://arxiv.org/abs/2510.01171"
    assert [t["name"] for t in meta["tasks"]] == shipped()
    for entry in meta["tasks"]:
        spec = SPECS[entry["name"]]
        task = spec.task()  # the defaults: every shipped prompt
        assert (task.version, spec.version) == (entry["version"], entry["version"])
        assert len(task.dataset) == entry["dataset_samples"], entry["name"]
        assert spec.n == entry["draws_per_sample"], entry["name"]


def test_shared_parameters_are_written_once() -> None:
    assert len(SHARED) == 10
    for name, function in FAMILIES.items():
        parameters = list(inspect.signature(function).parameters)
        # the shared ones in their place around the family's own
        assert parameters[:4] == SHARED[:4] and parameters[-6:] == SHARED[4:], name
        assert function.__doc__ is not None and "Args:" in function.__doc__
        assert function.__doc__.rstrip().endswith(SHARED_ARGS.rstrip()), name
    for module in ORDER:
        source = (ROOT / "tasks" / f"{module}.py").read_text(encoding="utf-8")
        assert "probability_definition" not in source and "top_p" not in source, module


@pytest.mark.parametrize("name", list(SPECS))
def test_every_sample_carries_what_random_python_draws(name: str) -> None:
    spec = SPECS[name]
    task = spec.task(limit=3)
    for sample in task.dataset:
        assert sample.metadata is not None
        answers = answers_of(sample.metadata[IDEAL_KEY])
        if "answer_set" in sample.metadata:  # the labels of its own answer set
            labels = [g[0] for g in sample.metadata["answer_set"]]
            assert answers.canonical == list(dict.fromkeys(labels))
        elif spec.ideal:  # else the family's canned texts
            assert answers.size >= 3


def test_a_creative_family_without_canned_texts_gets_every_creative_text() -> None:
    from vs_bench.tasks.creative import CREATIVE, creative_family

    before = dict(REGISTRY)
    try:
        creative_family("limerick", words=None, rubric="joke", doc="A limerick.")
        assert REGISTRY["limerick"].ideal == CREATIVE
    finally:
        REGISTRY.clear()
        REGISTRY.update(before)


def test_a_family_naming_unknown_canned_texts_is_refused_at_declaration() -> None:
    from vs_bench.errors import VsBenchError
    from vs_bench.tasks.creative import creative_family

    with pytest.raises(VsBenchError, match=r"no canned texts \['sonnet'\]"):
        creative_family("sonnet", words=14, rubric="creative", doc="A sonnet.", ideal=("sonnet",))
    assert "sonnet" not in REGISTRY


# ----------------------------------------------------------------------------- formats


def test_a_format_is_its_row() -> None:
    """A row not in FORMATS: its templates make the prompts, its data the request."""
    fmt = Format(
        "pairs",
        "list",
        batched=True,
        conversation=True,
        instruction="Give {k} {plausible}names.",
        block="Now {first}, as a list.",
        followup="{count} more.",
    )
    budget = Budget.make(fmt, 12, 6, 4)
    options = PromptOptions(plausible=True)
    assert system_prompt(fmt, budget, options) == "Give 6 plausible names.\n\nNow 4, as a list."
    assert followup_prompt(fmt, 2) == "2 more."
    first = request_metadata(fmt, options, 4, of_answers(AnswerSet.of_labels(["red", "green"])))
    later = request_metadata(fmt, options, 2)
    messages = [
        ChatMessageSystem(content="any wording"),
        ChatMessageUser(content="Name a colour.", metadata={REQUEST_KEY: first}),
        ChatMessageUser(content="something else", metadata={REQUEST_KEY: later}),
    ]
    request, answers = sampler_request(messages)  # what random/python reads
    assert (request.shape, request.count, request.field) == ("list", 2, None)
    assert answers.canonical == ["red", "green"]
    assert json.loads(request.render(["red", "green"], 0.5)) == ["red", "green"]


# -------------------------------------------------------- the docs' "Adding a task"


def readme_files() -> tuple[str, str]:
    """The data file and the module of the docs' "Adding a task" page."""
    section = (ROOT / "docs" / "adding-a-task.md").read_text(encoding="utf-8")
    (data,) = re.findall(r"```json\n(.*?)```", section, re.DOTALL)
    (module,) = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    return data, module


@pytest.fixture
def colour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """tasks/colour.py and tasks/data/colour.json, in a folder on the package's path."""
    folder = tmp_path / "tasks"
    (folder / "data").mkdir(parents=True)
    data, module = readme_files()
    (folder / "data" / "colour.json").write_text(data, encoding="utf-8")
    (folder / "colour.py").write_text(module, encoding="utf-8")
    monkeypatch.setattr(vs_bench.tasks, "__path__", [*vs_bench.tasks.__path__, str(folder)])
    saved = [(d, dict(d)) for d in (REGISTRY, SPECS, FAMILIES, _registry.TASKS)]
    yield folder
    for registry, before in saved:
        registry.clear()
        registry.update(before)
    sys.modules.pop("vs_bench.tasks.colour", None)


def test_adding_a_task_is_one_module_and_one_data_file(
    colour: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert "colour" not in FAMILIES
    logs = tmp_path / "logs"
    # what importing the package does in a new process: the module is found on the
    # package's path and registers its family; nothing else was edited
    _registry.register_tasks()
    assert Path(sys.modules["vs_bench.tasks.colour"].__file__ or "").parent == colour
    assert "colour" in FAMILIES and "colour_vs_standard" in _registry.TASKS
    code, out, err = run_cli(["list"], capsys, monkeypatch)
    assert code == 0 and "colour" in out

    # run with random/python
    code, out, err = run_cli(
        [
            "run",
            "--model",
            "random/python",
            "--tasks",
            "colour",
            "--formats",
            "direct,vs_standard",
            "--log-dir",
            str(logs),
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0, err
    assert "colour" in out
    runs = {}
    for path in logs.glob("*.eval"):
        log = read_eval_log(str(path))
        runs[log.eval.task] = log
    assert set(runs) == {"colour_direct", "colour_vs_standard"}
    for log in runs.values():
        assert log.status == "success" and log.eval.task_version == 1
        assert log.samples is not None and len(log.samples) == 1
        (sample,) = log.samples
        assert sample.scores is not None
        value = sample.scores["distribution_scorer"].value
        assert isinstance(value, dict)
        # the default N = 70 draws, every one a colour of the file (random/python drew
        # from the sample's answer set)
        assert value["n_valid"] == 70 and value["precision"] == 1.0
        assert value["parse_failures"] == 0

    # vs-bench score: seven colours once each (violet by its alias) and one non-colour:
    # coverage 7/7, precision 7/8, the draws uniform over the seven: KL = 0
    responses = tmp_path / "responses.jsonl"
    texts = ["red", "orange", "yellow", "green", "blue", "indigo", "Purple", "black"]
    responses.write_text(
        json.dumps({"prompt": "Name a colour of the rainbow.", "responses": texts}) + "\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(
        ["score", "--task", "colour", "--responses", str(responses), "--json"],
        capsys,
        monkeypatch,
    )
    assert code == 0, err
    result = json.loads(out)
    assert (result["coverage"], result["precision"], result["kl"]) == (1.0, 0.875, 0.0)
    assert result["n"] == 8

    # and the leaderboard shows it
    code, out, err = run_cli(["leaderboard", str(logs)], capsys, monkeypatch)
    assert code == 0, err
    assert "colour" in out and "random/python" in out

    # the data file is the docs', read as any question set
    (answers,) = read_ground_truth(colour / "data" / "colour.json").values()
    assert answers.size == 7 and answers.match("purple") == answers.canonical.index("violet")
