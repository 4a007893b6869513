"""The package as a user gets it: ``python -m build`` gives an sdist and a wheel (built
from that sdist) that install into a fresh virtual environment and run there.

The fresh environment gets the dependencies from this one (a path line, not an install,
so the test needs no network) and vs-bench itself only from the wheel; the checks
then prove that the wheel's own copy ran, task data included.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# what a clone holds beyond the source: environments, caches, build output, logs
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "__pycache__",
    "*.egg-info",
    "build",
    "dist",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "logs",
    "plots",
    "responses",
)


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdist and wheel of a copy of the source tree (the build writes next to its source)."""
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    out = work / "dist"
    # no isolation: the build backend (setuptools) comes from this environment, offline
    log = _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), "."], source)
    # a setuptools warning (e.g. a data folder left out of the packages) is a defect
    assert "WARNING" not in log.replace("byte-compiling is disabled", ""), log
    return out


def _data_files(names: list[str], prefix: str) -> set[str]:
    return {n.removeprefix(prefix) for n in names if n.startswith(prefix) and not n.endswith("/")}


# source folder -> its package in the wheel
PACKAGE_DIRS = {"vs_bench": "vs_bench", "tasks": "vs_bench/tasks", "scorers": "vs_bench/scorers"}


def test_the_wheel_carries_every_module(dist: Path) -> None:
    (wheel,) = dist.glob("vs_bench-*-py3-none-any.whl")
    modules = {
        f"{package}/{path.relative_to(ROOT / folder).as_posix()}"
        for folder, package in PACKAGE_DIRS.items()
        for path in (ROOT / folder).rglob("*.py")
    }
    with zipfile.ZipFile(wheel) as archive:
        missing = modules - set(archive.namelist())
    # a new sub-package needs its line in pyproject.toml's [tool.setuptools] packages
    assert not missing, sorted(missing)


def test_sdist_and_wheel_carry_every_task_data_file(dist: Path) -> None:
    (sdist,) = dist.glob("vs_bench-*.tar.gz")
    (wheel,) = dist.glob("vs_bench-*-py3-none-any.whl")
    expected = {
        str(p.relative_to(ROOT / "tasks" / "data"))
        for p in (ROOT / "tasks" / "data").rglob("*")
        # bytecode of the data folder's regenerate.py, which tests/test_persuasion.py
        # imports: written beside it, and rightly in neither archive
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert expected >= {"state_name.json", "open_qa.json", "poem.jsonl"}
    with zipfile.ZipFile(wheel) as archive:
        assert _data_files(archive.namelist(), "vs_bench/tasks/data/") == expected
        assert "vs_bench/tasks/eval.yaml" in archive.namelist()
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        # tar members of folders carry no trailing slash: list regular files only
        files = [m.name for m in archive.getmembers() if m.isfile()]
        assert _data_files(files, f"{top}/tasks/data/") == expected


def test_the_wheel_installs_in_a_fresh_venv_and_runs_an_eval(dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("vs_bench-*-py3-none-any.whl")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path)
    python = venv / "bin" / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            tmp_path,
        ).strip()
    )
    # the dependencies: this environment's packages, after the venv's own (a plain path
    # line, so that this environment's editable vs-bench is not activated there)
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            str(wheel),
        ],
        tmp_path,
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env |= {"INSPECT_DISPLAY": "plain", "INSPECT_LOG_DIR": str(tmp_path / "logs")}

    where = _run(
        [
            str(python),
            "-c",
            "import vs_bench.tasks.answer_sets as a; "
            "print(a.__file__); print(a.STATE_NAME_FILE.is_file())",
        ],
        tmp_path,
        env,
    )
    assert where.splitlines() == [str(site / "vs_bench" / "tasks" / "answer_sets.py"), "True"]
    listing = _run([str(venv / "bin" / "vs-bench"), "list"], tmp_path, env)
    assert "state_name" in listing and "vs_standard" in listing
    assert _run([str(venv / "bin" / "vs-bench"), "--version"], tmp_path, env).strip() == (
        "vs-bench 0.1.0"
    )
    # two packaged question sets (state_name.json, open_qa.json), the ideal sampler
    _run(
        [
            str(python),
            "-m",
            "inspect_ai",
            "eval",
            "vs_bench/state_name_vs_standard",
            "vs_bench/open_qa_direct",
            "--model",
            "random/python",
            "-T",
            "n=5",
            "-T",
            "k=5",
            "-T",
            "limit=1",
            "--log-dir",
            str(tmp_path / "logs"),
        ],
        tmp_path,
        env,
    )
    from inspect_ai.log import list_eval_logs, read_eval_log

    logs = [read_eval_log(info) for info in list_eval_logs(str(tmp_path / "logs"))]
    assert sorted(log.eval.task for log in logs) == [
        "vs_bench/open_qa_direct",
        "vs_bench/state_name_vs_standard",
    ]
    for log in logs:
        assert log.status == "success" and log.samples
        assert all(sample.scores for sample in log.samples)
