"""Convert the paper authors' stored state-probe outputs to the JSONL of ``vs-bench score``.

Run once from the repository root with the folder of the stored files::

    python tests/data/state_probe/convert.py PATH/state_probe

direct: one line per sample (each state repeated by its stored count); sequence and
VS: one line holding the call's list, with the stored verbalized probabilities.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PROMPT = "Name a US state."
OUT = Path(__file__).parent


def main(source: Path) -> None:
    for model in ("gpt-4.1", "claude-4-sonnet"):
        direct = json.loads((source / f"direct_{model}.json").read_text())
        lines = [
            {"prompt": PROMPT, "responses": [state]}
            for state, entry in direct.items()
            for _ in range(entry["count"])
        ]
        write(OUT / f"direct_{model}.jsonl", lines)
        for method in ("sequence", "vs"):
            stored = json.loads((source / f"{method}_{model}.json").read_text())
            responses = [
                {"text": r["text"], "probability": r["probability"]} for r in stored["responses"]
            ]
            write(OUT / f"{method}_{model}.jsonl", [{"prompt": PROMPT, "responses": responses}])


def write(path: Path, lines: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
