"""The fixed texts of a dialogue task: what the dialogue solver (``vs_bench.dialogue``)
runs and what the plan (``vs_bench.plan``) counts, declared by the family."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    """The fixed texts of a dialogue task (prompt strings of ``vs_bench.prompts``).

    ``system``: the tested side's role, a template with ``{fields}`` of the sample's
    metadata (e.g. ``{persona}``), followed by the format's system prompt; ``closing``:
    the question after the last partner message; ``partner_role``: the model role that
    replaces the script; ``partner_system`` and ``partner_opening``: that model's system
    message and its first user message.
    """

    system: str
    closing: str
    partner_role: str
    partner_system: str
    partner_opening: str
