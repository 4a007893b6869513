"""A deliberately collapsed test model: mostly one favourite answer, in the asked shape.

Used as ``get_model("scripted/collapsed", replies=[collapsed_reply()])``; it answers
the prompts random/python knows, in the shape each format asks for.
"""

from __future__ import annotations

import random

from inspect_ai.model import ChatMessage, ChatMessageSystem, ChatMessageUser, GenerateConfig

from tests.scripted_model import Reply
from vs_bench.providers.random_python import _request
from vs_bench.tasks import reference_for


def collapsed_reply(share: float = 0.8) -> Reply:
    """Each draw is the middle answer with probability ``share``, else a uniform one."""

    def reply(messages: list[ChatMessage], config: GenerateConfig) -> str:
        system = next((m.text for m in messages if isinstance(m, ChatMessageSystem)), "")
        users = [m.text for m in messages if isinstance(m, ChatMessageUser)]
        answers = reference_for(users[0])
        assert answers is not None, users[0]
        options = answers.canonical
        request = _request(system, users[-1] if len(users) > 1 else None)
        rng = random.Random(config.seed)
        texts = [
            options[len(options) // 2] if rng.random() < share else rng.choice(options)
            for _ in range(request.count)
        ]
        return request.render(texts, share)

    return reply
