"""Speed of the creativity index on a local index, against the engine's own query.

Builds a synthetic corpus (random words of a 20,000-word vocabulary, documents of
100-2,000 words; default 20 MB) into a local index with ``vs_bench.corpus.build_index``
(timed), then scores T texts of W words (default 50 x 200: runs of 1-15 corpus words,
each followed by an invented word) two ways, and prints ms per text and the ratio:

- ours: ``LocalIndex.matches``, ``count`` queries of padded word spans, at most 2n;
- baseline: infini-gram's ``creativity`` query over the padded text (the longest match
  from every byte), its byte positions mapped to words.

Both must give the same creativity index for every text. Exit status 1 if they differ
or ours is not at least ``SPEED_UP_TARGET`` times faster.

    .venv/bin/python benchmarks/creativity_index.py [--megabytes 20 --texts 50 --words 200]
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from vs_bench.corpus import LocalIndex, build_index
from vs_bench.metrics.creativity import MAX_SPAN, creativity_index, padded, words

SPEED_UP_TARGET = 2.0


def corpus(path: Path, megabytes: float, rng: random.Random) -> list[list[str]]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 9)))
                  for _ in range(20_000)]
    documents, size = [], 0
    with path.open("w", encoding="utf-8") as sink:
        while size < megabytes * 1e6:
            document = [rng.choice(vocabulary) for _ in range(rng.randint(100, 2000))]
            line = json.dumps({"text": " ".join(document)}) + "\n"
            sink.write(line)
            size += len(line)
            documents.append(document)
    return documents


def texts(documents: list[list[str]], count: int, length: int, rng: random.Random) -> list[str]:
    made = []
    for _ in range(count):
        tokens: list[str] = []
        while len(tokens) < length:
            document = rng.choice(documents)
            start = rng.randrange(len(document) - 16)
            tokens += document[start : start + rng.randint(1, 15)]
            tokens.append(f"zq{rng.randrange(10**9)}")
        made.append(" ".join(tokens[:length]))
    return made


def baseline_matches(index: LocalIndex, text: str) -> list[int]:
    """Longest corpus span per word from the engine's per-byte ``creativity`` answer: the
    words i..j-1 occur when the match from the space before word i passes the space
    after word j-1."""
    tokens = words(text)
    offsets = [0]  # byte offset of the space before each word, then of the final space
    for token in tokens:
        offsets.append(offsets[-1] + 1 + len(token.encode("utf-8")))
    answer: dict[str, Any] = dict(
        index.engine.creativity(input_ids=list(padded(tokens).encode("utf-8")))
    )
    ends: list[int] = answer["rs"]
    found = []
    for i in range(len(tokens)):
        j = bisect.bisect_right(offsets, ends[offsets[i]] - 1) - 1
        found.append(min(max(j - i, 0), MAX_SPAN))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=20.0)
    parser.add_argument("--texts", type=int, default=50)
    parser.add_argument("--words", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "corpus.jsonl"
        documents = corpus(source, args.megabytes, rng)
        started = time.perf_counter()
        summary = build_index([source], Path(work) / "index")
        built = time.perf_counter() - started
        print(f"index: {summary.documents} documents, {summary.words} words, "
              f"{summary.bytes / 1e6:.1f} MB stored: built in {built:.1f} s")
        index = LocalIndex(Path(work) / "index")
        chosen = texts(documents, args.texts, args.words, rng)
        timings, values = {}, {}
        for name, method in (("ours", index.matches),
                             ("baseline", lambda t: baseline_matches(index, t))):
            started = time.perf_counter()
            values[name] = [creativity_index(method(t)) for t in chosen]
            timings[name] = (time.perf_counter() - started) / len(chosen)
            print(f"{name:9s}: {timings[name] * 1000:.1f} ms per text of {args.words} words")
    same = values["ours"] == values["baseline"]
    ratio = timings["baseline"] / timings["ours"]
    mean = sum(values["ours"]) / len(chosen)
    print(f"speed-up {ratio:.2f}x (target >= {SPEED_UP_TARGET}); same index for all "
          f"{len(chosen)} texts: {same}; mean creativity index {mean:.3f}")
    return 0 if same and ratio >= SPEED_UP_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
