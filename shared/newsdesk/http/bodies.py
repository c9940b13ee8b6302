"""Reading request bodies: media types, and JSON within limits. Standard library only (the comment intake
uses it too).

`decode_json` is the one JSON decoder of every API function: the resolver hands it to Powertools (so the
editor API's validated bodies go through it) and the comment intake calls it for JSON comments. It refuses,
as a client's mistake (newsdesk.http.problems maps the errors to 400), what `json.loads` alone would let
through to a fault of ours: nesting deeper than MAX_DEPTH (the decoder recurses), numbers longer than
MAX_NUMBER_CHARS (int() refuses more than 4300 digits), NaN and Infinity (not JSON), text that is not
Unicode (lone surrogates such as "\\ud800" cannot be stored or sent on).
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from newsdesk.http.problems import JsonTooComplex, MalformedJson

JSON = "application/json"
# Every body of the APIs is a small object: a few levels of nesting and short numbers are all they take.
MAX_DEPTH = 32
MAX_NUMBER_CHARS = 40

# A string, or an unterminated one up to the end: every match succeeds, so the scan stays linear (a pattern
# requiring the closing quote would rescan the rest of the text from every quote of an unterminated one).
_STRING = re.compile(r'"(?:[^"\\]+|\\.)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type value, lower case, without parameters ('' when there is none)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def nesting_depth(text: str, *, limit: int | None = None) -> int:
    """How deeply the arrays and objects of a JSON text nest (brackets inside strings do not count); with
    `limit`, counting stops at the first level past it."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    peak = 0
    for level in accumulate(1 if c in "[{" else -1 for c in brackets):
        if level > peak:
            peak = level
            if limit is not None and peak > limit:
                break
    return peak


def _number(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        if len(text) > MAX_NUMBER_CHARS:
            raise JsonTooComplex(
                f"A number in the request body is longer than {MAX_NUMBER_CHARS} characters."
            )
        return kind(text)

    return parse


def _no_constant(name: str) -> Any:
    raise MalformedJson(f"{name} is not a JSON value.")


_parse_int = _number(int)
_parse_float = _number(float)


def decode_json(text: str | bytes | bytearray) -> Any:
    """The value of a JSON text, or MalformedJson / JsonTooComplex (both a 400)."""
    if isinstance(text, bytes | bytearray):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedJson("The request body is not valid UTF-8.") from None
    if nesting_depth(text, limit=MAX_DEPTH) > MAX_DEPTH:
        raise JsonTooComplex(f"The request body nests arrays and objects more than {MAX_DEPTH} deep.")
    try:
        value = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_no_constant)
    except RecursionError:  # (nesting_depth counted first: kept so no input can make this a fault)
        raise JsonTooComplex("The request body nests arrays and objects too deeply.") from None
    except ValueError:
        raise MalformedJson("The request body is not valid JSON.") from None
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedJson("The request body has a string that is not valid Unicode.") from None
    return value
