"""Rebuild this folder's data from PersuasionForGood's original files (``data/FullData/``).

    python tasks/data/persuasion/regenerate.py PATH/TO/FullData

reads ``full_info.csv`` and ``full_dialog.csv`` there and writes, beside this script:

- ``human_donations.csv``: every persuadee donation in [0, 2] (982 rows: dialogue id,
  donation), the human reference of the donation metrics;
- ``dialogues.jsonl``: the evaluation split, ``SPLIT_SIZE`` dialogues drawn with
  ``random.Random(SPLIT_SEED)`` from the eligible ones (sorted by id): the persuadee's
  background and traits (the ``*.x`` columns, scores rounded to 2 decimals), its donation,
  and the persuader's utterances, one string per turn (a turn's sentences joined).

A dialogue is eligible when its persuadee's donation is in [0, 2], the persuadee's
background and traits are complete (no ``*.x`` field missing: 975 of the 982) and the
dialogue has at least one persuader turn in ``full_dialog.csv``.
"""

from __future__ import annotations

import csv
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
SPLIT_SEED = 2019
SPLIT_SIZE = 200
PERSUADER, PERSUADEE = "0", "1"
MISSING = ("", "NA", "nan")
MAX_DONATION = 2.0


def _number_or_text(value: str) -> float | str:
    """A survey score rounded to 2 decimals (the file stores 2.333333333), else the text."""
    try:
        return round(float(value), 2)
    except ValueError:
        return value.strip()


def _complete(row: dict[str, str]) -> bool:
    return all(v.strip() not in MISSING for k, v in row.items() if k.endswith(".x"))


def build(
    source: Path, size: int = SPLIT_SIZE, seed: int = SPLIT_SEED
) -> tuple[list[tuple[str, float]], list[dict[str, object]]]:
    """The human donations (id, amount) and the evaluation split's ``size`` dialogues."""
    with (source / "full_info.csv").open(encoding="utf-8", newline="") as file:
        persuadees = [row for row in csv.DictReader(file) if row["B4"] == PERSUADEE]
    turns: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    with (source / "full_dialog.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            if row["B4"] == PERSUADER and row["Unit"].strip():
                turns[row["B2"]][int(row["Turn"])].append(row["Unit"].strip())
    donations = [
        (row["B2"], float(row["B6"]))
        for row in persuadees
        if 0.0 <= float(row["B6"]) <= MAX_DONATION
    ]
    valid = {dialogue for dialogue, _ in donations}
    eligible = sorted(
        row["B2"]
        for row in persuadees
        if row["B2"] in valid and turns[row["B2"]] and _complete(row)
    )
    chosen = random.Random(seed).sample(eligible, size)
    by_id = {row["B2"]: row for row in persuadees}
    dialogues: list[dict[str, object]] = []
    for dialogue in chosen:
        row = by_id[dialogue]
        persona = {
            key.removesuffix(".x"): _number_or_text(value)
            for key, value in row.items()
            if key.endswith(".x")
        }
        persuader = [" ".join(units) for _, units in sorted(turns[dialogue].items())]
        dialogues.append(
            {"id": dialogue, "donation": float(row["B6"]), "persona": persona,
             "persuader": persuader}
        )
    return donations, dialogues


def main(source: Path) -> None:
    donations, dialogues = build(source)
    with (HERE / "human_donations.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["dialogue_id", "donation"])
        writer.writerows((dialogue, f"{amount:g}") for dialogue, amount in donations)
    with (HERE / "dialogues.jsonl").open("w", encoding="utf-8") as file:
        for dialogue in dialogues:
            file.write(json.dumps(dialogue, ensure_ascii=False) + "\n")
    print(f"{len(donations)} human donations, {len(dialogues)} dialogues written to {HERE}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tasks/data/persuasion/regenerate.py PATH/TO/FullData")
    main(Path(sys.argv[1]))
