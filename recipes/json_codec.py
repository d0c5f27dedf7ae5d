"""JSON in and out, fast: orjson (C code) where it gives the same answer as the standard
library, the standard library where it does not.

Two places spend real time on JSON: the API's responses (24 recipe objects are about 100 kB,
0.8 ms to encode with `json`, 0.1 ms with orjson) and the JSON columns of the recipes read for
them (ingredients, their readings, steps, nutrition: four per recipe, 96 for one API page).

orjson is stricter than the standard library in a few corners, and those fall back to it, so
nothing that worked before fails now:
- integers beyond 64 bits, NaN and infinities (the standard library writes and reads them);
- objects orjson does not know (Decimal, dates, `__html__`): Flask's own rules turn them into
  JSON, as before (dates and datetimes as HTTP dates, as Flask writes them).

What differs, harmlessly for any JSON reader: text outside ASCII is written as UTF-8, not as
`\\u` escapes, and floats in their shortest form (`1e16`, not `1e+16`).
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

# Keys sorted, as Flask's provider sorts them (the same response for the same data, so ETags
# and caches agree); datetimes and dataclasses go through Flask's rules, not orjson's.
_RESPONSE_OPTIONS = (
    orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)

# What Flask's `response` asks for outside debug mode: orjson's only form.
_COMPACT = {"separators": (",", ":")}


class FastJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider (jsonify, `return dict`, flask-smorest) with orjson doing the work."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs and kwargs != _COMPACT:  # indentation (debug mode) or other options: as before
            return super().dumps(obj, **kwargs)
        try:
            return orjson.dumps(obj, default=self.default, option=_RESPONSE_OPTIONS).decode()
        except orjson.JSONEncodeError:  # a 65-bit integer, NaN: the standard library writes them
            return super().dumps(obj, **kwargs)


def column_loads(text: str | bytes) -> Any:
    """A JSON column's value (SQLAlchemy's json_deserializer)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN or a huge integer written by json.dumps
        return json.loads(text)
