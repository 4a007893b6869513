"""What a model provider's API does for the solver, declared in one place.

Inspect's providers are listed by their registry name (``PROVIDERS``); vs-bench's own
(``local``, ``random``) declare theirs as a ``capabilities`` property of their ModelAPI
class. The solver asks :func:`capabilities` and never tests a provider's name.

Choices per request (the chat API's ``n``) are the lever at scale: a one-answer format
gets up to ``max_choices`` draws from one request, so Python's per-request cost is paid
once for many draws. A server that refuses an ``n`` (llama.cpp allows no more than its
slots) says so in a 400; :func:`refused_choices` reads the largest ``n`` it accepts
from that message, and :func:`learn_refusal` keeps it for the rest of the process.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, replace

from inspect_ai.model import GenerateConfig, Model

from vs_bench.checks import integer

logger = logging.getLogger(__name__)

# vLLM and SGLang take any n; 128 bounds one reply's size (and is OpenAI's own maximum).
DEFAULT_MAX_CHOICES = 128
MAX_CHOICES_ARG = "max_choices"  # -M: choices one request may ask for (the chat API's n)


@dataclass(frozen=True)
class Capabilities:
    """What one provider's requests can carry."""

    max_choices: int = 1  # choices one request may ask for (the chat API's n)
    exact_count: bool = False  # its constrained decoding enforces minItems/maxItems
    reads_request: bool = False  # it reads the solver's request metadata (random/python)
    # -M args it does not know stay off its HTTP client, so inspect eval's -M max_choices
    # reaches the solver (Model.model_args); others hand them to a client that refuses them
    keeps_model_args: bool = False


# Inspect provider name -> capabilities; a provider not listed gets one choice a request.
# The chat API's n: vLLM, SGLang and OpenAI-compatible servers (llama.cpp up to its slots:
# refusals are learnt), OpenAI's chat completions, Together; Gemini's candidateCount
# (at most 8).
# vLLM and SGLang keep unknown model args as options for a server they start (none
# when given a base URL).
PROVIDERS: dict[str, Capabilities] = {
    "vllm": Capabilities(DEFAULT_MAX_CHOICES, keeps_model_args=True),
    "sglang": Capabilities(DEFAULT_MAX_CHOICES, keeps_model_args=True),
    "openai-api": Capabilities(DEFAULT_MAX_CHOICES),
    "openai": Capabilities(DEFAULT_MAX_CHOICES),
    "together": Capabilities(DEFAULT_MAX_CHOICES),
    "google": Capabilities(8),
}
NONE = Capabilities()

# -M max_choices of vs-bench run (model name -> cap): Inspect's providers pass unknown
# model args on to their client, so vs-bench run takes it off and keeps it here.
_configured: dict[str, int] = {}
# what servers refused, learnt in this process: (model, base URL) -> largest n accepted
_learnt: dict[tuple[str, str | None], int] = {}
_lock = threading.Lock()


def provider_of(model: Model | str) -> str:
    """The provider part of ``provider/name``."""
    return str(model).split("/", 1)[0]


def configure(model: str, max_choices: int) -> None:
    """``-M max_choices`` of ``vs-bench run`` for ``model``."""
    with _lock:
        _configured[model] = max_choices


def declared(model: str) -> Capabilities:
    """The capabilities of a model by name alone, before any model is made (the plan).

    The table for Inspect's providers, else the ``CAPABILITIES`` of a ModelAPI class
    registered under the provider's name (vs-bench's own).
    """
    provider = provider_of(model)
    found = PROVIDERS.get(provider) or _class_capabilities(provider) or NONE
    with _lock:
        cap = _configured.get(model)
    return replace(found, max_choices=cap) if cap else found


def _class_capabilities(provider: str) -> Capabilities | None:
    from vs_bench.providers import provider_class

    try:
        own = getattr(provider_class(provider), "CAPABILITIES", None)
    except ImportError:  # a provider whose extra is not installed declares nothing
        return None
    return own if isinstance(own, Capabilities) else None


def capabilities(model: Model) -> Capabilities:
    """What ``model``'s requests can carry now (after any refusal it has made).

    The cap on choices: ``vs-bench run``'s ``-M max_choices``, else ``inspect eval``'s for
    a provider that keeps it (our own read it in their constructor), else the provider's.
    """
    own = getattr(model.api, "capabilities", None)
    found = own if isinstance(own, Capabilities) else declared(str(model))
    if _uses_responses_api(model):
        found = replace(found, max_choices=1)  # the Responses API has no n
    if found.keeps_model_args and MAX_CHOICES_ARG in model.model_args:
        arg = integer(MAX_CHOICES_ARG, model.model_args[MAX_CHOICES_ARG], low=1, option="-M")
        found = replace(found, max_choices=arg)
    with _lock:
        cap = _configured.get(str(model)) or found.max_choices
        cap = min(cap, _learnt.get(_key(model), cap))
    return replace(found, max_choices=cap)


def _uses_responses_api(model: Model) -> bool:
    uses = getattr(model.api, "uses_responses_api", None)
    try:
        return callable(uses) and bool(uses([], GenerateConfig()))
    except AttributeError:  # a subclass that never sets the attribute (vllm/): chat API
        return False


def _key(model: Model) -> tuple[str, str | None]:
    return str(model), model.api.base_url


# A refused n names the parameter and the largest value accepted: llama.cpp's server
# ("Field 'n': Value must be between 1 <= value <= 4, but got 5"), OpenAI ("Invalid 'n':
# integer above maximum value. Expected a value <= 128, but got 200 instead."), Gemini
# ("candidate_count must be between 1 and 8").
_REFUSAL = re.compile(
    r"(?:['\"]n['\"]|\bn must\b|candidate_?count|candidateCount)"
    r".{0,120}?(?:<=\s*value\s*<=|<=|at most|between 1 and|maximum(?: value)? (?:is|of))\s*(\d+)",
    re.IGNORECASE | re.DOTALL,
)


def refused_choices(error: BaseException, asked: int) -> int | None:
    """The largest n a server accepts, when ``error`` is its refusal of ``asked``."""
    status = getattr(error, "status_code", None)
    message = getattr(error, "provider_message", None) or str(error)
    if status not in (None, 400, 422):
        return None
    found = _REFUSAL.search(message)
    if not found:
        return None
    accepted = int(found.group(1))
    return accepted if 1 <= accepted < asked else None


def learn_refusal(model: Model, accepted: int, asked: int) -> None:
    """Ask ``model`` at most ``accepted`` choices a request from now on; say so once."""
    key = _key(model)
    with _lock:
        before = _learnt.get(key)
        if before is not None and before <= accepted:
            return
        _learnt[key] = accepted
    logger.warning(
        "%s refused %d choices per request (n): asking at most %d per request from now on "
        "(set -M max_choices=%d to start there)", model, asked, accepted, accepted
    )


def forget() -> None:
    """Drop what was configured and learnt (tests)."""
    with _lock:
        _configured.clear()
        _learnt.clear()
