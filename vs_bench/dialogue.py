"""Dialogue simulation: the model under test plays one side of a conversation, turn by turn.

The other side (the partner) replays a script of messages (the sample's ``partner_turns``,
offline and deterministic) or, with ``--model-role <partner role>=<model>``, is a model
that writes each message from the conversation so far. The model under test answers each
partner message in the run's format: one reply in the one-answer formats; k candidates in
the list and VS formats (in the conversation formats, over the format's follow-up turns),
of which one is kept, chosen by the stated probabilities (uniformly when a candidate
states none, or with ``selection="uniform"``) with a random generator seeded per
dialogue. The conversation goes on with the kept reply only. After the last partner
message the closing question is asked the same way; the kept answer is the dialogue's
final statement.

Each of the N simulations of a sample is one dialogue. What the solver records: the final
statements as the sample's draws (``vs_bench.draws``, one per dialogue that reached its
end; parse failures and candidate counts as for every format), and every turn, with its
candidates, under ``STORE_KEY`` (``DialogueRecord``). A turn whose replies give no
candidate after ``MAX_CALLS_FACTOR`` tries abandons its dialogue, which then has no final
statement (counted, never guessed).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    Model,
    ModelOutput,
    get_model,
    model_roles,
)
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import Store

from vs_bench._inspect_compat import active_generate_config
from vs_bench.capabilities import capabilities
from vs_bench.checks import integer
from vs_bench.draws import Draw, ParseFailure, SampleDraws
from vs_bench.errors import VsBenchError
from vs_bench.formats import (
    FORMATS,
    REQUEST_KEY,
    Budget,
    Format,
    PromptOptions,
    default_m,
    followup_prompt,
    request_metadata,
    response_schema,
    system_prompt,
)
from vs_bench.ideal import IDEAL_KEY
from vs_bench.parsing import Candidate, ParseError, parse_reply
from vs_bench.scenario import Scenario
from vs_bench.solver import MAX_CALLS_FACTOR, REPLY_EXCERPT, draw_cache, draw_seed

STORE_KEY = "vs_bench:dialogue"
Selection = Literal["probability", "uniform"]
SELECTIONS: tuple[Selection, ...] = ("probability", "uniform")
# sample metadata: the partner's scripted messages, and what random/python answers them with
PARTNER_TURNS_KEY = "partner_turns"
REPLY_IDEAL_KEY = "reply_ideal"
PARTNER_IDEAL_KEY = "partner_ideal"


@dataclass
class Turn:
    """One exchange: the partner's message and the tested side's candidates and choice."""

    partner: str
    candidates: list[str]
    probabilities: list[float | None]
    chosen: int

    @property
    def reply(self) -> str:
        return self.candidates[self.chosen]


@dataclass
class Simulation:
    """One dialogue: its turns, the closing question's turn, or why it stopped early."""

    turns: list[Turn] = field(default_factory=list)
    closing: Turn | None = None
    abandoned: str | None = None  # the reason, when it ended before its final statement

    @property
    def replies(self) -> list[str]:
        """The tested side's kept replies to the partner (the closing answer excluded)."""
        return [turn.reply for turn in self.turns]


@dataclass
class DialogueRecord:
    """Every simulated dialogue of one sample."""

    simulations: list[Simulation] = field(default_factory=list)

    def save(self, store: Store) -> None:
        store.set(STORE_KEY, asdict(self))

    @staticmethod
    def load(store: Store | Mapping[str, Any]) -> DialogueRecord:
        data = store.get(STORE_KEY)
        if data is None:
            raise KeyError(f"no {STORE_KEY} in the sample store: was the dialogue solver used?")

        def turn(raw: dict[str, Any] | None) -> Turn | None:
            return Turn(**raw) if raw is not None else None

        return DialogueRecord(
            [
                Simulation(
                    [Turn(**t) for t in s["turns"]], turn(s["closing"]), s["abandoned"]
                )
                for s in data["simulations"]
            ]
        )


def dialogue_budget(fmt: Format, n: object, k: object, m: object | None) -> Budget:
    """N dialogues per sample, k candidates per turn (list and VS formats), m per
    vs_multi sub-turn: N need not be a multiple of k, as each turn asks k afresh."""
    n_, k_ = integer("n", n, low=1), integer("k", k, low=1)
    m_ = integer("m", m, low=1) if m is not None else default_m(k_)
    if m_ > k_:
        raise VsBenchError(f"m={m_} is larger than k={k_}: pass -T m=<1..{k_}>")
    return Budget(n_, k_, m_)


def turn_plan(fmt: Format, budget: Budget) -> list[int]:
    """Candidates asked per call within one turn: [1] for the one-answer formats, [k]
    for the batched ones, the follow-up turns of multi_turn ([1] * k) and vs_multi."""
    if not fmt.batched and not fmt.conversation:
        return [1]
    return Budget(budget.k, budget.k, budget.m).plan(fmt)[0]


def choose(candidates: Sequence[Candidate], selection: Selection, rng: random.Random) -> int:
    """The index kept: by stated probability when every candidate states one (and they
    do not sum to 0) and ``selection`` is "probability", else uniformly."""
    stated = [c.probability for c in candidates]
    if selection == "probability" and all(p is not None for p in stated):
        weights = [float(p) for p in stated if p is not None]
        if sum(weights) > 0:
            return rng.choices(range(len(candidates)), weights=weights)[0]
    return rng.randrange(len(candidates))


def check_selection(selection: object) -> Selection:
    if selection not in SELECTIONS:
        raise VsBenchError(
            f"selection={selection!r} is unknown: pass -T selection=<{'|'.join(SELECTIONS)}>"
        )
    return selection


@solver
def dialogue_solver(
    fmt: Format, budget: Budget, options: PromptOptions, scenario: Scenario,
    selection: Selection = "probability",
) -> Solver:
    """Simulate ``budget.n`` dialogues per sample, the model answering in ``fmt``."""
    instructions = system_prompt(fmt, budget, options)
    plan = turn_plan(fmt, budget)
    wanted = sum(plan)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        model = get_model()
        # required: the role is bound (checked), never the model under test persuading itself
        partner: Model | None = (
            get_model(role=scenario.partner_role, required=True)
            if scenario.partner_role in model_roles() else None
        )
        active = active_generate_config()
        able = capabilities(model)
        exact = able.exact_count
        metadata = state.metadata
        script: list[str] = list(metadata[PARTNER_TURNS_KEY])
        # the partner's request data: for a partner that reads it (random/python) only
        partner_ideal = metadata.get(PARTNER_IDEAL_KEY)
        partner_reads = partner is not None and capabilities(partner).reads_request
        system = scenario.system.format(**metadata) + "\n\n" + instructions
        record = SampleDraws(requested=budget.n)

        async def answer(
            history: list[ChatMessage], prompt: str, ideal: object, where: tuple[Any, ...]
        ) -> list[Candidate]:
            """The candidates of one turn (``prompt`` after ``history``); [] if none parsed."""
            for attempt in range(MAX_CALLS_FACTOR):
                messages = [ChatMessageSystem(content=system), *history]
                found: list[Candidate] = []
                for sub, count in enumerate(plan):
                    data = None
                    if able.reads_request:  # as in the sampler: nobody else reads it
                        request = request_metadata(fmt, options, count, None if sub else ideal)
                        # one of the turn's candidates (over all its calls) is kept, by the
                        # stated probabilities: a sampler of i.i.d. candidates states each
                        # one's share of them (random/python reads it)
                        request["reply"]["one_kept"] = sum(plan)
                        data = {REQUEST_KEY: request}
                    content = followup_prompt(fmt, count) if sub else prompt
                    messages.append(ChatMessageUser(content=content, metadata=data))
                    at = (*where, attempt, sub)
                    output = await model.generate(
                        messages,
                        config=GenerateConfig(
                            seed=draw_seed(active.seed, fmt.name, *at),
                            response_schema=response_schema(
                                fmt, options, count if exact and fmt.batched else None
                            ),
                        ),
                        cache=draw_cache(active.cache, *at),
                    )
                    messages.append(output.message)
                    reply = output.completion
                    record.replies += 1
                    try:
                        parsed = parse_reply(reply, fmt.shape)
                    except ParseError as ex:
                        record.failures.append(
                            ParseFailure(where[2], where[3], str(ex), reply[:REPLY_EXCERPT])
                        )
                        continue
                    record.over_delivered += max(0, len(parsed) - count)
                    record.under_delivered += max(0, count - len(parsed))
                    found.extend(parsed[:count])
                if found:
                    return found[:wanted]
            return []

        async def partner_message(
            simulation: int, turn: int, history: list[ChatMessage]
        ) -> str | None:
            """The partner's message of ``turn``: the script's, or the partner model's."""
            if partner is None:
                return script[turn]
            # the partner's view: its own messages are the assistant's, ours the user's
            messages: list[ChatMessage] = [
                ChatMessageSystem(content=scenario.partner_system),
                _user(scenario.partner_opening, partner_ideal, partner_reads),
            ]
            for message in history:
                if isinstance(message, ChatMessageUser):
                    messages.append(ChatMessageAssistant(content=message.text))
                else:
                    messages.append(_user(message.text, partner_ideal, partner_reads))
            for attempt in range(MAX_CALLS_FACTOR):
                at = ("partner", state.sample_id, state.epoch, simulation, turn, attempt)
                output = await partner.generate(
                    messages,
                    config=GenerateConfig(seed=draw_seed(active.seed, *at)),
                    cache=draw_cache(active.cache, *at),
                )
                if output.completion.strip():
                    return output.completion.strip()
            return None

        async def simulate(simulation: int) -> Simulation:
            # seeded per dialogue (sample, epoch, simulation): the same choices on a rerun
            rng = random.Random(repr((active.seed, state.sample_id, state.epoch, simulation)))
            done = Simulation()
            history: list[ChatMessage] = []
            ideal = metadata.get(REPLY_IDEAL_KEY)
            for turn in range(len(script)):
                message = await partner_message(simulation, turn, history)
                if message is None:
                    done.abandoned = f"turn {turn}: the partner model gave an empty message"
                    return done
                where = (state.sample_id, state.epoch, simulation, turn)
                found = await answer(history, message, ideal, where)
                if not found:
                    done.abandoned = f"turn {turn}: no reply parsed in {MAX_CALLS_FACTOR} tries"
                    return done
                kept = _turn(message, found, choose(found, selection, rng))
                done.turns.append(kept)
                history += [ChatMessageUser(content=message),
                            ChatMessageAssistant(content=kept.reply)]
            where = (state.sample_id, state.epoch, simulation, len(script))
            found = await answer(history, scenario.closing, metadata.get(IDEAL_KEY), where)
            if not found:
                done.abandoned = f"closing question: no answer parsed in {MAX_CALLS_FACTOR} tries"
                return done
            done.closing = _turn(scenario.closing, found, choose(found, selection, rng))
            return done

        settled = await asyncio.gather(
            *(simulate(i) for i in range(budget.n)), return_exceptions=True
        )
        errors = [r for r in settled if isinstance(r, BaseException)]
        if errors:
            raise errors[0]
        simulations = [r for r in settled if not isinstance(r, BaseException)]
        record.calls = len(simulations)
        record.draws = [
            Draw(s.closing.reply, s.closing.probabilities[s.closing.chosen], i, len(s.turns))
            for i, s in enumerate(simulations)
            if s.closing is not None
        ]
        record.save(state.store)
        DialogueRecord(simulations).save(state.store)
        if simulations:  # the first dialogue as the sample's messages, for inspect view
            state.messages = [ChatMessageSystem(content=system), *transcript(simulations[0])]
        state.output = ModelOutput.from_content(
            model=str(model), content=json.dumps(record.texts, ensure_ascii=False)
        )
        return state

    return solve


def transcript(simulation: Simulation) -> list[ChatMessage]:
    """The dialogue as it went on: each partner message and the reply kept."""
    turns = [*simulation.turns, *([simulation.closing] if simulation.closing else [])]
    return [
        message
        for turn in turns
        for message in (ChatMessageUser(content=turn.partner),
                        ChatMessageAssistant(content=turn.reply))
    ]


def _user(text: str, ideal: object | None, reads: bool) -> ChatMessageUser:
    """A user message of the partner model's view: one plain reply asked (the direct
    format's request) and, for a partner that ``reads`` it, what random/python answers
    it with (``ideal``)."""
    if not reads:
        return ChatMessageUser(content=text)
    request = request_metadata(FORMATS["direct"], PromptOptions(), 1, ideal)
    return ChatMessageUser(content=text, metadata={REQUEST_KEY: request})


def _turn(partner: str, candidates: list[Candidate], chosen: int) -> Turn:
    return Turn(partner, [c.text for c in candidates], [c.probability for c in candidates],
                chosen)
