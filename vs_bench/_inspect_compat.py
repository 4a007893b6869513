"""Every import from Inspect's private modules (``inspect_ai._*``), in one place.

Pinned to inspect-ai 0.3.285; an upgrade that moves one of these breaks here first.
"""
# inspect-evals-lint: ignore-file[IECQ001] -- the one module of private imports, reasons below

from __future__ import annotations

# -M / -T key=value parsing of `inspect eval` (YAML values, comma lists), so that
# `vs-bench run` reads them with the same meaning.
from inspect_ai._util.config import parse_cli_args

# The error type Inspect's CLI prints without a traceback; VsBenchError subclasses it
# so `inspect eval` shows our one-line messages the same way.
from inspect_ai._util.error import PrerequisiteError

# Registry look-ups: preflight checks a model provider exists before Inspect starts
# (Inspect itself raises a bare ValueError with a traceback); scorers.common registers
# our scorers under their unqualified names too (registry_add, registry_info,
# registry_lookup), so that `inspect score LOG` finds them by the name a log records:
# Inspect has no public way to give a scorer a second name.
from inspect_ai._util.registry import (
    RegistryInfo,
    registry_add,
    registry_find,
    registry_info,
    registry_lookup,
    registry_unqualified_name,
)

# The eval's GenerateConfig (--seed, --cache) as seen by a solver: the solver derives a
# seed and a cache scope per draw from them.
from inspect_ai.model._generate_config import active_generate_config

__all__ = [
    "PrerequisiteError",
    "RegistryInfo",
    "active_generate_config",
    "parse_cli_args",
    "registry_add",
    "registry_find",
    "registry_info",
    "registry_lookup",
    "registry_unqualified_name",
]
