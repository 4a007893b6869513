"""``scripted/<name>``: a test provider that replies from a fixed script, and counts calls."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from vs_bench.capabilities import Capabilities

Reply = str | Callable[[list[ChatMessage], GenerateConfig], str]


@modelapi(name="scripted")
class ScriptedAPI(ModelAPI):
    """Replies cycle through ``replies``; a callable reply is called with the request.

    ``max_choices``: the choices a request may ask for (its declared capability), each the
    script's next reply; ``short_choices`` returns fewer than asked without an error.
    """

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        replies: Iterable[Reply] = ("ok",),
        calls: list[GenerateConfig] | None = None,
        reads_request: bool = True,
        max_choices: int = 1,
        short_choices: int | None = None,
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config)
        self.replies = itertools.cycle(list(replies))
        self.calls = calls if calls is not None else []
        self.reads_request = reads_request
        self.max_choices = max_choices
        self.short_choices = short_choices  # at most this many choices a reply, unsaid

    def max_tokens(self) -> int | None:
        return None

    @property
    def capabilities(self) -> Capabilities:
        # a scripted reply (the collapsed model) may answer in the asked shape, as
        # random/python does: it gets the request's data unless told to be an API
        return Capabilities(max_choices=self.max_choices, reads_request=self.reads_request)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        self.calls.append(config)
        count = min(config.num_choices or 1, self.short_choices or config.num_choices or 1)
        texts = []
        for _ in range(count):  # each choice the script's next reply
            reply = next(self.replies)
            texts.append(reply if isinstance(reply, str) else reply(input, config))
        output = ModelOutput.from_content(model=self.model_name, content=texts[0])
        output.choices = [
            ChatCompletionChoice(message=ChatMessageAssistant(content=text, model=self.model_name))
            for text in texts
        ]
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return output
