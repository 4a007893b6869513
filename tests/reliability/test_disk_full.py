"""A log folder whose disk fills: vs-bench run stops with one line naming the folder,
and the logs of finished work stay readable.

The disk is a real tmpfs, so the error is the kernel's ENOSPC wherever Inspect or
vs-bench writes: mounted in a user and mount namespace of its own (``unshare``; no
root needed where the kernel allows unprivileged user namespaces), it lives as long as
the shell that runs the command, which copies the folder out before it ends. The folder
starts with the log of a finished eval (written here, by Inspect's eval in this
process: one interpreter start fewer than a first ``vs-bench run``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import list_eval_logs, read_eval_log

from vs_bench._registry import TASKS
from vs_bench.draws import SampleDraws

VS_BENCH = str(Path(sys.executable).with_name("vs-bench"))
FINISHED_DRAWS = 20
RUN = ("--tasks", "rand_num,dice,state_name", "--formats", "direct,vs_standard", "--n", "50")
ROOM_KIB = 32  # left on the disk for the run: room for its logs to start, not to finish
NO_TMPFS = 99
# $1 folder of the disk, $2 the finished log's folder, $3 the folder the disk's files are
# copied to, $4 vs-bench; the disk shrunk to the finished log plus ROOM_KIB
SCRIPT = f"""
set -u
disk=$1 finished=$2 out=$3 vsb=$4
mount -t tmpfs -o size=1m tmpfs "$disk" || exit {NO_TMPFS}
cp -a "$finished" "$disk/logs"
used=$(du -sk "$disk" | cut -f1)
mount -o remount,size=$((used + {ROOM_KIB}))k "$disk" || exit {NO_TMPFS}
"$vsb" run --model random/python {' '.join(RUN)} --log-dir "$disk/logs" > "$out/run.txt" 2>&1
code=$?
cp -a "$disk/logs" "$out/after"
exit $code
"""
PROGRESS = re.compile(r"^\[\s*\d+ s\] ")  # vs-bench run's line per finished prompt


def test_a_full_disk_stops_the_run_with_one_line_and_keeps_finished_logs(
    tmp_path: Path,
) -> None:
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1) to mount a small tmpfs")
    disk, finished, out = tmp_path / "disk", tmp_path / "finished", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    (first,) = inspect_eval(
        TASKS["rand_num_direct"](n=FINISHED_DRAWS), model="random/python",
        log_dir=str(finished), display="none",
    )
    assert first.status == "success"
    done = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", SCRIPT, "sh",
         str(disk), str(finished), str(out), VS_BENCH],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
        # as a shell's: with the source tree on PYTHONPATH its build's egg-info hides
        # the editable install from Inspect
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    if done.returncode == NO_TMPFS or "unshare failed" in done.stderr:
        pytest.skip(f"no tmpfs in a user namespace here: {done.stderr.strip()}")
    output = (out / "run.txt").read_text()
    assert done.returncode == 2, output  # vs-bench's exit for an error it names
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    # the run's progress lines, then one line that names the folder and the way out
    assert [line for line in lines if not PROGRESS.match(line)] == [lines[-1]], output
    assert lines[-1].startswith(f"error: no space left on the disk of the log folder {disk}/logs")
    assert "pass --log-dir" in lines[-1] and "run the same command again" in lines[-1]

    # the finished log is as it was, and reads back whole
    name = Path(first.location).name
    assert (out / "after" / name).read_bytes() == Path(first.location).read_bytes()
    log = read_eval_log(str(out / "after" / name))
    assert log.status == "success" and log.samples is not None and len(log.samples) == 1
    assert len(SampleDraws.load(log.samples[0].store).draws) == FINISHED_DRAWS
    # every log left in the folder reads back; each finished one with all its samples
    logs = [read_eval_log(info) for info in list_eval_logs(str(out / "after"))]
    finished_logs = [log for log in logs if log.status == "success"]
    assert name in {Path(log.location).name for log in finished_logs}
    for found in finished_logs:
        assert found.results is not None and found.samples is not None
        assert len(found.samples) == found.results.completed_samples > 0
    print(f"\nfull disk: {len(logs)} logs left, {len(finished_logs)} finished, "
          f"{len(lines) - 1} prompts done; the run ended with: {lines[-1]}")
