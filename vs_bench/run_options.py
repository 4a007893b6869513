"""Inspect's run options in ``vs-bench run``: the names and meaning of ``inspect eval``.

``cli.run`` only declares the options; this module turns them into the suite's items,
the models and the keyword arguments of Inspect's ``eval_set``.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from inspect_ai.model import Model, get_model

from vs_bench import capabilities, preflight
from vs_bench._inspect_compat import PrerequisiteError, parse_cli_args
from vs_bench.capabilities import MAX_CHOICES_ARG
from vs_bench.checks import integer
from vs_bench.errors import VsBenchError
from vs_bench.suite import SuiteItem


@dataclass(frozen=True)
class RunOptions:
    """What ``vs-bench run`` hands to Inspect besides the suite's items."""

    models: tuple[str, ...]
    model_base_url: str | None = None
    model_args: dict[str, Any] = field(default_factory=dict)
    task_args: dict[str, Any] = field(default_factory=dict)
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    epochs: int | None = None
    max_samples: int | None = None
    max_connections: int | None = None
    batch: bool | int | str | None = None
    display: str | None = None
    seed: int | None = 0


def split_models(value: str | None, default: str) -> tuple[str, ...]:
    """``--model a,b``: several models, as ``sweep --models`` takes them."""
    names = tuple(v.strip() for v in (value or "").split(",") if v.strip())
    return names or (default,)


def key_values(values: Sequence[str] | None, option: str) -> dict[str, Any]:
    """``-M`` / ``-T`` ``key=value`` pairs, YAML values, as ``inspect eval`` reads them."""
    for value in values or ():
        if "=" not in value or not value.split("=", 1)[0]:
            raise VsBenchError(f"{option} {value!r} is not key=value: pass e.g. {option} n=50")
    return parse_cli_args(list(values or ()))


BATCH_OPTION = "--batch"
BATCH_DEFAULT = "true"  # the value of a bare --batch: the provider's default batching


def bare_batch(args: Sequence[str]) -> list[str]:
    """``args`` with a bare ``--batch`` (last, or followed by another option) given its
    value ``true``: Typer options always take a value, and ``--batch`` alone means
    default batching, as in ``inspect eval``."""
    out = list(args)
    for i in reversed(range(len(out))):
        if out[i] == BATCH_OPTION and (i + 1 == len(out) or out[i + 1].startswith("-")):
            out.insert(i + 1, BATCH_DEFAULT)
    return out


def batch_value(value: str | None) -> bool | int | str | None:
    """``--batch`` (default batching), ``--batch 1000`` (a batch size) or a config file."""
    if value is None:
        return None
    if value.lower() in (BATCH_DEFAULT, ""):
        return True
    if value.isdigit():
        return int(value)
    if not os.path.isfile(value):
        raise VsBenchError(f"--batch {value}: pass --batch, --batch <size> or a YAML/JSON file")
    return value


def with_task_args(items: Sequence[SuiteItem], task_args: dict[str, Any]) -> list[SuiteItem]:
    """Each ``-T`` to every task that has the parameter (one that none has is an error)."""
    if not task_args:
        return list(items)
    from vs_bench._registry import TASKS

    taken: set[str] = set()
    out = []
    for item in items:
        names = inspect.signature(TASKS[item.name]).parameters
        own = {k: v for k, v in task_args.items() if k in names}
        taken |= set(own)
        out.append(replace(item, params={**item.params, **own}))
    unknown = sorted(set(task_args) - taken)
    if unknown:
        raise VsBenchError(
            f"no task of this run takes -T {', '.join(unknown)}: see inspect info or the "
            "task's docstring for its parameters"
        )
    return out


def generate_args(options: RunOptions, suite_max_tokens: int | None) -> dict[str, Any]:
    """Inspect's generate and run keyword arguments of ``eval_set``."""
    found: dict[str, Any] = {
        "seed": options.seed,
        "max_tokens": options.max_tokens or suite_max_tokens,
        "temperature": options.temperature,
        "top_p": options.top_p,
        "epochs": options.epochs,
        "max_samples": options.max_samples,
        "batch": options.batch,
    }
    return {k: v for k, v in found.items() if v is not None}


def take_max_choices(options: RunOptions) -> RunOptions:
    """``-M max_choices`` is vs-bench's: kept for the solver, not passed to the provider."""
    if MAX_CHOICES_ARG not in options.model_args:
        return options
    args = dict(options.model_args)
    cap = integer(MAX_CHOICES_ARG, args.pop(MAX_CHOICES_ARG), low=1, option="-M")
    for name in options.models:
        capabilities.configure(name, cap)
    return replace(options, model_args=args)


def _variables(model: str, message: str) -> list[str]:
    """The environment variables a provider reads its key and base URL from."""
    provider, _, rest = model.partition("/")
    service = rest.split("/", 1)[0] if provider == "openai-api" else provider
    prefix = re.sub(r"[^A-Z0-9]", "_", service.upper())
    named = re.findall(r"\b[A-Z][A-Z0-9_]*_(?:API_KEY|BASE_URL|TOKEN)\b", message)
    wanted = [*named, f"{prefix}_API_KEY", f"{prefix}_BASE_URL"]
    return list(dict.fromkeys(wanted))


def resolve_models(options: RunOptions) -> list[Model]:
    """The run's models, made now: a missing key or base URL is one line naming both
    variables, and the base URL in use (also one read from ``<NAME>_BASE_URL``) is the
    one the logs record (Inspect records only ``--model-base-url``)."""
    preflight.check_models(options.models, options.model_base_url)
    models = []
    for name in options.models:
        try:
            model = get_model(name, base_url=options.model_base_url, **options.model_args)
        except VsBenchError:
            raise  # ours (a PrerequisiteError too) already names its fix
        except PrerequisiteError as ex:
            found = " and ".join(_variables(name, preflight.one_line(ex.message)))
            raise VsBenchError(
                f"{name} has no API key or base URL: set {found} (in the environment or "
                ".env), or pass -M api_key=... and --model-base-url"
            ) from None
        if options.model_base_url is None and model.api.base_url:
            model = get_model(name, base_url=model.api.base_url, **options.model_args)
        models.append(model)
    return models
