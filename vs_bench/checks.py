"""The one check of a number a user passes: an integer (with a floor) or a number in a range.

Every option that takes a number goes through here, so that a bad value gives the same
one-line error everywhere, naming the fix in the syntax of the option that took it:
``-T name=...`` (task parameters), ``-M name=...`` (model arguments) or ``--name ...``
(command-line flags).
"""

from __future__ import annotations

from typing import Literal

from vs_bench.errors import VsBenchError

Option = Literal["-T", "-M", "--"]


def fix(name: str, option: Option, wanted: str) -> str:
    """``pass -T name=<wanted>``, ``pass -M name=<wanted>`` or ``pass --name <wanted>``."""
    if option == "--":
        return f"pass --{name.replace('_', '-')} <{wanted}>"
    return f"pass {option} {name}=<{wanted}>"


def integer(name: str, value: object, *, low: int | None = None, option: Option = "-T") -> int:
    """``value`` (an int, or its text) as an integer of at least ``low``; else a one-line error.

    Booleans and floats are refused: ``True`` or ``2.5`` for a count is a mistake, not 1 or 2.
    """
    wanted = "integer" if low is None else f"integer >= {low}"
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise VsBenchError(f"{name}={value!r} is not an integer: {fix(name, option, wanted)}")
    try:
        found = int(value)
    except ValueError:
        raise VsBenchError(
            f"{name}={value!r} is not an integer: {fix(name, option, wanted)}"
        ) from None
    if low is not None and found < low:
        raise VsBenchError(f"{name}={found} must be at least {low}: {fix(name, option, wanted)}")
    return found


def number(name: str, value: object, low: float, high: float, *, option: Option = "-T") -> float:
    """``value`` (a number, or its text) as a float in [low, high]; else a one-line error."""
    wanted = f"number in [{low}, {high}]"
    try:
        if isinstance(value, bool):
            raise ValueError
        found = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise VsBenchError(
            f"{name}={value!r} is not a number: {fix(name, option, wanted)}"
        ) from None
    if not low <= found <= high:  # NaN fails this too
        raise VsBenchError(f"{name}={found} is out of range: {fix(name, option, wanted)}")
    return found
