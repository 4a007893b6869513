"""A llama.cpp grammar (GBNF) for JSON without layout whitespace, from a JSON schema.

llama.cpp's own ``json_schema`` grammar lets a model indent and break lines freely; a
small model then spends about 30% of a verbalized-sampling reply on layout (5-candidate
replies of the default model: 110 tokens pretty-printed, 75-80 with this grammar).
This grammar allows one optional space after ``:`` and ``,`` and nothing else between
tokens, so replies are shorter and the same JSON. It covers the schema subset the
harness sends to this provider (objects with required properties in order, arrays of a
fixed length, strings, numbers);
for anything else :func:`compact_grammar` returns None and the caller sends the schema.

GBNF: https://github.com/ggml-org/llama.cpp/blob/master/grammars/README.md
"""

from __future__ import annotations

import json
from typing import Any

_BASE = r"""sp ::= " "?
string ::= "\"" char* "\""
char ::= [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" hex hex hex hex)
hex ::= [0-9a-fA-F]
number ::= "-"? ([0-9] | [1-9] [0-9]*) ("." [0-9]+)? ([eE] [-+]? [0-9]+)?"""


class _Unsupported(Exception):
    pass


def compact_grammar(schema: dict[str, Any]) -> str | None:
    """A GBNF grammar for ``schema`` with compact layout, or None if it is out of scope."""
    rules: list[str] = []

    def rule(node: dict[str, Any]) -> str:
        kind = node.get("type")
        if kind == "string":
            return "string"
        if kind in ("number", "integer"):
            return "number"
        if kind == "array" and isinstance(node.get("items"), dict):
            item = rule(node["items"])
            name = f"r{len(rules)}"
            low, high = node.get("minItems"), node.get("maxItems")
            if low is not None and low == high and low >= 1:
                # exactly n items, spelled out (no repetition operators needed)
                body = ' "," sp '.join([item] * int(low))
                rules.append(f'{name} ::= "[" sp {body} sp "]"')
            else:
                # an open-ended list: a small model held to one line may never close it
                # (measured with SmolLM2); llama.cpp's own grammar lets it end
                raise _Unsupported
            return name
        if kind == "object" and isinstance(node.get("properties"), dict):
            properties = node["properties"]
            if set(node.get("required", [])) != set(properties) or not properties:
                raise _Unsupported  # optional properties: leave it to llama.cpp
            parts = [
                f'"{json.dumps(json.dumps(key))[1:-1]}" sp ":" sp {rule(value)}'
                for key, value in properties.items()
            ]
            name = f"r{len(rules)}"
            rules.append(f'{name} ::= "{{" sp ' + ' "," sp '.join(parts) + ' sp "}"')
            return name
        raise _Unsupported

    try:
        root = rule(schema)
    except _Unsupported:
        return None
    return "\n".join([f"root ::= {root}", *rules, _BASE]) + "\n"
