"""``-M max_choices`` through ``inspect eval``, for the providers whose model args carry it."""

from __future__ import annotations

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.event import ModelEvent

from tests.reliability.clients import MODEL_ARGS, VLLM, chats
from tests.reliability.conftest import Serve
from tests.reliability.fault_server import Faults
from vs_bench import capabilities
from vs_bench._registry import TASKS
from vs_bench.draws import SampleDraws

DRAWS, CAP = 10, 4


@pytest.fixture(autouse=True)
def _fresh_capabilities() -> None:
    capabilities.forget()


def test_vllm_takes_max_choices_from_inspect_evals_model_args(serve: Serve) -> None:
    """vllm/ with a base URL keeps -M args off its client: the cap reaches the solver."""
    server = serve(Faults(seed=1))
    (log,) = inspect_eval(
        TASKS["rand_num_direct"](n=DRAWS),
        model=VLLM,
        model_base_url=server.url,
        model_args={**MODEL_ARGS[VLLM], capabilities.MAX_CHOICES_ARG: CAP},
        seed=2,
        display="none",
    )
    assert log.status == "success", log.error
    # 10 draws in requests of at most 4 choices (the default cap would ask all 10 at once)
    assert sorted(r.asked for r in chats(server)) == [2, 4, 4]
    (sample,) = log.samples or []
    assert len(SampleDraws.load(sample.store).draws) == DRAWS


def test_random_python_takes_max_choices_from_inspect_evals_model_args() -> None:
    (log,) = inspect_eval(
        TASKS["rand_num_direct"](n=DRAWS),
        model="random/python",
        model_args={capabilities.MAX_CHOICES_ARG: 3},
        seed=2,
        display="none",
    )
    assert log.status == "success", log.error
    (sample,) = log.samples or []
    # one choice goes as a plain request (no n)
    asked = [e.config.num_choices or 1 for e in sample.events if isinstance(e, ModelEvent)]
    assert sorted(asked) == [1, 3, 3, 3]


def test_a_provider_that_hands_model_args_to_its_client_does_not_read_them() -> None:
    """openai-api/ passes -M args to the OpenAI client (which refuses max_choices), so
    only vs-bench run's -M max_choices, taken off the args, caps it."""
    assert not capabilities.declared("openai-api/s/m").keeps_model_args
    assert capabilities.declared("vllm/m").keeps_model_args
