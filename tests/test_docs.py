"""The docs: the site builds with --strict, its generated tables come from the code,
every shell command of the README and the docs is run or checked, and the inspect_evals
linter finds the benchmark with no failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_families import colour  # noqa: F401  (the family docs/adding-a-task.md adds)
from tests.utils import forked_cli
from tests.utils.doc_commands import ROOT, Block, CommandError, all_blocks, check
from vs_bench.metrics.catalogue import CATALOGUE

BIN = Path(sys.executable).parent
BLOCKS = all_blocks()
# what a run block may read from the repository (its data files), linked into its folder
LINKED = (".venv", "tests", "tasks")


def test_readme_is_short_and_starts_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250
    head = "\n".join(lines[:30])
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # the test command is the one CI runs
    assert "bash .ci/install && .venv/bin/pytest" in ci
    assert "bash .ci/install && .venv/bin/pytest\n" in head
    assert "bash .ci/install && .venv/bin/vs-bench run\n" in head


def test_mkdocs_builds_strict_with_the_generated_tables(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    html = {p: p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    assert not [p for p, text in html.items() if "<!-- generated:" in text]
    metrics = (site / "metrics" / "index.html").read_text(encoding="utf-8")
    assert all(f"<code>{key}</code>" in metrics for key in CATALOGUE)
    cli = (site / "cli" / "index.html").read_text(encoding="utf-8")
    for command in ("run", "score", "leaderboard", "run-experiment", "analyze-results"):
        assert f"vs-bench {command}</code>" in cli
    # offline: no web font or script from another site
    assert not [p for p, text in html.items() if "fonts.googleapis.com" in text]


def test_every_page_has_shell_blocks_and_some_are_run() -> None:
    assert len(BLOCKS) >= 20
    assert sum(b.tag == "run" for b in BLOCKS) >= 10


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.tag != "walkthrough"],
                         ids=lambda b: b.where)
def test_every_documented_command_fits_the_command_line(block: Block) -> None:
    for words in block.commands():
        try:
            check(words)
        except CommandError as ex:
            pytest.fail(f"{block.where}: {' '.join(words)}: {ex}")


def test_the_checker_rejects_what_the_command_line_rejects() -> None:
    wrong = [
        ".venv/bin/vs-bench run --no-such-option",
        ".venv/bin/vs-bench run --model nosuch/model",
        ".venv/bin/inspect eval vs_bench/dice --model random/python -T words=3",
        ".venv/bin/inspect eval vs_bench/no_such_task --model random/python",
        ".venv/bin/inspect score --action replace logs/x.eval",
        "pip install 'vs-bench[nosuch]'",
        "pip install torch==0.0.1",
        ".venv/bin/vs-bench run-experiment --task dice",
        "curl https://example.org",
    ]
    for text in wrong:
        (words,) = Block(ROOT / "README.md", 0, None, text).commands()
        with pytest.raises(CommandError):
            check(words)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("docs-run")


# a page's blocks share its folder and run in order (pyproject: one worker per test file)
@pytest.mark.parametrize("block", [b for b in BLOCKS if b.tag == "run"], ids=lambda b: b.where)
def test_every_run_block_runs_offline(block: Block, scratch: Path) -> None:
    # one folder per page: a page's blocks run in order, later ones read earlier output
    folder = scratch / block.page.relative_to(ROOT).as_posix().replace("/", "_")
    if not folder.exists():
        folder.mkdir()
        for name in LINKED:
            (folder / name).symlink_to(ROOT / name)
    env: dict[str, str | None] = {
        "INSPECT_LOG_DIR": str(folder / "logs"), "HF_HUB_OFFLINE": "1",
        "INSPECT_DISPLAY": "none", "NO_COLOR": "1",
    }
    for words in block.commands():
        program = Path(words[0]).name
        if program in forked_cli.ENTRY_POINTS:
            # a console script forked from a server that imported Inspect once: a real
            # process, without the seconds of imports each fresh interpreter pays
            args = [a for w in words[1:] for a in (_expand(w, folder) if "*" in w else [w])]
            result = forked_cli.run(program, args, folder, env, timeout=600)
            code, output = result.code, result.output
        else:
            done = subprocess.run(
                words, cwd=folder, env={k: v for k, v in (os.environ | env).items() if v},
                capture_output=True, text=True, timeout=600,
            )
            code, output = done.returncode, done.stdout + done.stderr
        assert code == 0, f"{block.where}: {' '.join(words)}\n{output[-4000:]}"


def _expand(word: str, folder: Path) -> list[str]:
    """A shell glob, as bash expands it in ``folder`` (the word itself when nothing matches)."""
    return sorted(str(p.relative_to(folder)) for p in folder.glob(word)) or [word]


@pytest.mark.usefixtures("colour")
def test_the_walkthrough_commands_fit_the_family_the_page_adds() -> None:
    from vs_bench import _registry

    _registry.register_tasks()
    walkthrough = [b for b in BLOCKS if b.tag == "walkthrough"]
    assert [b.page.name for b in walkthrough] == ["adding-a-task.md"]
    for words in walkthrough[0].commands():
        check(words)


def test_inspect_evals_lint_finds_the_benchmark_with_no_failure() -> None:
    result = subprocess.run(
        [str(BIN / "inspect-evals-lint"), "--all", "--output-format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    report = json.loads(result.stdout)
    assert [p["name"] for p in report["packages"] if p["kind"] == "eval"] == ["tasks"]
    failures = [
        f"{d['file']}:{d.get('line')}: {d['rule']}: {d['message']}"
        for p in report["packages"] for d in p["diagnostics"] if d["status"] == "fail"
    ]
    assert failures == [] and report["summary"]["fail"] == 0
    assert result.returncode == 0
