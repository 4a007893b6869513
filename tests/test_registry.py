"""The core's registry of task families (vs_bench/registry.py): filled by the task
packages of the ``vs_bench.families`` entry-point group, read by the core."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import pytest

import vs_bench.tasks
from vs_bench import registry
from vs_bench.errors import VsBenchError
from vs_bench.tasks import numbers

EXTRA = '''
from inspect_ai.dataset import Sample

from vs_bench.scorers import distribution_scorer
from vs_bench.tasks._family import family


@family(n=4, k=2, scorers=lambda own: [distribution_scorer()], kind="answer_set",
        primary="kl_mm")
def two_colours() -> list[Sample]:
    """Name one of two colours."""
    return [Sample(input="Red or blue?", metadata={"answer_set": [["red"], ["blue"]]})]
'''


def test_the_installed_package_declares_its_families_entry_point() -> None:
    (point,) = [p for p in entry_points(group=registry.GROUP) if p.name == "builtin"]
    assert point.value == "vs_bench.tasks"
    assert point.load() is vs_bench.tasks


def test_the_lookups_are_the_task_packages_lists() -> None:
    specs = registry.families()
    assert specs is vs_bench.tasks.SPECS and list(specs)[:2] == ["rand_num", "dice"]
    assert registry.task_functions()["dice"] is specs["dice"].task
    assert (specs["dice"].primary, specs["dice"].higher_is_better) == ("kl_mm", False)
    assert registry.reference_for(numbers.DICE_PROMPT) is numbers.DICE_ANSWERS
    assert registry.reference_for("a prompt of no family") is None
    assert len(registry.human_reference("persuasion")) == 982  # the PersuasionForGood donations
    assert registry.human_reference("dice") == ()
    assert len(registry.canned("poem").canonical) > 1


@pytest.fixture
def reloaded(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The registry as before its first lookup; its lists restored afterwards."""
    saved = [(d, dict(d)) for d in (registry.REGISTRY, registry.SPECS, registry.FAMILIES)]
    monkeypatch.setattr(registry, "_DONE", [False])
    monkeypatch.setattr(registry, "_LOADED", set())
    yield
    for found, before in saved:
        found.clear()
        found.update(before)


def test_a_second_package_of_families_is_a_second_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reloaded: None
) -> None:
    (tmp_path / "more_families.py").write_text(EXTRA, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    points = [
        EntryPoint("builtin", "vs_bench.tasks", registry.GROUP),
        EntryPoint("more", "more_families", registry.GROUP),
    ]
    monkeypatch.setattr(registry, "entry_points", lambda group: points)
    try:
        specs = registry.families()
        # after the builtin families, in the order they registered; the core edited nothing
        assert list(specs)[-1] == "two_colours"
        assert {s.builder.__module__.split(".")[1] for s in list(specs.values())[:-1]} == {"tasks"}
        task = registry.task_functions()["two_colours"](format="vs_standard")
        assert [str(s.input) for s in task.dataset] == ["Red or blue?"]
    finally:
        sys.modules.pop("more_families", None)


def test_no_registered_package_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, reloaded: None
) -> None:
    monkeypatch.setattr(registry, "entry_points", lambda group: [])
    with pytest.raises(VsBenchError, match=r"reinstall vs-bench \(pip install -e \.") as error:
        registry.families()
    assert "\n" not in str(error.value)
