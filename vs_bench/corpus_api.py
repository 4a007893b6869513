"""infini-gram's public HTTP API as a reference corpus of the creativity index
(``-T corpus=api:<index>``; ``vs_bench.corpus`` describes both kinds of corpus).

One ``count`` query per word span; the span is sent as the text has it (its case and
punctuation, whitespace runs made one space), which the API matches on its Llama-2
token boundaries. Used only when the user asks for it: nothing here reaches the network
otherwise.
"""

from __future__ import annotations

import concurrent.futures
import json
import time
import urllib.error
import urllib.request
from typing import Any

from vs_bench.errors import VsBenchError
from vs_bench.metrics.creativity import MAX_SPAN, MIN_SPAN, prepared, tokenise

API_URL = "https://api.infini-gram.io/"
API_PREFIX = "api:"
API_CONCURRENCY = 8
API_TRIES = 3
API_TIMEOUT_S = 30.0


class ApiIndex:
    """An index of infini-gram's public HTTP API, by ``count`` queries of word spans."""

    def __init__(self, index: str, url: str = API_URL) -> None:
        self.index = index
        self.url = url

    @property
    def name(self) -> str:
        return f"{API_PREFIX}{self.index}"

    def count(self, query: str) -> int:
        """Occurrences of ``query`` in the index (retried on network and server errors)."""
        payload = json.dumps({"index": self.index, "query_type": "count", "query": query})
        request = urllib.request.Request(
            self.url, data=payload.encode("utf-8"), method="POST",
            headers={"Content-Type": "application/json"},
        )
        problem = ""
        for attempt in range(API_TRIES):
            if attempt:
                time.sleep(0.5 * 2**attempt)
            try:
                with urllib.request.urlopen(request, timeout=API_TIMEOUT_S) as response:
                    answer = json.loads(response.read())
            except urllib.error.HTTPError as ex:
                problem = f"HTTP {ex.code}"
                if ex.code < 500:  # the API refused the request itself: no retry helps
                    answer = _error_body(ex)
                else:
                    continue
            except (urllib.error.URLError, OSError, ValueError) as ex:
                problem = str(getattr(ex, "reason", ex))
                continue
            if isinstance(answer, dict) and "error" in answer:
                raise VsBenchError(f"infini-gram API, index {self.index}: {answer['error']}")
            if isinstance(answer, dict) and isinstance(answer.get("count"), int):
                return int(answer.get("count", 0))
            raise VsBenchError(f"infini-gram API, index {self.index}: no count in {answer!r:.100}")
        raise VsBenchError(
            f"infini-gram API at {self.url} unreachable after {API_TRIES} tries ({problem}): "
            "check the network, or use a local index (vs-bench index-corpus)"
        )

    def matches(self, text: str) -> list[int]:
        tokens = tokenise(text)
        source = prepared(text)
        n = len(tokens)

        def found(i: int, length: int) -> bool:
            span = source[tokens[i].start : tokens[i + length - 1].end]
            return self.count(" ".join(span.split())) > 0

        def longest(i: int) -> int:
            # occurrence shrinks with length: the longest of MIN_SPAN..MAX_SPAN by bisection
            low: int = MIN_SPAN
            high = min(MAX_SPAN, n - i)
            while low < high:
                middle = (low + high + 1) // 2
                low, high = (middle, high) if found(i, middle) else (low, middle - 1)
            return low

        matches = [0] * n
        with concurrent.futures.ThreadPoolExecutor(API_CONCURRENCY) as pool:
            starts = range(n - MIN_SPAN + 1)
            hits = [i for i, hit in zip(starts, pool.map(lambda i: found(i, MIN_SPAN), starts),
                                        strict=True) if hit]
            for i, length in zip(hits, pool.map(longest, hits), strict=True):
                matches[i] = length
        return matches


def _error_body(ex: urllib.error.HTTPError) -> Any:
    try:
        return json.loads(ex.read())
    except ValueError:
        return {"error": f"HTTP {ex.code}"}
