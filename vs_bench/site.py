"""The front page of ``vs-bench bundle``'s static site: the report's summary and links to
the leaderboard page, Inspect's viewer bundle and the plots."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def index_html(summary: str, figures: Sequence[Path]) -> str:
    """The page: ``summary`` (the report's HTML), then the links; ``figures``: the PNGs
    under ``plots/``."""
    links = "".join(f'<li><a href="plots/{p.name}">{p.stem}</a></li>' for p in figures)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>vs-bench</title></head><body>"
        f"<h1>vs-bench</h1>{summary}<ul><li><a href='leaderboard.html'>leaderboard</a></li>"
        "<li><a href='viewer/index.html'>Inspect log viewer</a> (serve the folder over HTTP, "
        f"e.g. python -m http.server)</li></ul><h2>plots</h2><ul>{links}</ul></body></html>\n"
    )


def write_index(site: Path, summary: str, figures: Sequence[Path]) -> Path:
    """``site/index.html``."""
    path = site / "index.html"
    path.write_text(index_html(summary, figures), encoding="utf-8")
    return path
