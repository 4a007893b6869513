"""A deliberately collapsed test model: mostly one favourite answer, in the asked shape.

Used as ``get_model("scripted/collapsed", replies=[collapsed_reply()])``; it answers
the vs_bench tasks' requests as random/python does: the shape and the reference from
the request's data. With a share other than the default pass ``memoize=False``: Inspect
memoizes ``get_model`` by its JSON-able arguments, which a reply function is not, so a
second call would get the first model back.
"""

from __future__ import annotations

import random

from inspect_ai.model import ChatMessage, GenerateConfig

from tests.utils.scripted_model import Reply
from vs_bench.providers.random_python import sampler_request


def collapsed_reply(share: float = 0.8) -> Reply:
    """Each draw is the middle answer with probability ``share``, else a uniform one."""

    def reply(messages: list[ChatMessage], config: GenerateConfig) -> str:
        request, answers = sampler_request(messages)
        options = answers.canonical
        rng = random.Random(config.seed)
        texts = [
            options[len(options) // 2] if rng.random() < share else rng.choice(options)
            for _ in range(request.count)
        ]
        return request.render(texts, share)

    return reply
